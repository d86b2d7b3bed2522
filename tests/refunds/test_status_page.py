from __future__ import annotations

import datetime
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import formats, timezone, translation

from outbox.models import OutgoingEmail
from refunds.models import RefundClaim
from refunds.policy import payout_window
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def page(client, claim: RefundClaim) -> str:
    return client.get(claim.status_path()).content.decode()


def ko(message: str) -> str:
    with translation.override("ko"):
        return translation.gettext(message)


def date_in(language: str, day: datetime.date) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def heading(html: str) -> str:
    return re.search(r"<h1 [^>]*data-status=[^>]*>(.*?)</h1>", html).group(1)


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
    window = re.search(r'<p class="mb-1 payout-window">(.*?)</p>', html).group(1)
    assert re.findall(r"<strong>(.*?)</strong>", window) == [date_in("ko", first), date_in("ko", last)]

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
    html = page(client, claim)
    assert heading(html) == ko("Appeal under review")
    assert (
        ko(
            "A reviewer other than the one who decided first is looking at your appeal. We e-mail you as soon as "
            "anything changes."
        )
        in html
    )
    assert "/appeal/" not in html


def test_the_page_shows_what_was_claimed(client, db):
    charged = datetime.date(2026, 11, 3)
    with translation.override("ko"):
        claim = make_claim(charge_date=charged, amount="10900", reason="service_unavailable")
    html = page(client, claim)
    assert heading(html) == ko("Submitted, under review")
    claimed = dict(re.findall(r'<dt class="col-sm-4">(.*?)</dt><dd class="col-sm-8 claimed-[\w-]+">(.*?)</dd>', html))
    assert claimed == {
        ko("Amount"): "10,900 KRW",
        ko("Charge date"): date_in("ko", charged),
        ko("Reason"): ko("The service did not work"),
    }
    english = client.get(claim.status_path().replace("/ko/", "/en/")).content.decode()
    assert f'<dd class="col-sm-8 claimed-charge-date">{date_in("en", charged)}</dd>' in english


def test_the_customer_is_told_by_when_to_answer_on_the_page_and_in_the_mail(client, reviewer, settings):
    settings.REFUNDS_NO_ANSWER_DAYS = 10
    with translation.override("ko"):
        claim = make_claim()
    claim.request_info(reviewer, "카드 명세서를 보내 주세요.")
    deadline = timezone.localdate(claim.info_requested_at) + datetime.timedelta(days=10)
    assert claim.answer_deadline() == deadline
    with translation.override("ko"):
        on_page = translation.gettext(
            "Please answer by <strong>%(date)s</strong>. Without an answer by then, the request is closed as denied."
        ) % {"date": date_in("ko", deadline)}
        in_mail = translation.gettext(
            "Please answer by %(date)s. Without an answer by then, the request is closed as denied."
        ) % {"date": date_in("ko", deadline)}
    assert f'<p class="answer-deadline">{on_page}</p>' in page(client, claim)
    assert in_mail in OutgoingEmail.objects.get(kind="refund-request_info").body.splitlines()
    claim.provide_info("첨부합니다.")
    assert "answer-deadline" not in page(client, claim)


def test_the_claim_is_closed_the_day_after_the_deadline_and_not_before(reviewer, settings):
    settings.REFUNDS_REMINDER_DAYS, settings.REFUNDS_NO_ANSWER_DAYS = 3, 10
    seoul = ZoneInfo("Asia/Seoul")
    claim = make_claim()
    claim.request_info(reviewer, "명세서를 보내 주세요.")
    asked = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=seoul)
    RefundClaim.objects.filter(pk=claim.pk).update(info_requested_at=asked, reminder_sent_at=asked)
    claim.refresh_from_db()
    assert claim.answer_deadline() == datetime.date(2026, 12, 11)

    def run_at(moment: datetime.datetime) -> str:
        with mock.patch("django.utils.timezone.now", return_value=moment):
            call_command("refund_reminders", stdout=open("/dev/null", "w"))
        claim.refresh_from_db()
        return claim.status

    assert run_at(datetime.datetime(2026, 12, 11, 23, 50, tzinfo=seoul)) == "info_requested"  # the last day
    assert run_at(datetime.datetime(2026, 12, 12, 0, 10, tzinfo=seoul)) == "denied"
    assert claim.events.last().label == ko("Closed: no answer received")


