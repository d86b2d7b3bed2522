from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from helpcenter.history import record_update
from refunds import notifications
from refunds.models import RefundClaim, TransitionNotAllowed


class Command(BaseCommand):
    help = (
        "For claims waiting on the customer: send a reminder after REFUNDS_REMINDER_DAYS, and deny with the "
        "reason 'no answer' once the answer date (REFUNDS_NO_ANSWER_DAYS after the request) has passed. Run daily "
        "from cron."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        waiting = RefundClaim.objects.filter(status=RefundClaim.Status.INFO_REQUESTED)
        denied = reminded = 0
        # Closed the day after the date the customer was given (RefundClaim.answer_deadline).
        for claim in RefundClaim.objects.past_answer_deadline(timezone.localdate(now)):
            try:
                claim.deny_for_no_answer()
                denied += 1
            except TransitionNotAllowed:  # the customer answered while we looked
                pass
        due = waiting.filter(
            info_requested_at__lt=now - timedelta(days=settings.REFUNDS_REMINDER_DAYS),
            reminder_sent_at__isnull=True,
            status=RefundClaim.Status.INFO_REQUESTED,
        )
        for claim in due:
            notifications.reminder(claim)
            RefundClaim.objects.filter(pk=claim.pk).update(reminder_sent_at=now)
            record_update(RefundClaim, [claim.pk])
            reminded += 1
        self.stdout.write(f"reminded {reminded}, denied {denied}")
