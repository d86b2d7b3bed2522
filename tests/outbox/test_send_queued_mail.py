"""The mail worker: headers, attachments, backoff, and claims that keep a message from going twice."""

from __future__ import annotations

import io
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

from outbox import delivery
from outbox.models import AutoSubmitted, OutgoingEmail
from outbox.queue import StoredFile, send_later

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def send() -> str:
    out = io.StringIO()
    call_command("send_queued_mail", stdout=out)
    return out.getvalue().strip()


def parsed(message):
    """What the recipient's mail program reads: the RFC 5322 bytes, parsed again."""
    return BytesParser(policy=policy.default).parsebytes(message.message().as_bytes())


def make_due(email: OutgoingEmail) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_automatic_mail_says_so_and_a_persons_mail_does_not():
    send_later("notice", "a@example.com", "Notice", "text", automatic=AutoSubmitted.GENERATED)
    send_later("answer", "b@example.com", "Answer", "text", automatic=AutoSubmitted.REPLIED)
    send_later("reply", "c@example.com", "Reply", "text")
    assert send() == "sent 3, failed 0"
    headers = {message.to[0]: parsed(message)["Auto-Submitted"] for message in mail.outbox}
    assert headers == {"a@example.com": "auto-generated", "b@example.com": "auto-replied", "c@example.com": None}


def test_stored_files_go_along_as_attachments():
    name = default_storage.save("tickets/2026/12/abc123", ContentFile(b"%PDF-1.4 statement"))
    send_later(
        "reply",
        "a@example.com",
        "Files",
        "see attached",
        attachments=[StoredFile(name, "명세서.pdf", "application/pdf")],
    )
    send()
    (attachment,) = parsed(mail.outbox[0]).iter_attachments()
    assert attachment.get_filename() == "명세서.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.4 statement"


def test_a_failure_waits_2_then_4_then_8_minutes(settings):
    settings.EMAIL_BACKEND = "tests.outbox.backends.FailingBackend"
    email = send_later("notice", "a@example.com", "Notice", "text")
    for minutes in (2, 4, 8):
        before = timezone.now()
        assert send() == "sent 0, failed 1"
        email.refresh_from_db()
        assert (
            before + timedelta(minutes=minutes) <= email.next_attempt_at <= timezone.now() + timedelta(minutes=minutes)
        )
        assert email.state == "queued" and email.last_error == "ConnectionRefusedError: the SMTP server is down"
        assert send() == "sent 0, failed 0"  # not due again at once: no retry storm
        make_due(email)
    assert email.attempts == 3


def test_it_gives_up_after_the_configured_attempts(settings):
    settings.EMAIL_BACKEND = "tests.outbox.backends.FailingBackend"
    settings.MAIL_MAX_ATTEMPTS = 2
    email = send_later("notice", "a@example.com", "Notice", "text")
    for _ in range(3):
        make_due(email)
        send()
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("failed", 2)


def test_mail_another_worker_has_claimed_is_left_alone_until_its_lease_ends():
    email = send_later("notice", "a@example.com", "Notice", "text")
    claimed = delivery.claim_next("other-worker")
    assert claimed.pk == email.pk and claimed.lease_until > timezone.now() + timedelta(minutes=9)
    assert send() == "sent 0, failed 0"
    assert mail.outbox == []
    OutgoingEmail.objects.filter(pk=email.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert send() == "sent 1, failed 0"
    email.refresh_from_db()
    assert email.state == "sent" and email.lease_until is None and email.attempts == 2


def fail_recording_sent(times: int):
    """A database that refuses the worker's "it was sent" write `times` times, as a busy SQLite did."""
    left = [times]

    def wrapper(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "outbox_outgoingemail" in sql and "sent_at" in sql and left[0] > 0:
            left[0] -= 1
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.django_db(transaction=True)  # the worker runs in autocommit, as in production
def test_a_busy_database_when_recording_the_send_never_means_a_resend(monkeypatch):
    monkeypatch.setattr(delivery, "RECORD_RETRY", timedelta(seconds=30))
    monkeypatch.setattr(delivery.time, "sleep", lambda seconds: None)
    emails = [send_later("notice", f"n{i}@example.com", "Notice", "text") for i in range(3)]
    with connection.execute_wrapper(fail_recording_sent(5)):
        assert send() == "sent 3, failed 0"
    assert send() == "sent 0, failed 0"
    assert sorted(message.to[0] for message in mail.outbox) == ["n0@example.com", "n1@example.com", "n2@example.com"]
    assert set(OutgoingEmail.objects.filter(pk__in=[e.pk for e in emails]).values_list("state", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_a_record_that_keeps_failing_holds_the_lease_so_no_other_worker_resends(monkeypatch):
    monkeypatch.setattr(delivery, "RECORD_RETRY", timedelta(seconds=0))
    send_later("notice", "a@example.com", "Notice", "text")
    with connection.execute_wrapper(fail_recording_sent(1)), pytest.raises(OperationalError):
        delivery.send_due()
    assert len(mail.outbox) == 1
    assert send() == "sent 0, failed 0"  # a second worker: the lease still holds
    assert len(mail.outbox) == 1
    # Only once the lease has run out (a worker that died between send and record) does it go
    # out again: at-least-once across that window, as README says.
    OutgoingEmail.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert send() == "sent 1, failed 0"
    assert len(mail.outbox) == 2
