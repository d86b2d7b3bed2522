"""Two agents acting at the same moment on their own copy of a claim, on two real connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from refunds.models import RefundClaim, StaleClaim
from tests.refunds.conftest import make_claim

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent connections"),
]


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