def test_the_reminder_gives_the_date_too(reviewer, settings):
    settings.REFUNDS_REMINDER_DAYS, settings.REFUNDS_NO_ANSWER_DAYS = 3, 10
    with translation.override("en"):
        claim = make_claim()
    claim.request_info(reviewer, "Please send your card statement.")
    asked = timezone.now() - datetime.timedelta(days=4)
    RefundClaim.objects.filter(pk=claim.pk).update(info_requested_at=asked)
    call_command("refund_reminders", stdout=open("/dev/null", "w"))
    deadline = date_in("en", timezone.localdate(asked) + datetime.timedelta(days=10))
    body = OutgoingEmail.objects.get(kind="refund-reminder").body
    assert f"Please answer by {deadline}. Without an answer by then, the request is closed as denied." in body


def test_another_customers_link_opens_only_their_own_claim(client, db):
    mine = RefundClaim.file(
        RefundClaim(
            email="hong@example.com",
            username="hong",
            subscription_type="premium_duo",
            charge_date=timezone.localdate(),
            amount=16350,
            payment_method="card",
            reason="duplicate_charge",
        ),
        [(SimpleUploadedFile("명세서.png", PNG), "image/png")],
    )
    theirs = make_claim(email="kim@example.com", amount="5450")
    evidence = mine.evidence.get()
    assert client.get(f"/ko/refunds/status/{mine.status_token()}/files/{evidence.pk}/").status_code == 200
    assert client.get(f"/ko/refunds/status/{theirs.status_token()}/files/{evidence.pk}/").status_code == 404
    html = page(client, theirs)
    assert theirs.reference in html and mine.reference not in html and "16,350" not in html


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


def test_the_refund_lookup_page_is_named_and_exemplified_for_refunds(client, db):
    refunds = client.get("/ko/refunds/find/").content.decode()
    assert re.search(r"<h1[^>]*>(.*?)</h1>", refunds).group(1) == ko("Find your refund request")
    assert f"<title>{ko('Find your refund request')}" in refunds
    with translation.override("ko"):
        example = translation.gettext("For example %(reference)s.") % {"reference": "RF-7K3M9QX"}
    assert f'<div id="id_reference_helptext" class="form-text">{example}</div>' in refunds
    assert "HC-" not in refunds
    tickets = client.get("/ko/requests/find/").content.decode()  # the shared page still reads right for tickets
    assert re.search(r"<h1[^>]*>(.*?)</h1>", tickets).group(1) == ko("Find your request")
    assert "HC-7K3M9QX" in tickets and "RF-" not in tickets


def test_an_answer_too_long_is_refused_with_the_limit_alone_and_the_claim_keeps_waiting(client, reviewer):
    claim = make_claim()
    claim.request_info(reviewer, "카드 명세서를 보내 주세요.")
    response = client.post(f"/ko/refunds/status/{claim.status_token()}/answer/", {"note": "가" * 5001}, follow=True)
    assert response.status_code == 200
    with translation.override("ko"):
        limit = translation.ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            5000,
        )
    # Only what is wrong: not also "write an answer or attach a file", as it said before.
    assert [str(m) for m in response.context["messages"]] == [limit % {"limit_value": 5000, "show_value": 5001}]
    claim.refresh_from_db()
    assert claim.status == "info_requested"


def test_the_path_of_a_given_link_is_that_links_page_in_the_customers_language(settings, db):
    settings.SITE_URL = "https://help.example.com"
    claim = make_claim()
    token = claim.status_token()
    assert claim.status_path(token) == f"/ko/refunds/status/{token}/"
    assert claim.status_url(token) == f"https://help.example.com/ko/refunds/status/{token}/"
