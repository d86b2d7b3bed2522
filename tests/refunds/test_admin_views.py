"""The claim console's own pages (transition confirmation, re-assessment, evidence download): who
may open them, what each answers, and the exact message each action leaves."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from refunds.models import RefundClaim
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def ko(message: str, **params) -> str:
    with translation.override("ko"):
        text = translation.gettext(message)
    return text % params if params else text


def unsaved_claim() -> RefundClaim:
    return RefundClaim(
        email="kim@example.com",
        username="kim",
        subscription_type="premium_duo",
        charge_date=timezone.localdate() - datetime.timedelta(days=1),
        amount=Decimal("15000"),
        payment_method="card",
        reason="duplicate_charge",
    )


def flashed(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def transition_url(claim: RefundClaim, action: str) -> str:
    return f"/admin/refunds/refundclaim/{claim.pk}/transition/{action}/"


def test_a_done_transition_says_so_and_returns_to_the_claim(client, claim, reviewer):
    client.force_login(reviewer)
    response = client.post(transition_url(claim, "approve"), {"note": "", "version": claim.version}, follow=True)
    assert response.redirect_chain == [(f"/admin/refunds/refundclaim/{claim.pk}/change/", 302)]
    assert flashed(response) == [ko("%(action)s: done. The customer has been e-mailed.", action=ko("Approve"))]
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_the_confirmation_page_names_the_action_and_the_claim(client, claim, reviewer):
    client.force_login(reviewer)
    html = client.get(transition_url(claim, "approve")).content.decode()
    assert f"<title>{ko('Approve')}: {claim.reference} |" in html
    # The breadcrumbs lead back to the claim, and the summary names it with its status.
    assert f'<a href="/admin/refunds/refundclaim/{claim.pk}/change/">{claim.reference}</a> › {ko("Approve")}' in html
    assert f"<p>{claim.reference} · {claim.email} · " in html
    with translation.override("ko"):
        assert f"<strong>{claim.status_label}</strong></p>" in html
    assert f'<input type="submit" value="{ko("Yes, ")}{ko("Approve")}" >' in html
    assert f'<input type="hidden" name="version" value="{claim.version}" id="id_version">' in html
    assert re.search(r'<textarea name="note" cols="(\d+)" rows="(\d+)"', html).groups() == ("80", "3")
    assert re.search(r'<input type="hidden" name="csrfmiddlewaretoken" value="\w+">', html)
    assert ko("You cannot make this change on this claim now.") not in html


def test_someone_who_may_not_act_sees_why_and_a_disabled_button(client, claim, reviewer, finance):
    client.force_login(finance)
    html = client.get(transition_url(claim, "approve")).content.decode()
    assert (
        re.search(r'<p class="errornote">([^<]*)</p>', html)
        .group(1)
        .startswith(ko("You cannot make this change on this claim now.") + " ")
    )
    assert f'value="{ko("Yes, ")}{ko("Approve")}" disabled>' in html
    response = client.post(transition_url(claim, "approve"), {"note": "", "version": claim.version}, follow=True)
    assert len(flashed(response)) == 1 and flashed(response) != [
        ko("%(action)s: done. The customer has been e-mailed.", action=ko("Approve"))
    ]
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_an_action_the_console_does_not_offer_is_refused(client, claim, reviewer):
    client.force_login(reviewer)
    for action in ("appeal", "provide_info", "delete", "file"):
        assert client.get(transition_url(claim, action)).status_code == 403
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_strangers_and_missing_claims_get_no_transition_page(client, claim, editor, reviewer):
    client.force_login(editor)  # staff, but no refund permission
    assert client.get(transition_url(claim, "approve")).status_code == 403
    assert client.post(transition_url(claim, "approve"), {"note": "", "version": claim.version}).status_code == 403
    client.force_login(reviewer)
    assert client.get(f"/admin/refunds/refundclaim/{claim.pk + 100}/transition/approve/").status_code == 404
    client.logout()
    assert client.get(transition_url(claim, "approve")).status_code == 302  # to the log-in page
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_reassessing_is_a_post_and_says_the_rule_and_the_outcome(client, reviewer):
    claim = make_claim()  # a duplicate charge without evidence: outside policy
    client.force_login(reviewer)
    url = f"/admin/refunds/refundclaim/{claim.pk}/reassess/"
    refused = client.get(url)
    assert (refused.status_code, refused["Allow"]) == (405, "POST")
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(f"/admin/refunds/refundclaim/{claim.pk}/change/", 302)]
    assert flashed(response) == [
        ko(
            "Re-assessed under rule version %(version)s: %(outcome)s.",
            version=claim.assessed_rule.version,
            outcome=ko("outside policy"),
        )
    ]


def test_reassessing_a_decided_claim_says_it_keeps_its_verdict(client, reviewer):
    claim = make_claim()
    claim.deny(reviewer, "증빙이 없습니다.")
    client.force_login(reviewer)
    response = client.post(f"/admin/refunds/refundclaim/{claim.pk}/reassess/", follow=True)
    assert flashed(response) == [ko("A decided claim keeps the verdict it was decided under.")]


def test_strangers_cannot_reassess_or_download_evidence(client, editor, reviewer, agent):
    claim = RefundClaim.file(unsaved_claim(), [(SimpleUploadedFile("명세서.png", PNG), "image/png")])
    item = claim.evidence.get()
    client.force_login(editor)
    assert client.post(f"/admin/refunds/refundclaim/{claim.pk}/reassess/").status_code == 403
    assert client.get(f"/admin/refunds/refundclaim/evidence/{item.pk}/").status_code == 403
    for member in (reviewer,):
        client.force_login(member)
        response = client.get(f"/admin/refunds/refundclaim/evidence/{item.pk}/")
        assert (response.status_code, b"".join(response.streaming_content)) == (200, PNG)
    assert client.get(f"/admin/refunds/refundclaim/evidence/{item.pk + 100}/").status_code == 404
