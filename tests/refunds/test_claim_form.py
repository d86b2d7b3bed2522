from __future__ import annotations

import datetime
import html as html_lib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone, translation

from outbox.models import OutgoingEmail
from refunds.models import RefundClaim, TransitionNotAllowed
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
DUPLICATE_ANSWER = (
    "A refund request for this charge is already open. We have e-mailed its status link to the "
    "account e-mail address; you can follow it and add information there."
)


def ko(message: str, **params) -> str:
    with translation.override("ko"):
        text = translation.gettext(message)
    return text % params if params else text


def field_errors(html: str) -> dict[str, str]:
    """Each field's error message as the page shows it under the field."""
    return {
        name: html_lib.unescape(message)
        for name, message in re.findall(r'<span id="error_1_id_(\w+)"><strong>(.*?)</strong></span>', html)
    }


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
    assert mail.to == "hong@example.com"
    token = re.search(r"/ko/refunds/status/([^/\s]+)/", mail.body).group(1)  # signed afresh, so compare what it opens
    assert RefundClaim.from_status_token(token) == claim


def test_a_second_claim_for_the_same_open_charge_is_not_filed(client):
    client.post("/ko/refunds/", data())
    first = RefundClaim.objects.get()
    response = client.post("/ko/refunds/", data(email="HONG@example.com", description="또 신청"))
    assert RefundClaim.objects.count() == 1
    html = response.content.decode()
    assert ko(DUPLICATE_ANSWER) in html
    assert first.reference not in html  # the link goes to the account's mailbox
    assert OutgoingEmail.objects.filter(kind="refund-link", to="hong@example.com").count() == 1


def test_the_database_refuses_a_second_open_claim_for_the_same_charge(claim):
    twin = {
        f: getattr(claim, f)
        for f in ("username", "subscription_type", "charge_date", "amount", "payment_method", "reason")
    }
    with pytest.raises(IntegrityError):
        RefundClaim.objects.create(email="Hong@Example.com", **twin)


def test_an_appeal_cannot_reopen_a_claim_whose_charge_was_claimed_again(client, reviewer):
    first = make_claim()
    first.deny(reviewer, "증빙이 없습니다.")
    make_claim(description="다시 신청합니다.")  # allowed: the first one is decided
    with translation.override("ko"), pytest.raises(TransitionNotAllowed) as refused:
        first.appeal("명세서를 첨부합니다.")
    assert str(refused.value) == ko("Another refund request for this charge is open; it is reviewed there.")
    first.refresh_from_db()
    assert (first.status, first.appealed, first.events.count()) == ("denied", False, 2)
    answer = client.post(f"/ko/refunds/status/{first.status_token()}/appeal/", {"note": "다시 봐 주세요."}, follow=True)
    assert [str(m) for m in answer.context["messages"]] == [
        ko("Another refund request for this charge is open; it is reviewed there.")
    ]


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
    "overrides, field, message",
    [
        (
            {"amount": "-5"},
            "amount",
            ko("Ensure this value is greater than or equal to %(limit_value)s.", limit_value="0.01"),
        ),
        ({"charge_date": "2099-01-01"}, "charge_date", ko("The charge date cannot be in the future.")),
        ({"email": "nope"}, "email", ko("Enter a valid email address.")),
        (
            {"reason": "because"},
            "reason",
            ko("Select a valid choice. %(value)s is not one of the available choices.", value="because"),
        ),
        (
            {"currency": "ZZZ"},
            "currency",
            ko(
                "“%(code)s” is not a currency code. Use the three letters of ISO 4217, for example KRW or USD.",
                code="ZZZ",
            ),
        ),
        (
            {"currency": "XXX"},  # ISO 4217's "no currency" cannot be paid back
            "currency",
            ko(
                "“%(code)s” is not a currency code. Use the three letters of ISO 4217, for example KRW or USD.",
                code="XXX",
            ),
        ),
    ],
)
def test_bad_input_is_explained_under_its_field_and_nothing_is_filed(client, overrides, field, message):
    response = client.post("/ko/refunds/", data(**overrides))
    assert response.status_code == 200
    assert RefundClaim.objects.count() == 0
    assert field_errors(response.content.decode()) == {field: message}


def test_a_file_that_is_not_an_image_or_pdf_is_refused(client):
    response = client.post("/ko/refunds/", data(evidence=[SimpleUploadedFile("a.exe", b"MZ....")]))
    assert RefundClaim.objects.count() == 0
    assert list(field_errors(response.content.decode())) == ["evidence"]
    assert "a.exe" in field_errors(response.content.decode())["evidence"]


@pytest.mark.parametrize("typed, kept", [("krw", "KRW"), ("EUR", "EUR"), ("jpy", "JPY")])
def test_any_iso_4217_currency_is_accepted(client, typed, kept):
    response = client.post("/ko/refunds/", data(currency=typed))
    assert response.status_code == 302
    assert RefundClaim.objects.get().currency == kept


