"""Property-based tests of the public refund forms: the claim form, the look-up, and the status
page's answer, appeal and feedback forms. Whatever is posted, the answer is a page or a redirect
(never a 500), and a valid claim is filed exactly once, as typed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outbox.models import OutgoingEmail
from refunds.models import ClaimEvent, ClaimFeedback, RefundClaim
from refunds.policy import PaymentMethod, Reason
from tests.properties import EMAIL, plain_text, random_form, rolled_back
from tests.refunds.conftest import in_state

pytestmark = pytest.mark.django_db
FIXTURES_OK = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
CLAIM_FIELDS = ["email", "username", "subscription_type", "charge_date", "amount", "currency", "payment_method"]
CLAIM_FIELDS += ["reason", "description", "website"]


def post(path: str, data: dict, client: Client | None = None):
    response = (client or Client()).post(path, data)
    assert response.status_code in {200, 302, 400, 403, 404, 405, 413, 429}, response.status_code
    return response


@FIXTURES_OK
@given(data=random_form(CLAIM_FIELDS))
def test_any_claim_form_post_gets_a_page_and_never_half_a_claim(data):
    with rolled_back():
        response = post(reverse("refunds:new"), data)
        filed = RefundClaim.objects.count()
        assert filed == (1 if response.status_code == 302 else 0)
        assert ClaimEvent.objects.filter(action="submit").count() == filed


VALID_CLAIM = st.fixed_dictionaries(
    {
        "email": EMAIL,
        "username": plain_text(100),
        "subscription_type": st.sampled_from(RefundClaim.Plan.values),
        "charge_date": st.integers(0, 400).map(lambda days: timezone.localdate() - datetime.timedelta(days=days)),
        "amount": st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2),
        "currency": st.sampled_from(["KRW", "USD", "krw", "eur", "JPY"]),
        "payment_method": st.sampled_from(PaymentMethod.values),
        "reason": st.sampled_from(Reason.values),
        "description": st.one_of(st.just(""), plain_text(5000, lines=True)),
    }
)


@FIXTURES_OK
@given(data=VALID_CLAIM)
def test_a_valid_claim_is_filed_once_as_typed_even_when_sent_twice(data):
    with rolled_back():
        client = Client()
        first = post(reverse("refunds:new"), data, client)
        second = post(reverse("refunds:new"), data, client)
        claim = RefundClaim.objects.get()
        assert first.status_code == 302
        # The redirect opens this claim's status page (its token is signed with the time, so the text differs).
        assert RefundClaim.from_status_token(first["Location"].split("/")[-2]) == claim
        # The second is the open duplicate: refused, and its status link e-mailed to the account.
        assert second.status_code == 200
        assert "이 결제에 대한 환불 신청이 이미 진행 중이에요." in second.content.decode()
        assert (claim.email, claim.username, claim.subscription_type, claim.charge_date) == (
            data["email"],
            data["username"].strip(),
            data["subscription_type"],
            data["charge_date"],
        )
        assert (claim.amount, claim.currency, claim.payment_method, claim.reason, claim.description) == (
            data["amount"],
            data["currency"].upper(),
            data["payment_method"],
            data["reason"],
            data["description"].strip(),
        )


@pytest.fixture
def claim(db) -> RefundClaim:
    return RefundClaim.file(
        RefundClaim(
            email="hong@example.com",
            username="hong123",
            subscription_type="premium_individual",
            charge_date=timezone.localdate() - datetime.timedelta(days=3),
            amount=Decimal("10900"),
            payment_method="card",
            reason="duplicate_charge",
        )
    )


@FIXTURES_OK
@given(data=random_form(["reference", "email"]))
def test_any_refund_lookup_post_gets_the_same_answer_and_sends_no_stranger_a_link(claim, data):
    with rolled_back():
        response = post(reverse("refunds:lookup"), data)
        links = OutgoingEmail.objects.filter(kind="refund-link")
        assert all(link.to == "hong@example.com" for link in links)
        if response.status_code == 302:
            assert response["Location"] == reverse("refunds:lookup")


@FIXTURES_OK
@given(
    state=st.sampled_from(["submitted", "info_requested", "denied", "paid"]),
    form=st.sampled_from(["provide_info", "appeal", "feedback"]),
    data=random_form(["note", "files", "clarity", "speed", "agrees_with_decision", "comment"]),
)
def test_any_status_page_form_post_redirects_to_the_status_page(reviewer, finance, state, form, data):
    with rolled_back():
        claim = in_state(state, reviewer, finance)
        events, version = claim.events.count(), claim.version
        token = claim.status_token()
        response = post(reverse(f"refunds:{form}", args=[token]), data)
        assert (response.status_code, response["Location"]) == (302, reverse("refunds:status", args=[token]))
        claim.refresh_from_db()
        # A customer's post adds at most one event, and only one that moves the claim on.
        assert claim.events.count() - events in {0, 1}
        assert (claim.version == version) == (claim.events.count() == events)
        assert ClaimFeedback.objects.count() <= 1
        assert Client().get(reverse("refunds:status", args=[token])).status_code == 200


@FIXTURES_OK
@given(note=plain_text(5000, lines=True))
def test_a_valid_answer_to_a_request_for_information_is_stored_once_as_typed(reviewer, finance, note):
    with rolled_back():
        claim = in_state("info_requested", reviewer, finance)
        token = claim.status_token()
        client = Client()
        for _ in range(2):
            post(reverse("refunds:provide_info", args=[token]), {"note": note}, client)
        claim.refresh_from_db()
        assert claim.status == "submitted"
        assert list(claim.events.filter(action="provide_info").values_list("note", flat=True)) == [note.strip()]
