"""Two people acting at the same moment, on two real connections: agents on their own copy of a
claim (PostgreSQL), and two identical claims posted at once (PostgreSQL and a SQLite file)."""

from __future__ import annotations

import datetime
import sqlite3
import threading
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone, translation

from refunds.models import RefundClaim, StaleClaim
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


@postgresql_only
def test_two_agents_at_once_only_one_wins(reviewer, second_reviewer):
    claim = make_claim()
    copies = [RefundClaim.objects.get(pk=claim.pk), RefundClaim.objects.get(pk=claim.pk)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(copy: RefundClaim, act) -> None:
        try:
            start.wait()
            act(copy)
            outcomes.append("ok")
        except StaleClaim:
            outcomes.append("stale")
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [
        threading.Thread(target=decide, args=(copies[0], lambda c: c.approve(reviewer, "중복 확인"))),
        threading.Thread(target=decide, args=(copies[1], lambda c: c.deny(second_reviewer, "대상 아님"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["ok", "stale"]
    claim.refresh_from_db()
    assert claim.status in ("approved", "denied")
    assert claim.events.count() == 2  # filed + the one decision that won


CLAIM = {
    "email": "hong@example.com",
    "username": "hong123",
    "subscription_type": "premium_individual",
    "amount": "10900",
    "currency": "KRW",
    "payment_method": "card",
    "reason": "duplicate_charge",
    "description": "두 번 눌렀어요.",
}
DUPLICATE_ANSWER = (
    "A refund request for this charge is already open. We have e-mailed its status link to the "
    "account e-mail address; you can follow it and add information there."
)


def post_twice_at_once() -> list[tuple[int, str]]:
    """Post the same claim from two threads, each on its own connection. Both requests are held at
    the door of RefundClaim.file until both got there: whatever the view checks before filing, both
    have passed it, and only the database can tell them apart."""
    data = {**CLAIM, "charge_date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat()}
    together = threading.Barrier(2, timeout=20)
    file = RefundClaim.file.__func__
    answers: list[tuple[int, str]] = []

    def file_together(cls, claim, evidence=()):
        together.wait()
        return file(cls, claim, evidence)

    def post() -> None:
        try:
            response = Client().post("/ko/refunds/", data)
            answers.append((response.status_code, response.content.decode()))
        finally:
            connections.close_all()

    with mock.patch.object(RefundClaim, "file", classmethod(file_together)):
        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    return sorted(answers, key=lambda answer: answer[0])


def assert_one_filed_one_told(answers: list[tuple[int, str]]) -> None:
    assert [status for status, _html in answers] == [200, 302]
    with translation.override("ko"):
        assert translation.gettext(DUPLICATE_ANSWER) in answers[0][1]


@postgresql_only
def test_two_identical_claims_posted_at_once_file_one_on_postgresql(db):
    answers = post_twice_at_once()
    assert_one_filed_one_told(answers)
    claim = RefundClaim.objects.get()
    assert claim.events.count() == 1


@pytest.fixture
def sqlite_file(tmp_path):
    """The test database copied into a SQLite file that new connections (the threads') open with
    the site's own options (WAL, busy timeout); yields the file's path."""
    if connection.vendor != "sqlite":
        pytest.skip("needs SQLite")
    path = tmp_path / "claims.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    with mock.patch.dict(connections.settings["default"], {"NAME": str(path)}):
        yield path


def test_two_identical_claims_posted_at_once_file_one_on_a_sqlite_file(sqlite_file):
    answers = post_twice_at_once()
    assert_one_filed_one_told(answers)
    with sqlite3.connect(sqlite_file) as database:
        assert database.execute("SELECT count(*) FROM refunds_refundclaim").fetchone() == (1,)
        assert database.execute("SELECT count(*) FROM refunds_claimevent").fetchone() == (1,)