def test_the_payment_method_says_the_store_refunds_app_store_purchases_without_script(client):
    html = client.get("/ko/refunds/").content.decode()
    pointer = ko(
        "Bought through the App Store or Google Play? Apple or Google refunds those purchases, not us: "
        "ask at reportaproblem.apple.com or in your Google Play order history."
    )
    assert f'<div id="id_payment_method_helptext" class="form-text">{pointer}</div>' in html
    assert 'data-store-method="app_store"' in html and 'id="store-refund-hint"' in html


def test_app_store_purchases_are_assessed_outside_policy(client):
    client.post("/ko/refunds/", data(payment_method="app_store"))
    assert RefundClaim.objects.get().within_policy is False


def test_ordinary_cancellation_is_outside_policy(client):
    client.post("/ko/refunds/", data(reason="other"))
    assert RefundClaim.objects.get().within_policy is False


def form_outline(html: str) -> list[str]:
    """The claim form as a customer (and a screen reader) meets it, top to bottom: each section's
    title, each field with the width of its column, the live hint boxes, the hidden honeypot and
    the button."""
    html = " ".join(html.split())
    pattern = re.compile(
        r'<legend>(?P<legend>[^<]*)</legend>|class="(?P<column>col-md-\d+)" > <div id="div_id_(?P<in_column>\w+)"'
        r'|(?<!" > )<div id="div_id_(?P<field>\w+)"'
        r'|<div id="(?P<hint>[\w-]+-hint)" class="(?P<hint_class>[^"]+)" aria-live="(?P<live>\w+)" hidden="hidden"'
        r' role="(?P<role>\w+)">'
        r'|class="hp-field" aria-hidden="(?P<honeypot_hidden>\w+)"'
        r'|<input type="submit" name="submit" value="(?P<submit>[^"]+)" class="(?P<submit_class>[^"]+)"'
    )
    outline = []
    for match in pattern.finditer(html):
        found = {name: value for name, value in match.groupdict().items() if value is not None}
        outline.append(" ".join(f"{name}={value}" for name, value in found.items()))
    return outline


def test_the_claim_form_reads_as_three_sections_with_live_hints_and_a_hidden_honeypot(client):
    html = client.get("/ko/refunds/").content.decode()
    assert form_outline(html) == [
        "legend=계정 정보",
        "column=col-md-6 in_column=email",
        "column=col-md-6 in_column=username",
        "field=subscription_type",
        "legend=결제 정보",
        "column=col-md-4 in_column=charge_date",
        "column=col-md-5 in_column=amount",
        "column=col-md-3 in_column=currency",
        "field=payment_method",
        "hint=store-refund-hint hint_class=alert alert-warning live=polite role=status",
        "legend=환불 요청 사유",
        "field=reason",
        "hint=policy-hint hint_class=alert alert-info live=polite role=status",
        "field=description",
        "field=evidence",
        "honeypot_hidden=true",
        "field=website",
        "submit=환불 신청하기 submit_class=btn btn-primary btn-lg",
    ]
    flat = " ".join(html.split())
    # The scripts find their hooks; without script the honeypot cannot be reached with the keyboard.
    assert '<select name="reason" data-policy-hints="1"' in flat
    assert '<select name="payment_method" data-store-method="app_store"' in flat
    assert '<input type="text" name="website" tabindex="-1" autocomplete="off"' in flat
    assert (
        '<select name="currency" class="select form-select" id="id_currency">'
        ' <option value="KRW" selected>KRW</option> <option value="USD">USD</option> </select>'
    ) in flat


def test_a_charge_made_today_is_accepted_and_tomorrows_is_not(client):
    today = timezone.localdate()
    response = client.post("/ko/refunds/", data(charge_date=(today + datetime.timedelta(days=1)).isoformat()))
    assert field_errors(response.content.decode()) == {"charge_date": ko("The charge date cannot be in the future.")}
    assert RefundClaim.objects.count() == 0
    client.post("/ko/refunds/", data(charge_date=today.isoformat()))
    assert RefundClaim.objects.get().charge_date == today


def test_an_agent_may_file_a_charge_made_today_but_not_tomorrows():
    from refunds.forms import AgentClaimForm

    today = timezone.localdate()
    with translation.override("ko"):
        tomorrow = AgentClaimForm(data=data(charge_date=(today + datetime.timedelta(days=1)).isoformat()))
        assert tomorrow.errors == {"charge_date": [ko("The charge date cannot be in the future.")]}
        filed_today = AgentClaimForm(data=data(charge_date=today.isoformat()))
        assert filed_today.errors == {}
        assert filed_today.cleaned_data["charge_date"] == today


def test_on_a_wide_screen_the_account_and_the_charge_fields_sit_side_by_side(client):
    html = client.get("/ko/refunds/").content.decode()
    # Two rows, each starting with its first column…
    assert re.findall(r'class="row" >\s*<div\s+class="col-md-\d" >\s*<div id="div_id_(\w+)"', html) == [
        "email",
        "charge_date",
    ]
    # …and the columns' widths, which add up to the row's twelve.
    assert re.findall(r'class="col-md-(\d+)" >\s*<div id="div_id_(\w+)"', html) == [
        ("6", "email"),
        ("6", "username"),
        ("4", "charge_date"),
        ("5", "amount"),
        ("3", "currency"),
    ]
