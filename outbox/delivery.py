"""Delivery of the outgoing mail queue: claim, send, record; retries with backoff.

Each e-mail is first *claimed* with one conditional UPDATE (a lease of LEASE, taken only when no
other worker holds one), then sent outside any transaction, then its outcome is recorded under the
same claim. Another worker never takes a row whose lease holds, so two workers never send the same
e-mail, and a database that is busy when the outcome is recorded means a retry of the *record*,
never of the send. The one window left is a crash (or a database away for longer than the lease)
between the SMTP server accepting the message and the record: then the lease runs out and the mail
goes out again. Delivery is at-least-once across that window and exactly-once otherwise.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, get_connection
from django.db import Error as DatabaseError
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from outbox.models import AutoSubmitted, OutgoingEmail

logger = logging.getLogger(__name__)

# Longer than any SMTP conversation (EMAIL_TIMEOUT per step) takes; a crashed worker's claim is
# free again after it, so a crash delays a message by at most this much.
LEASE = timedelta(minutes=10)
# How long the outcome is retried against a busy database; well inside the lease, so that no
# other worker can take the message while this one still tries to say it was sent.
RECORD_RETRY = timedelta(minutes=5)


def build(email: OutgoingEmail) -> EmailMessage:
    headers = {"Message-ID": email.message_id}
    if email.in_reply_to:
        headers["In-Reply-To"] = email.in_reply_to
    if email.references:
        headers["References"] = email.references
    if email.auto_submitted != AutoSubmitted.NO:
        headers["Auto-Submitted"] = email.auto_submitted
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[settings.SUPPORT_EMAIL],
        headers=headers,
    )
    for item in email.attachments:
        with default_storage.open(item["name"], "rb") as handle:
            message.attach(item["filename"], handle.read(), item["content_type"])
    return message


def retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))  # 2, 4, 8 … minutes, at most 4 hours


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:48]


def claim_next(worker: str) -> OutgoingEmail | None:
    """Take the next due e-mail for this worker, or None. The attempt is counted at the claim, so
    a message that crashes the worker every time is still given up after MAIL_MAX_ATTEMPTS."""
    now = timezone.now()
    due = OutgoingEmail.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), state=OutgoingEmail.State.QUEUED, next_attempt_at__lte=now
    )
    for pk in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:20]:
        token = f"{worker}:{uuid.uuid4().hex[:12]}"
        # Conditional on the row still being free: of two workers racing for it, one updates it.
        if due.filter(pk=pk).update(lease_until=now + LEASE, claimed_by=token, attempts=F("attempts") + 1):
            return OutgoingEmail.objects.get(pk=pk)
    return None


def record(email: OutgoingEmail, **fields) -> bool:
    """Write a claimed e-mail's outcome and release the claim; False if the claim was lost (the
    lease ran out and another worker took the message). A busy or vanished database is retried
    for RECORD_RETRY, inside the lease, before the error is let through."""
    deadline = time.monotonic() + RECORD_RETRY.total_seconds()
    pause = 0.1
    while True:
        try:
            updated = OutgoingEmail.objects.filter(pk=email.pk, claimed_by=email.claimed_by).update(
                lease_until=None, **fields
            )
        except DatabaseError as error:
            # Inside a caller's transaction the failed statement spoilt it: nothing to retry.
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning("could not record e-mail %s yet (%s); retrying", email.pk, error)
            connection.close_if_unusable_or_obsolete()
            time.sleep(pause)
            pause = min(pause * 2, 10.0)
            continue
        if not updated:
            logger.error("e-mail %s: claim %s lost before its outcome was recorded", email.pk, email.claimed_by)
        return bool(updated)


def record_failure(email: OutgoingEmail, error: Exception) -> None:
    fields: dict = {"last_error": f"{type(error).__name__}: {error}"[:2000]}
    if email.attempts >= settings.MAIL_MAX_ATTEMPTS:
        fields["state"] = OutgoingEmail.State.FAILED
        logger.error("giving up on e-mail %s to %s: %s", email.pk, email.to, fields["last_error"])
    else:
        fields["next_attempt_at"] = timezone.now() + retry_delay(email.attempts)
    record(email, **fields)


def send_due(limit: int = 50, stopping: Callable[[], bool] = lambda: False) -> tuple[int, int]:
    """Send what is due now; returns (sent, failed attempts). Safe to run in several workers.

    `stopping` is asked before each claim: a worker told to stop finishes the message in hand and
    records it, rather than dying between the SMTP answer and the record (which would resend it).
    """
    sent = failed = 0
    worker = worker_name()
    mail_connection = get_connection(fail_silently=False)
    for _ in range(limit):
        if stopping():
            break
        email = claim_next(worker)
        if email is None:
            break
        try:
            mail_connection.send_messages([build(email)])
        except Exception as error:  # any SMTP, network or file error: try again later
            record_failure(email, error)
            failed += 1
            continue
        record(email, state=OutgoingEmail.State.SENT, sent_at=timezone.now(), last_error="")
        sent += 1
    return sent, failed
