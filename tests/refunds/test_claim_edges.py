"""Edges of the claim's life that a customer, a reviewer or the operator running cron would notice:
the reminder command's counts and denials, the customer's empty answer, files behind private links,
the overdue clock and its filter, a rule change in the admin."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext

from helpcenter.roles import SUPERVISORS
from outbox.models import OutgoingEmail
from refunds.models import REVIEWERS, Evidence, PolicyRule, RefundClaim, TransitionNotAllowed
from tests.refunds.conftest import make_claim, member

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def in_korean(message: str) -> str:
    with translation.override("ko"):
        return gettext(message)


def waiting_since(days: float, reviewer, language: str = "ko", **fields) -> RefundClaim:
    with translation.override(language):  # a claim speaks the language it was filed in
        claim = make_claim(**fields)
    claim.request_info(reviewer, "카드 명세서를 보내 주세요.")
    RefundClaim.objects.filter(pk=claim.pk).update(info_requested_at=timezone.now() - timedelta(days=days))
    return claim


def reminders() -> str:
    out = io.StringIO()
    call_command("refund_reminders", stdout=out)
    return out.getvalue()


def test_the_reminder_command_reminds_denies_and_counts_exactly(reviewer, settings):
    settings.REFUNDS_REMINDER_DAYS, settings.REFUNDS_NO_ANSWER_DAYS = 3, 10
    expired_ko = waiting_since(11, reviewer, email="a@example.com")
    expired_en = waiting_since(12, reviewer, email="b@example.com", language="en")
    due = waiting_since(4, reviewer, email="c@example.com")
    recent = waiting_since(1, reviewer, email="d@example.com")
    untouched = make_claim(email="e@example.com")

    assert reminders() == "reminded 1, denied 2\n"
    for claim in (expired_ko, expired_en, due, recent, untouched):
        claim.refresh_from_db()
    assert expired_ko.status == expired_en.status == "denied"
    # the reason goes to the customer, in the customer's language
    assert expired_ko.denial_reason == in_korean("No answer: we did not receive the information we asked for.")
    assert expired_en.denial_reason == "No answer: we did not receive the information we asked for."
    assert (due.status, recent.status, untouched.status) == ("info_requested", "info_requested", "submitted")
    assert due.reminder_sent_at is not None and recent.reminder_sent_at is None
    assert list(OutgoingEmail.objects.filter(kind="refund-reminder").values_list("to", flat=True)) == ["c@example.com"]
    # the next day's run finds nothing new to do
    assert reminders() == "reminded 0, denied 0\n"
    assert OutgoingEmail.objects.filter(kind="refund-reminder").count() == 1


def test_only_a_claim_waiting_for_information_expires(claim):
    with pytest.raises(TransitionNotAllowed) as raised:
        claim.deny_for_no_answer()
    assert str(raised.value) == in_korean("Only a claim waiting for information expires.")
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_an_answer_with_neither_text_nor_file_is_refused_with_a_reason(client, reviewer):
    claim = waiting_since(1, reviewer)
    token = claim.status_token()
    response = client.post(f"/ko/refunds/status/{token}/answer/", {"note": "   "}, follow=True)
    claim.refresh_from_db()
    assert claim.status == "info_requested"
    assert in_korean("Please write an answer or attach a file.") in response.content.decode()
    # a file alone is an answer
    response = client.post(
        f"/ko/refunds/status/{token}/answer/",
        {"note": "", "files": [SimpleUploadedFile("명세서.png", PNG, content_type="image/png")]},
        follow=True,
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"
    assert in_korean("Thank you. We sent your answer to the reviewers.") in response.content.decode()


def test_an_appeal_of_a_claim_that_was_not_denied_says_why(client, claim):
    response = client.post(
        f"/ko/refunds/status/{claim.status_token()}/appeal/", {"note": "다시 봐 주세요"}, follow=True
    )
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.appealed is False
    assert in_korean("Only a denied claim can be appealed.") in response.content.decode()


def test_a_file_behind_the_private_link_is_the_customers_own(client, reviewer):
    claim = waiting_since(1, reviewer)
    claim.provide_info("명세서 첨부", files=[(SimpleUploadedFile("명세서.png", PNG), "image/png")])
    other = make_claim(email="other@example.com", reference="RF-OTHER0001")
    other_evidence = Evidence.objects.create(
        claim=other, file=SimpleUploadedFile("x.png", PNG), filename="남의것.png", content_type="image/png", size=108
    )
    evidence = Evidence.objects.get(claim=claim)
    token = claim.status_token()

    response = client.get(f"/ko/refunds/status/{token}/files/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "%EB%AA%85%EC%84%B8%EC%84%9C.png" in response["Content-Disposition"]  # 명세서.png
    assert b"".join(response.streaming_content) == PNG
    # another customer's file through this customer's link: not found
    assert client.get(f"/ko/refunds/status/{token}/files/{other_evidence.pk}/").status_code == 404


def test_reviewers_open_evidence_in_the_console_and_strangers_do_not(client, reviewer):
    claim = waiting_since(1, reviewer)
    claim.provide_info("명세서", files=[(SimpleUploadedFile("statement.pdf", b"%PDF-1.4 x"), "application/pdf")])
    evidence = Evidence.objects.get(claim=claim)
    url = f"/admin/refunds/refundclaim/evidence/{evidence.pk}/"

    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="statement.pdf"' in response["Content-Disposition"]
    assert client.get("/admin/refunds/refundclaim/evidence/999999/").status_code == 404

    stranger = member("stranger", None)  # staff, but in no group
    client.force_login(stranger)
    assert client.get(url).status_code == 403


def test_the_overdue_clock_runs_only_while_the_claim_waits_on_us(settings, reviewer):
    settings.REFUNDS_OVERDUE_DAYS = 3
    now = timezone.now()
    old = make_claim(email="old@example.com")
    fresh = make_claim(email="fresh@example.com")
    edge = make_claim(email="edge@example.com")
    waiting = waiting_since(1, reviewer, email="wait@example.com")
    RefundClaim.objects.filter(pk__in=[old.pk, waiting.pk]).update(status_changed_at=now - timedelta(days=5))
    RefundClaim.objects.filter(pk=edge.pk).update(status_changed_at=now - timedelta(days=3))
    for claim in (old, fresh, edge, waiting):
        claim.refresh_from_db()

    assert [c.is_overdue_at(now) for c in (old, fresh, edge, waiting)] == [True, False, False, False]
    assert list(RefundClaim.objects.overdue(now)) == [old]


def test_the_overdue_filter_lists_exactly_the_overdue_claims(client, reviewer):
    old = make_claim(email="old@example.com", reference="RF-OLD000001")
    fresh = make_claim(email="fresh@example.com", reference="RF-FRESH0001")
    RefundClaim.objects.filter(pk=old.pk).update(status_changed_at=timezone.now() - timedelta(days=30))
    client.force_login(reviewer)

    def listed(query: str) -> set[str]:
        response = client.get(f"/admin/refunds/refundclaim/{query}")
        assert response.status_code == 200
        return {c.reference for c in response.context["cl"].result_list}

    assert listed("?overdue=yes") == {old.reference}
    assert listed("?overdue=no") == {fresh.reference}
    assert listed("") == {old.reference, fresh.reference}
    page = client.get("/admin/refunds/refundclaim/").content.decode()
    assert f'<a href="?overdue=yes">{in_korean("Overdue")}</a>' in page
    assert f'<a href="?overdue=no">{in_korean("On time")}</a>' in page


def test_a_rule_changed_in_the_console_is_a_new_version_by_its_author(client, reviewer):
    rule = PolicyRule.objects.filter(reason="service_unavailable").order_by("-version").first()
    outage = {"reason": "service_unavailable"}
    open_claim = make_claim(email="open@example.com", **outage)
    waiting = waiting_since(1, reviewer, email="wait@example.com", **outage)
    decided = make_claim(email="done@example.com", **outage)
    decided.approve(reviewer, "확인")
    other_reason = make_claim(email="other@example.com", reason="withdrawal_within_7_days")
    assert open_claim.within_policy is waiting.within_policy is decided.within_policy is True
    change = {"reason": "service_unavailable", "max_days_since_charge": "30", "hint_ko": rule.hint_ko, "hint_en": ""}
    url = f"/admin/refunds/policyrule/{rule.pk}/change/"
    client.force_login(reviewer)  # reviewers apply the policy; supervisors change it
    assert client.post(url, change).status_code == 403
    assert PolicyRule.objects.filter(reason="service_unavailable").count() == 1
    supervisor = member("supervisor", SUPERVISORS)
    client.force_login(supervisor)
    response = client.post(url, change)  # "eligible" unticked: outages are no longer refunded
    assert response.status_code == 302
    versions = list(PolicyRule.objects.filter(reason="service_unavailable").order_by("version"))
    assert [(v.version, v.eligible) for v in versions] == [(rule.version, True), (rule.version + 1, False)]
    assert versions[-1].created_by == supervisor and versions[0].created_by is None
    for claim in (open_claim, waiting, decided, other_reason):
        claim.refresh_from_db()
    # the claims still under review are re-assessed under the new rule; decisions and other reasons stay
    assert (open_claim.within_policy, waiting.within_policy) == (False, False)
    assert (decided.within_policy, other_reason.within_policy) == (True, True)


def test_an_appeal_needs_a_reason_and_is_allowed_once(client, reviewer):
    claim = make_claim()
    claim.deny(reviewer, "중복 결제가 아닙니다.")
    url = f"/ko/refunds/status/{claim.status_token()}/appeal/"

    with pytest.raises(TransitionNotAllowed) as raised:
        claim.appeal("  ")
    assert str(raised.value) == in_korean("Please explain why the decision should change.")

    response = client.post(
        url,
        {
            "note": "명세서를 다시 첨부합니다.",
            "files": [SimpleUploadedFile("명세서.png", PNG, content_type="image/png")],
        },
        follow=True,
    )
    claim.refresh_from_db()
    assert (claim.status, claim.appealed) == ("submitted", True)
    assert in_korean("Thank you. We sent your answer to the reviewers.") in response.content.decode()
    appeal_event = claim.events.get(action="appeal")
    evidence = Evidence.objects.get(claim=claim)
    assert (evidence.event, evidence.size, evidence.filename) == (appeal_event, len(PNG), "명세서.png")

    claim.deny(member("reviewer3", REVIEWERS), "다시 봐도 중복이 아닙니다.")
    response = client.post(url, {"note": "한 번 더요"}, follow=True)
    claim.refresh_from_db()
    assert (claim.status, claim.events.filter(action="appeal").count()) == ("denied", 1)
    assert in_korean("This claim has already been appealed once.") in response.content.decode()


def test_the_link_resend_finds_the_claim_by_reference_and_address_in_any_case(client, claim):
    def resend(reference: str, email: str) -> int:
        client.post("/ko/refunds/find/", {"reference": reference, "email": email})
        return OutgoingEmail.objects.filter(kind="refund-link").count()

    assert resend(claim.reference, "someone-else@example.com") == 0
    assert resend(claim.reference.lower(), "HONG@EXAMPLE.COM") == 1
    mail = OutgoingEmail.objects.get(kind="refund-link")
    assert mail.to == "hong@example.com" and claim.reference in mail.subject


def test_the_starting_rules_are_made_once_for_each_reason_that_has_none():
    from refunds.policy import DEFAULT_RULES
    from refunds.setup import ensure_policy_rules

    PolicyRule.objects.exclude(reason="other").delete()
    kept = PolicyRule.objects.get(reason="other")
    ensure_policy_rules()
    ensure_policy_rules()  # it runs after every migrate: nothing doubles
    rules = {rule.reason: rule for rule in PolicyRule.objects.all()}
    assert sorted(rules) == sorted(DEFAULT_RULES)
    assert rules["other"] == kept
    outage = rules["service_unavailable"]
    assert (outage.version, outage.eligible, outage.max_days_since_charge, outage.evidence_required) == (
        1,
        True,
        30,
        False,
    )
    assert outage.hint_en == DEFAULT_RULES["service_unavailable"]["hint_en"]
