from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from tickets.models import Ticket


class Command(BaseCommand):
    help = "Close tickets that have been solved for TICKETS_AUTOCLOSE_DAYS days (run daily from cron)."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.TICKETS_AUTOCLOSE_DAYS)
        closed = 0
        for ticket in Ticket.objects.filter(status=Ticket.Status.SOLVED, solved_at__lt=cutoff):
            ticket.close()
            closed += 1
        self.stdout.write(f"closed {closed}")
