"""The contact form submitted twice at once (a double click, a replayed POST) makes one ticket."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import Client

from outbox.models import OutgoingEmail
from tests.tickets.conftest import form_data
from tickets import notifications
from tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[2]
URL = "/ko/contact/"


def form_token(client: Client) -> str:
    html = client.get(URL).content.decode()
    return re.search(r'name="submission_token" value="([^"]+)"', html).group(1)


@pytest.mark.django_db
def test_the_same_submission_twice_makes_one_ticket_and_one_acknowledgement(client):
    data = form_data(submission_token=form_token(client))
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert (first.status_code, first["Location"]) == (302, "/ko/contact/sent/")
    assert (second.status_code, second["Location"]) == (302, "/ko/contact/sent/")
    ticket = Ticket.objects.get()
    assert OutgoingEmail.objects.filter(kind="acknowledgement").count() == 1
    assert ticket.reference in client.get("/ko/contact/sent/").content.decode()


@pytest.mark.django_db
def test_a_changed_form_from_the_same_page_is_a_new_request(client):
    token = form_token(client)
    client.post(URL, form_data(submission_token=token))
    client.post(URL, form_data(submission_token=token, description="하나 더 있어요: 12월에도 두 번 결제됐어요."))
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_post_without_the_form_key_is_still_taken_once(client):
    client.post(URL, form_data())
    client.post(URL, form_data())
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_a_call_back_request_twice_makes_one_ticket(client):
    data = {
        "callback-requester_name": "박영희",
        "callback-requester_email": "park@example.com",
        "callback-callback_number": "010-2222-3333",
        "callback-callback_time": "평일 오후",
        "callback-topic": "subscription",
        "callback-subject": "해지 문의",
    }
    client.post("/ko/contact/callback/", data)
    client.post("/ko/contact/callback/", data)
    assert Ticket.objects.filter(channel="phone").count() == 1


def submit_at_once(data: dict, rounds_apart: float = 0.3) -> list[int]:
    """Two browsers post the same form at the same moment; each request holds its transaction open
    a little longer than usual, so the two are in flight together."""
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post() -> None:
        try:
            barrier.wait()
            statuses.append(Client().post(URL, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent connections")
def test_two_identical_submits_at_once_on_postgresql(monkeypatch):
    real = notifications.acknowledge

    def slow_acknowledgement(ticket):
        time.sleep(0.3)
        return real(ticket)

    monkeypatch.setattr(notifications, "acknowledge", slow_acknowledgement)
    for round_number in range(3):
        data = form_data(
            submission_token=f"round-{round_number}-token", requester_email=f"user{round_number}@example.com"
        )
        assert submit_at_once(data) == [302, 302]
    assert Ticket.objects.count() == 3
    assert OutgoingEmail.objects.filter(kind="acknowledgement").count() == 3


SQLITE_SCRIPT = r"""
import json, threading, time
from django.test.utils import setup_test_environment
setup_test_environment()
from tests.tickets.test_double_submit import submit_at_once
from tests.tickets.conftest import form_data
from tickets import notifications
from outbox.models import OutgoingEmail
from tickets.models import Ticket
real = notifications.acknowledge
def slow_acknowledgement(ticket):
    time.sleep(0.3)
    return real(ticket)
notifications.acknowledge = slow_acknowledgement
statuses = []
for round_number in range(3):
    data = form_data(submission_token=f"round-{round_number}-token", requester_email=f"user{round_number}@example.com")
    statuses.append(sorted(submit_at_once(data)))
print("@@" + json.dumps({"statuses": statuses, "tickets": Ticket.objects.count(),
      "acknowledgements": OutgoingEmail.objects.filter(kind="acknowledgement").count()}))
"""


def test_two_identical_submits_at_once_on_a_sqlite_file_database(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    manage = [sys.executable, "manage.py"]
    migrate = subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert migrate.returncode == 0, migrate.stderr
    result = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", SQLITE_SCRIPT], cwd=ROOT, env=env, capture_output=True, timeout=300
    )
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout.decode().split("@@", 1)[1])
    assert report == {"statuses": [[302, 302]] * 3, "tickets": 3, "acknowledgements": 3}
