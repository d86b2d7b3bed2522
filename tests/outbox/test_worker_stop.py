"""A mail worker told to stop (SIGTERM from `make serve`, systemd or a container runtime) finishes
the message it is sending, records it, and leaves: nothing is sent twice, nothing stays claimed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.db import connection

from outbox.models import OutgoingEmail
from outbox.queue import send_later
from tests.outbox.test_workers import ROOT, database_for_workers

pytestmark = pytest.mark.django_db(transaction=True)


def states(tmp_path) -> dict[str, int]:
    query = (
        "SELECT state, COUNT(*) FROM outbox_outgoingemail WHERE claimed_by = '' OR lease_until IS NULL GROUP BY state"
    )
    if connection.vendor == "postgresql":  # the worker wrote to the suite's own database
        with connection.cursor() as cursor:
            cursor.execute(query)
            return dict(cursor.fetchall())
    with sqlite3.connect(tmp_path / "workers.sqlite3") as db:
        return dict(db.execute(query).fetchall())


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_worker_records_the_message_in_hand_and_exits_cleanly(tmp_path, signum):
    emails = [send_later("notice", f"n{i}@example.com", f"Notice {i}", "text") for i in range(20)]
    database_url, _connect = database_for_workers(tmp_path)
    deliveries = tmp_path / "deliveries.txt"
    deliveries.touch()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "send_queued_mail", "--loop", "--interval", "30"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.outbox.worker_settings",
            "DATABASE_URL": database_url,
            "OUTBOX_TEST_DELIVERIES": str(deliveries),
            "OUTBOX_TEST_SEND_SECONDS": "0.5",  # slow SMTP: the signal arrives mid-conversation
            "DJANGO_DEBUG": "0",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while len(deliveries.read_text().split()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # well inside the next message's SMTP conversation
    worker.send_signal(signum)
    stdout, stderr = worker.communicate(timeout=60)

    assert worker.returncode == 0, stderr
    assert stdout.strip().endswith("stopped")
    assert "Traceback" not in stderr
    delivered = deliveries.read_text().split()
    assert 3 <= len(delivered) < len(emails)
    assert len(set(delivered)) == len(delivered)
    # Every delivered message is recorded as sent and released; the rest wait, unclaimed, for the next worker.
    assert states(tmp_path) == {"sent": len(delivered), "queued": len(emails) - len(delivered)}
    if connection.vendor == "postgresql":
        sent = set(OutgoingEmail.objects.filter(state="sent").values_list("message_id", flat=True))
        assert sent == set(delivered)
