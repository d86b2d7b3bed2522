from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from outbox.models import OutgoingEmail
from refunds.models import RefundClaim

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def data(**overrides) -> dict:
    fields = {
        "email": "hong@example.com",
        "username": "hong123",
        "subscription_type": "premium_family",
        "charge_date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "amount": "19950",
        "currency": "KRW",
        "payment_method": "card",
        "reason": "duplicate_charge",
        "description": "같은 날 두 번 결제됐습니다. 카드 4111 1111 1111 1111",
    }
    fields.update(overrides)
    return fields


def test_the_page_explains_the_policy_and_what_to_prepare_before_the_form(client):
    html = client.get("/ko/refunds/").content.decode()
    assert html.index('id="policy-heading"') < html.index('name="email"')
    assert 'id="prepare-heading"' in html
    for name in [
        "email",
        "username",
        "subscription_type",
        "charge_date",
        "amount",
        "currency",
        "payment_method",
        "reason",
        "description",
        "evidence",
    ]:
        assert f'name="{name}"' in html
    # the hint for each reason, from the policy rules in the admin
    assert 'data-reason="duplicate_charge"' in html and "중복 결제는 환불 대상이에요" in html
    assert "일반적인 해지는 환불 대상이 아니에요" in html


def test_filing_a_claim_with_evidence(client):
    response = client.post("/ko/refunds/", data(evidence=[SimpleUploadedFile("명세서.png", PNG)]), follow=True)
    claim = RefundClaim.objects.get()
    assert claim.status == "submitted" and claim.currency == "KRW" and claim.subscription_type == "premium_family"
    assert claim.evidence.get().filename == "명세서.png"
    assert "************1111" in claim.description
    assert claim.within_policy is True
    html = response.content.decode()
    assert claim.reference in html and 'data-status="submitted"' in html
    mail = OutgoingEmail.objects.get(kind="refund-filed")
    assert mail.to == "hong@example.com" and claim.status_url() in mail.body


def test_a_second_claim_for_the_same_open_charge_is_not_filed(client):
    client.post("/ko/refunds/", data())
    first = RefundClaim.objects.get()
    response = client.post("/ko/refunds/", data(email="HONG@example.com", description="또 신청"))
    assert RefundClaim.objects.count() == 1
    assert first.reference not in response.content.decode()  # the link goes to the account's mailbox
    assert OutgoingEmail.objects.filter(kind="refund-link", to="hong@example.com").exists()


def test_repeating_a_duplicate_claim_cannot_flood_a_mailbox(client, settings):
    settings.TICKETS_ACKS_PER_ADDRESS = 3
    client.post("/ko/refunds/", data())
    for _ in range(10):
        client.post("/ko/refunds/", data())
    assert OutgoingEmail.objects.filter(kind="refund-link").count() == 3


def test_a_new_claim_is_allowed_once_the_first_is_decided(client, reviewer):
    client.post("/ko/refunds/", data())
    RefundClaim.objects.get().deny(reviewer, "아님")
    client.post("/ko/refunds/", data())
    assert RefundClaim.objects.count() == 2


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"amount": "-5"}, "amount"),
        ({"charge_date": "2099-01-01"}, "future"),
        ({"email": "nope"}, "email"),
        ({"reason": "because"}, "reason"),
        ({"evidence": [SimpleUploadedFile("a.exe", b"MZ....")]}, "not an image"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_filed(client, overrides, message):
    response = client.post("/ko/refunds/", data(**overrides))
    assert response.status_code == 200
    assert RefundClaim.objects.count() == 0
    assert "is-invalid" in response.content.decode() or message in response.content.decode()


def test_app_store_purchases_are_assessed_outside_policy(client):
    client.post("/ko/refunds/", data(payment_method="app_store"))
    assert RefundClaim.objects.get().within_policy is False


def test_ordinary_cancellation_is_outside_policy(client):
    client.post("/ko/refunds/", data(reason="other"))
    assert RefundClaim.objects.get().within_policy is False
