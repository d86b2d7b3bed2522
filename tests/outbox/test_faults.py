"""The mail queue under faults: an SMTP server that is down and comes back, and a worker process
killed (SIGKILL, no chance to clean up) in the middle of a batch. No mail is lost; none is sent
twice except the one whose sending the kill interrupted, which outbox.delivery documents as its
at-least-once window (sent, but killed before the send was recorded)."""

from __future__ import annotations

import collections
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from outbox.models import OutgoingEmail
from outbox.queue import send_later
from tests.outbox.test_workers import ROOT, database_for_workers


def send() -> str:
    out = io.StringIO()
    call_command("send_queued_mail", stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_mail_queued_while_smtp_is_down_is_sent_once_it_is_back(settings):
    settings.EMAIL_BACKEND = "tests.outbox.backends.FailingBackend"
    queued = [send_later("notice", f"n{i}@example.com", f"Notice {i}", "text") for i in range(3)]
    assert send() == "sent 0, failed 3"
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"queued"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send() == "sent 0, failed 0"  # not due yet: the backoff holds
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # two minutes later
    assert send() == "sent 3, failed 0"
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(e.message_id for e in queued)
    assert send() == "sent 0, failed 0"  # and never again
    assert len(mail.outbox) == 3


def states(database_url: str, tmp_path) -> dict[str, int]:
    if connection.vendor == "postgresql":
        return dict(OutgoingEmail.objects.values_list("state").annotate(n=Count("pk")).order_by())
    with sqlite3.connect(tmp_path / "workers.sqlite3") as db:
        return dict(db.execute("SELECT state, COUNT(*) FROM outbox_outgoingemail GROUP BY state").fetchall())


def end_leases(tmp_path) -> int:
    """What LEASE minutes of waiting do: the killed worker's claim is free again."""
    # As Django writes datetimes to SQLite: UTC, without an offset.
    past = (timezone.now() - timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    if connection.vendor == "postgresql":
        return OutgoingEmail.objects.filter(lease_until__isnull=False).update(lease_until=timezone.now())
    with sqlite3.connect(tmp_path / "workers.sqlite3") as db:
        return db.execute(
            "UPDATE outbox_outgoingemail SET lease_until = ? WHERE lease_until IS NOT NULL", [past]
        ).rowcount


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_resends_at_most_the_one_in_flight(tmp_path):
    emails = [send_later("notice", f"n{i}@example.com", f"Notice {i}", "text") for i in range(12)]
    database_url, _connect = database_for_workers(tmp_path)
    deliveries = tmp_path / "deliveries.txt"
    deliveries.touch()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.outbox.worker_settings",
        "DATABASE_URL": database_url,
        "OUTBOX_TEST_DELIVERIES": str(deliveries),
        "OUTBOX_TEST_SEND_SECONDS": "0.25",
        "DJANGO_DEBUG": "0",
    }
    command = [sys.executable, "manage.py", "send_queued_mail"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(deliveries.read_text().split()) < 4 and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    delivered_before = collections.Counter(deliveries.read_text().split())
    assert 4 <= sum(delivered_before.values()) < len(emails)  # killed in the middle of the batch
    left = states(database_url, tmp_path)
    assert left.get("sent", 0) in (sum(delivered_before.values()), sum(delivered_before.values()) - 1)
    assert left.get("sent", 0) + left.get("queued", 0) == len(emails)  # nothing lost, nothing failed

    # The lease of the message in flight runs out; the next worker (the supervisor restarts it) goes on.
    assert end_leases(tmp_path) <= 1
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert second.returncode == 0, second.stderr

    delivered = collections.Counter(deliveries.read_text().split())
    assert set(delivered) == {email.message_id for email in emails}  # every one went out
    twice = [message_id for message_id, count in delivered.items() if count > 1]
    assert len(twice) <= 1 and all(delivered[message_id] == 2 for message_id in twice)
    assert states(database_url, tmp_path) == {"sent": len(emails)}
