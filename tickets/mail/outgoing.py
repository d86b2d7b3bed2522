"""Delivery of the outgoing e-mail queue, with retries and backoff."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from tickets.models import Attachment, OutgoingEmail

logger = logging.getLogger(__name__)


def build(email: OutgoingEmail) -> EmailMessage:
    headers = {"Message-ID": email.message_id}
    if email.in_reply_to:
        headers["In-Reply-To"] = email.in_reply_to
    if email.references:
        headers["References"] = email.references
    if email.kind in {"acknowledgement", "survey", "link"}:
        # RFC 3834: machine-written answers say so, so that other robots do not answer them.
        headers["Auto-Submitted"] = "auto-replied" if email.kind == "acknowledgement" else "auto-generated"
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[settings.SUPPORT_EMAIL],
        headers=headers,
    )
    for attachment in Attachment.objects.filter(pk__in=email.attachment_ids):
        with attachment.file.open("rb") as handle:
            message.attach(attachment.filename, handle.read(), attachment.content_type)
    return message


def retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))  # 2, 4, 8 … minutes, at most 4 hours


def send_due(limit: int = 50) -> tuple[int, int]:
    """Send what is due now; returns (sent, failed attempts). Safe to run in several workers:
    each row is claimed under a row lock (skipped by the others on PostgreSQL)."""
    sent = failed = 0
    connection = get_connection(fail_silently=False)
    for _ in range(limit):
        with transaction.atomic():
            email = (
                OutgoingEmail.objects.select_for_update(skip_locked=True)
                .filter(state=OutgoingEmail.State.QUEUED, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if email is None:
                break
            try:
                connection.send_messages([build(email)])
            except Exception as error:  # any SMTP, network or file error: try again later
                email.attempts += 1
                email.last_error = f"{type(error).__name__}: {error}"[:2000]
                if email.attempts >= settings.MAIL_MAX_ATTEMPTS:
                    email.state = OutgoingEmail.State.FAILED
                    logger.error("giving up on e-mail %s to %s: %s", email.pk, email.to, email.last_error)
                else:
                    email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
                email.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
                failed += 1
                continue
            email.state = OutgoingEmail.State.SENT
            email.sent_at = timezone.now()
            email.attempts += 1
            email.save(update_fields=["state", "sent_at", "attempts"])
            sent += 1
    return sent, failed
