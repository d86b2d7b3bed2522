from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from refunds.models import ClaimNote, RefundClaim
from tests.refunds.conftest import make_claim
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def change_page(client, claim) -> str:
    return client.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").content.decode()


def buttons(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-transition="(\w+)"', html))


def test_each_agent_sees_exactly_the_buttons_they_may_use(client, claim, reviewer, finance, agent):
    client.force_login(reviewer)
    assert buttons(change_page(client, claim)) == {"request_info", "approve", "deny"}
    client.force_login(finance)
    assert buttons(change_page(client, claim)) == set()
    client.force_login(agent)
    assert buttons(change_page(client, claim)) == set()
    claim.approve(reviewer, "")
    client.force_login(finance)
    assert buttons(change_page(client, claim)) == {"mark_paid"}
    client.force_login(reviewer)
    assert buttons(change_page(client, claim)) == set()


def test_a_transition_goes_through_a_confirmation_with_its_form(client, claim, reviewer):
    client.force_login(reviewer)
    url = f"/admin/refunds/refundclaim/{claim.pk}/transition/deny/"
    confirm = client.get(url).content.decode()
    assert "Are you sure" in confirm or "확실" in confirm
    assert 'name="note"' in confirm
    response = client.post(url, {"note": "중복이 아닙니다.", "version": claim.version}, follow=True)
    claim.refresh_from_db()
    assert claim.status == "denied" and claim.denial_reason == "중복이 아닙니다."
    assert response.redirect_chain[-1][0].endswith(f"/admin/refunds/refundclaim/{claim.pk}/change/")


def test_a_denial_without_a_reason_is_refused(client, claim, reviewer):
    client.force_login(reviewer)
    response = client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/transition/deny/", {"note": "", "version": claim.version}
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_acting_on_a_stale_page_gets_a_clear_error(client, claim, reviewer, second_reviewer):
    stale_version = claim.version
    claim.approve(second_reviewer, "")
    client.force_login(reviewer)
    response = client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/transition/request_info/",
        {"note": "영수증?", "version": stale_version},
        follow=True,
    )
    html = response.content.decode()
    assert "Someone else changed this claim" in html or "다른 사람" in html
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_the_claim_page_shows_evidence_assessment_history_and_tickets(client, reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
    claim = RefundClaim(
        email="hong@example.com",
        username="hong",
        subscription_type="premium_duo",
        charge_date=timezone.localdate(),
        amount=16350,
        payment_method="card",
        reason="duplicate_charge",
    )
    RefundClaim.file(claim, [(SimpleUploadedFile("명세서.png", png), "image/png")])
    Ticket.objects.create(subject="결제 문의", requester_email="HONG@example.com")
    client.force_login(reviewer)
    html = change_page(client, claim)
    assert "명세서.png" in html and "<img" in html
    assert 'id="assessment"' in html and ("Within policy" in html or "정책 범위" in html)
    assert 'id="timeline"' in html
    assert "결제 문의" in html
    evidence = claim.evidence.get()
    assert client.get(f"/admin/refunds/refundclaim/evidence/{evidence.pk}/").status_code == 200


def test_agents_can_read_and_comment_but_not_decide(client, claim, agent):
    client.force_login(agent)
    html = change_page(client, claim)
    assert claim.reference in html
    client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/change/",
        {
            "assignee": "",
            "notes-TOTAL_FORMS": "1",
            "notes-INITIAL_FORMS": "0",
            "notes-MIN_NUM_FORMS": "0",
            "notes-MAX_NUM_FORMS": "1000",
            "notes-0-body": "고객이 전화로 재촉함",
        },
    )
    assert ClaimNote.objects.get().author == agent
    response = client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/transition/approve/", {"note": "", "version": claim.version}
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"
    assert response.status_code in (302, 403)


def test_reviewers_comment_on_a_claim(client, claim, reviewer):
    client.force_login(reviewer)
    response = client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/change/",
        {
            "assignee": reviewer.pk,
            "notes-TOTAL_FORMS": "1",
            "notes-INITIAL_FORMS": "0",
            "notes-MIN_NUM_FORMS": "0",
            "notes-MAX_NUM_FORMS": "1000",
            "notes-0-body": "카드사 확인 중",
        },
    )
    assert response.status_code == 302
    note = ClaimNote.objects.get()
    assert note.author == reviewer and note.body == "카드사 확인 중"
    claim.refresh_from_db()
    assert claim.assignee == reviewer


def test_the_list_filters_and_makes_overdue_claims_stand_out(admin_client, reviewer, settings):
    settings.REFUNDS_OVERDUE_DAYS = 3
    late = make_claim(reason="other")
    make_claim(amount=5450)
    RefundClaim.objects.filter(pk=late.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=5))
    html = admin_client.get("/admin/refunds/refundclaim/").content.decode()
    assert html.count("⚠") == 1
    overdue = admin_client.get("/admin/refunds/refundclaim/", {"overdue": "yes"}).content.decode()
    assert late.reference in overdue
    outside = admin_client.get("/admin/refunds/refundclaim/", {"within_policy__exact": "0"}).content.decode()
    assert late.reference in outside
    for params in [{"status__exact": "submitted"}, {"reason__exact": "other"}, {"age": "3d"}]:
        assert admin_client.get("/admin/refunds/refundclaim/", params).status_code == 200
