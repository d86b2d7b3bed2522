from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from outbox.models import OutgoingEmail
from refunds.models import RefundClaim
from refunds.policy import payout_window
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def page(client, claim: RefundClaim) -> str:
    return client.get(claim.status_path()).content.decode()


def test_the_payout_window_skips_weekends_and_korean_holidays():
    seoul = ZoneInfo("Asia/Seoul")
    # Approved Friday 2026-09-18; 9/24–26 is Chuseok and 10/3, 10/5 and 10/9 are holidays.
    first, last = payout_window(datetime.datetime(2026, 9, 18, 15, 0, tzinfo=seoul))
    assert first == datetime.date(2026, 9, 29)  # 21, 22, 23, 28, 29
    assert last == datetime.date(2026, 10, 7)  # 30, 1, 2, 6, 7
    assert payout_window(datetime.date(2026, 11, 25)) == (datetime.date(2026, 12, 2), datetime.date(2026, 12, 9))


def test_each_step_shows_in_plain_words_with_what_happens_next(client, reviewer, finance):
    claim = make_claim()
    html = page(client, claim)
    assert 'data-status="submitted"' in html and "timeline" in html

    claim.request_info(reviewer, "카드 명세서 사진을 보내 주세요.")
    html = page(client, claim)
    assert "카드 명세서 사진을 보내 주세요." in html and 'action="/ko/refunds/status/' in html

    client.post(
        f"/ko/refunds/status/{claim.status_token()}/answer/",
        {"note": "첨부합니다.", "files": [SimpleUploadedFile("명세서.png", PNG)]},
    )
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.evidence.get().filename == "명세서.png"

    claim.approve(reviewer, "")
    first, last = claim.payout_window()
    html = page(client, claim)
    assert "payout-window" in html and first.strftime("%Y") in html

    claim.mark_paid(finance, "PAY-2026-0042")
    html = page(client, claim)
    assert "PAY-2026-0042" in html
    assert html.count('class="list-group-item"') == 5  # filed, asked, answered, approved, paid


def test_a_denied_claim_shows_the_reason_and_the_appeal_form_once(client, reviewer):
    claim = make_claim()
    claim.deny(reviewer, "같은 금액이 두 번 청구된 기록이 없습니다.")
    html = page(client, claim)
    assert "같은 금액이 두 번 청구된 기록이 없습니다." in html and "/appeal/" in html
    client.post(f"/ko/refunds/status/{claim.status_token()}/appeal/", {"note": "명세서를 다시 첨부합니다."})
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.appealed


def test_every_transition_emails_the_customer_in_their_language(reviewer, finance):
    from django.utils import translation

    with translation.override("en"):
        claim = make_claim()
    assert claim.language == "en"
    claim.request_info(reviewer, "Please send your card statement.")
    claim.provide_info("Attached.")
    claim.approve(reviewer, "")
    claim.mark_paid(finance, "PAY-1")
    kinds = list(OutgoingEmail.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["refund-filed", "refund-request_info", "refund-provide_info", "refund-approve", "refund-mark_paid"]
    approved = OutgoingEmail.objects.get(kind="refund-approve")
    assert "/en/refunds/status/" in approved.body and "business days" in approved.body
    assert "Please send your card statement." in OutgoingEmail.objects.get(kind="refund-request_info").body


def test_service_feedback_is_asked_apart_from_agreement_with_the_decision(client, reviewer):
    claim = make_claim()
    assert "feedback-heading" not in page(client, claim)
    claim.deny(reviewer, "정책 대상 아님")
    html = page(client, claim)
    assert 'name="clarity"' in html and 'name="speed"' in html and 'name="agrees_with_decision"' in html
    client.post(
        f"/ko/refunds/status/{claim.status_token()}/feedback/",
        {"clarity": "5", "speed": "4", "agrees_with_decision": "no"},
    )
    feedback = claim.feedback
    assert (feedback.clarity, feedback.speed, feedback.agrees_with_decision) == (5, 4, "no")


def test_a_forged_link_shows_nothing(client, db):
    assert client.get("/ko/refunds/status/forged-token/").status_code == 404


def test_the_lookup_never_reveals_whether_a_claim_exists(client, db):
    claim = make_claim()
    found = client.post("/ko/refunds/find/", {"reference": claim.reference, "email": claim.email}, follow=True)
    missing = client.post("/ko/refunds/find/", {"reference": "RF-ZZZZZZZ", "email": claim.email}, follow=True)
    assert found.status_code == missing.status_code == 200
    assert OutgoingEmail.objects.filter(kind="refund-link").count() == 1


def test_waiting_claims_get_a_reminder_then_are_denied_for_no_answer(reviewer, settings):
    from django.utils import translation

    settings.REFUNDS_REMINDER_DAYS, settings.REFUNDS_NO_ANSWER_DAYS = 3, 10
    with translation.override("en"):
        claim = make_claim()
    claim.request_info(reviewer, "명세서를 보내 주세요.")
    RefundClaim.objects.filter(pk=claim.pk).update(info_requested_at=timezone.now() - datetime.timedelta(days=4))
    call_command("refund_reminders", stdout=open("/dev/null", "w"))
    call_command("refund_reminders", stdout=open("/dev/null", "w"))
    assert OutgoingEmail.objects.filter(kind="refund-reminder").count() == 1
    claim.refresh_from_db()
    assert claim.status == "info_requested"
    RefundClaim.objects.filter(pk=claim.pk).update(info_requested_at=timezone.now() - datetime.timedelta(days=11))
    call_command("refund_reminders", stdout=open("/dev/null", "w"))
    claim.refresh_from_db()
    assert claim.status == "denied" and "No answer" in claim.denial_reason
    assert claim.events.last().actor is None


def test_the_review_clock_pauses_while_waiting_for_the_customer(reviewer, settings):
    settings.REFUNDS_OVERDUE_DAYS = 3
    waiting, reviewing = make_claim(), make_claim(amount="5450")
    waiting.request_info(reviewer, "명세서?")
    old = timezone.now() - datetime.timedelta(days=5)
    RefundClaim.objects.update(status_changed_at=old)
    overdue = set(RefundClaim.objects.overdue().values_list("pk", flat=True))
    assert overdue == {reviewing.pk}


def test_the_feedback_form_preselects_nothing(client, reviewer):
    claim = make_claim()
    claim.approve(reviewer, "")
    html = page(client, claim)
    form = html[html.index('id="feedback-heading"') :]
    assert "checked" not in form and "---------" not in form
