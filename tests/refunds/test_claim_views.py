"""The customer's refund pages answer each outcome with its own message: filed, refused by the
hourly limit, a form error, and the feedback form's thanks, refusal and silence."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from refunds.models import ClaimFeedback, RefundClaim
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db


def ko(message: str) -> str:
    with translation.override("ko"):
        return translation.gettext(message)


def flashed(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def claim_data(**overrides) -> dict:
    fields = {
        "email": "hong@example.com",
        "username": "hong123",
        "subscription_type": "premium_family",
        "charge_date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "amount": "19950",
        "currency": "KRW",
        "payment_method": "card",
        "reason": "duplicate_charge",
        "description": "같은 날 두 번 결제됐습니다.",
    }
    fields.update(overrides)
    return fields


def test_a_filed_claim_opens_its_status_page_with_the_thanks(client):
    response = client.post("/ko/refunds/", claim_data(), follow=True)
    claim = RefundClaim.objects.get()
    assert response.redirect_chain[0][0].startswith("/ko/refunds/status/")
    assert RefundClaim.from_status_token(response.redirect_chain[0][0].split("/")[-2]) == claim
    assert flashed(response) == [
        ko("We received your refund request. This page shows every step; we also e-mailed you its link.")
    ]


def test_a_form_error_says_nothing_was_sent_and_a_fresh_page_says_nothing(client):
    response = client.post("/ko/refunds/", claim_data(amount=""))
    assert (response.status_code, RefundClaim.objects.count()) == (200, 0)
    assert flashed(response) == [ko("Please check the highlighted fields. Nothing has been sent yet.")]
    assert flashed(client.get("/ko/refunds/")) == []


def test_over_the_hourly_limit_nothing_is_filed_and_the_typed_text_stays(client, settings):
    settings.HELPCENTER_RATE_PER_ADDRESS = 1
    assert client.post("/ko/refunds/", claim_data(), follow=True).status_code == 200
    response = client.post("/ko/refunds/", claim_data(amount="4900", username="hong-second"))
    assert response.status_code == 200
    assert flashed(response) == [ko("Too many requests from your connection. Please try again in an hour.")]
    assert RefundClaim.objects.count() == 1
    assert 'value="hong-second"' in response.content.decode()


def test_feedback_is_thanked_once_refused_when_incomplete_and_not_taken_before_a_decision(client, reviewer):
    claim = make_claim()
    url = f"/ko/refunds/status/{claim.status_token()}/feedback/"
    early = client.post(url, {"clarity": "5", "speed": "5", "agrees_with_decision": "yes"}, follow=True)
    assert (flashed(early), ClaimFeedback.objects.count()) == ([], 0)  # nothing decided yet

    claim.deny(reviewer, "정책 대상 아님")
    incomplete = client.post(url, {"clarity": "5"}, follow=True)
    assert (flashed(incomplete), ClaimFeedback.objects.count()) == ([ko("Please answer the three questions.")], 0)
    done = client.post(url, {"clarity": "2", "speed": "3", "agrees_with_decision": "no"}, follow=True)
    assert flashed(done) == [ko("Thank you for your feedback.")]
    again = client.post(url, {"clarity": "5", "speed": "5", "agrees_with_decision": "yes"}, follow=True)
    assert flashed(again) == []
    feedback = ClaimFeedback.objects.get()
    assert (feedback.clarity, feedback.speed, feedback.agrees_with_decision) == (2, 3, "no")


def test_a_refused_answer_flashes_every_form_error(client, reviewer):
    claim = make_claim()
    claim.request_info(reviewer, "명세서를 보내 주세요.")
    response = client.post(f"/ko/refunds/status/{claim.status_token()}/answer/", {"note": ""}, follow=True)
    claim.refresh_from_db()
    assert claim.status == "info_requested"
    assert len(flashed(response)) == 1 and flashed(response)[0] != ko(
        "Thank you. We sent your answer to the reviewers."
    )
