"""Service-level due times, as agents see them on a ticket."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tickets.models import Ticket

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def filed(when: datetime, priority: str = "normal") -> Ticket:
    return Ticket.objects.create(
        subject="결제 문의", requester_email="hong@example.com", priority=priority, created_at=when
    )


def test_a_ticket_filed_at_17_39_is_due_the_next_business_day_not_at_night():
    ticket = filed(datetime(2026, 12, 1, 17, 39, tzinfo=SEOUL))
    assert ticket.first_response_due == datetime(2026, 12, 2, 17, 39, tzinfo=SEOUL)  # one business day
    assert ticket.resolution_due == datetime(2026, 12, 4, 17, 39, tzinfo=SEOUL)  # three


def test_a_ticket_on_christmas_eve_waits_for_the_holiday_and_the_weekend():
    ticket = filed(datetime(2026, 12, 24, 17, 39, tzinfo=SEOUL), priority="urgent")
    assert ticket.first_response_due == datetime(2026, 12, 28, 9, 39, tzinfo=SEOUL)


def test_chuseok_does_not_count():
    ticket = filed(datetime(2026, 9, 23, 17, 0, tzinfo=SEOUL), priority="high")
    assert ticket.first_response_due == datetime(2026, 9, 28, 12, 0, tzinfo=SEOUL)


def test_a_new_priority_counts_the_due_times_again_from_the_opening():
    ticket = filed(datetime(2026, 12, 1, 17, 39, tzinfo=SEOUL))
    assert ticket.change_priority("urgent") is True
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.first_response_due, ticket.resolution_due) == (
        "urgent",
        datetime(2026, 12, 2, 9, 39, tzinfo=SEOUL),
        datetime(2026, 12, 2, 17, 39, tzinfo=SEOUL),
    )
    assert ticket.change_priority("urgent") is False  # nothing to move


def test_the_due_time_worked_against_is_the_first_responses_until_answered_then_the_resolutions():
    ticket = filed(datetime(2026, 12, 1, 10, 0, tzinfo=SEOUL))
    assert ticket.next_due == ticket.first_response_due == datetime(2026, 12, 2, 10, 0, tzinfo=SEOUL)
    ticket.first_responded_at = datetime(2026, 12, 1, 11, 0, tzinfo=SEOUL)
    assert ticket.next_due == ticket.resolution_due == datetime(2026, 12, 4, 10, 0, tzinfo=SEOUL)
    ticket.status = Ticket.Status.SOLVED
    assert ticket.next_due is None
