"""One private-link helper for tickets and refund claims: the same age limit, each its own salt."""

from __future__ import annotations

import time

import pytest

from tests.refunds.conftest import make_claim
from tests.tickets.conftest import form_data
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data())
    return Ticket.objects.get()


def test_links_of_both_kinds_expire_after_helpcenter_link_max_age_days(settings, monkeypatch, ticket):
    settings.HELPCENTER_LINK_MAX_AGE_DAYS = 30
    claim = make_claim()
    tracking, status = ticket.tracking_token(), claim.status_token()
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 29 * 86400)
    assert Ticket.from_tracking_token(tracking) == ticket
    assert type(claim).from_status_token(status) == claim
    monkeypatch.setattr(time, "time", lambda: now + 31 * 86400)
    assert Ticket.from_tracking_token(tracking) is None
    assert type(claim).from_status_token(status) is None


def test_a_ticket_link_does_not_open_a_claim_with_the_same_reference(ticket):
    claim = make_claim(email=ticket.requester_email)
    type(claim).objects.filter(pk=claim.pk).update(reference=ticket.reference)
    assert type(claim).from_status_token(ticket.tracking_token()) is None


def test_links_name_the_site_url_and_the_customers_language(settings, monkeypatch, ticket):
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)  # tokens carry the time: one second for both
    settings.SITE_URL = "http://127.0.0.1:8200"
    claim = make_claim()
    claim.language = "en"
    assert ticket.tracking_url() == f"http://127.0.0.1:8200/ko/requests/{ticket.tracking_token()}/"
    assert claim.status_url() == f"http://127.0.0.1:8200/en/refunds/status/{claim.status_token()}/"
