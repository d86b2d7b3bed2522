"""Two mail workers, each its own process, against the suite's database (a SQLite file, or
PostgreSQL) while a third connection keeps writing: every queued e-mail goes out exactly once."""

from __future__ import annotations

import collections
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from outbox.models import OutgoingEmail
from outbox.queue import send_later

ROOT = Path(__file__).resolve().parent.parent.parent
QUEUED = 30

pytestmark = pytest.mark.django_db(transaction=True)


def database_for_workers(tmp_path: Path) -> tuple[str, object]:
    """A DATABASE_URL the worker processes can open, and a function opening a raw connection to it
    for the writer. The suite's SQLite database lives in memory: it is copied to a file first."""
    if connection.vendor == "sqlite":
        path = tmp_path / "workers.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        return f"sqlite:///{path}", lambda: sqlite3.connect(path, timeout=20, isolation_level=None)
    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        return url, lambda: psycopg.connect(url, autocommit=True)
    pytest.skip(f"no worker test for {connection.vendor}")


def hammer(connect, stop: threading.Event, commits: list[int]) -> None:
    """Another writer: short write transactions on the very rows the workers claim and record."""
    db = connect()
    begin = "BEGIN IMMEDIATE" if isinstance(db, sqlite3.Connection) else "BEGIN"
    while not stop.is_set():
        db.execute(begin)
        db.execute(
            "UPDATE outbox_outgoingemail SET last_error = last_error WHERE id IN "
            "(SELECT id FROM outbox_outgoingemail ORDER BY id LIMIT 10)"
        )
        time.sleep(0.02)
        db.execute("COMMIT")
        commits[0] += 1
        time.sleep(0.005)
    db.close()


def test_two_workers_deliver_each_queued_email_exactly_once_while_another_writer_writes(tmp_path):
    emails = [send_later("notice", f"n{i}@example.com", f"Notice {i}", "text") for i in range(QUEUED)]
    database_url, connect = database_for_workers(tmp_path)
    deliveries = tmp_path / "deliveries.txt"
    deliveries.touch()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.outbox.worker_settings",
        "DATABASE_URL": database_url,
        "OUTBOX_TEST_DELIVERIES": str(deliveries),
        "OUTBOX_TEST_SEND_SECONDS": "0.02",
        "DJANGO_DEBUG": "0",
    }
    stop, commits = threading.Event(), [0]
    writer = threading.Thread(target=hammer, args=(connect, stop, commits))
    writer.start()
    try:
        workers = [
            subprocess.Popen(
                [sys.executable, "manage.py", "send_queued_mail"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [worker.communicate(timeout=180) for worker in workers]
    finally:
        stop.set()
        writer.join(30)

    assert [worker.returncode for worker in workers] == [0, 0], results
    assert commits[0] > 0
    sent = collections.Counter(deliveries.read_text().split())
    assert sent == collections.Counter({email.message_id: 1 for email in emails})
    outputs = sorted(stdout.strip() for stdout, _stderr in results)
    assert sum(int(line.split()[1].rstrip(",")) for line in outputs) == QUEUED, outputs
    if connection.vendor == "postgresql":  # the workers wrote to the suite's own database
        assert OutgoingEmail.objects.filter(state="sent").count() == QUEUED
    else:
        with sqlite3.connect(tmp_path / "workers.sqlite3") as db:
            states = dict(db.execute("SELECT state, COUNT(*) FROM outbox_outgoingemail GROUP BY state").fetchall())
        assert states == {"sent": QUEUED}
