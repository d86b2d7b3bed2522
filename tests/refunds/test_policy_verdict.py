"""The policy verdict is taken when the claim is filed and only taken again when a reviewer asks or
the rule changes; each time the claim records why, when, under which rule and by whom."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from refunds.models import PolicyRule, RefundClaim
from tests.refunds.conftest import make_claim, member

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def days_later(days: int):
    """Everything inside runs as if it were `days` days from now."""
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(days=days))


def withdrawal_filed_on_day(day: int) -> RefundClaim:
    return make_claim(
        reason="withdrawal_within_7_days", charge_date=timezone.localdate() - datetime.timedelta(days=day)
    )


def rule_change(reason: str, **changes) -> dict:
    rule = PolicyRule.objects.current()[reason]
    fields = {
        "reason": reason,
        "eligible": "on" if rule.eligible else "",
        "max_days_since_charge": rule.max_days_since_charge or "",
        "evidence_required": "on" if rule.evidence_required else "",
        "hint_ko": rule.hint_ko,
        "hint_en": rule.hint_en,
    }
    fields.update(changes)
    return fields


def verdict_in_admin(client, claim) -> str:
    html = client.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").content.decode()
    start = html.index('id="assessment"')
    return html[start : html.index("</fieldset>", start)]


def test_a_withdrawal_filed_on_day_6_stays_within_policy_after_later_edits(client, reviewer):
    claim = withdrawal_filed_on_day(6)
    assert (claim.within_policy, claim.assessed_because) == (True, "filed")
    filed_verdict = (claim.assessed_at, claim.assessed_rule_id)
    with days_later(5):
        claim.assignee = reviewer
        claim.save()
        claim.request_info(reviewer, "사용하지 않으셨는지 확인해 주세요.")
        claim.provide_info("사용하지 않았습니다.")
        client.force_login(reviewer)
        verdict = verdict_in_admin(client, claim)
    claim.refresh_from_db()
    assert claim.within_policy is True
    assert (claim.assessed_at, claim.assessed_rule_id, claim.assessed_because) == (*filed_verdict, "filed")
    with translation.override("ko"):
        assert translation.gettext("Within policy") in verdict
        assert translation.gettext("Meets every condition of the rule.") in verdict


def test_days_are_counted_to_the_filing_day(db):
    claim = withdrawal_filed_on_day(8)
    assert claim.within_policy is False
    with translation.override("en"):
        assert claim.assessment().reasons == ["Charged 8 days before the claim was filed; the limit is 7 days."]


def test_a_reviewer_asks_for_a_new_verdict_and_it_is_recorded(client, reviewer):
    claim = make_claim()  # a duplicate charge needs evidence, and none was attached
    assert claim.within_policy is False
    claim.request_info(reviewer, "명세서를 보내 주세요.")
    claim.provide_info("첨부합니다.", files=[(SimpleUploadedFile("명세서.png", PNG), "image/png")])
    claim.refresh_from_db()
    assert (claim.within_policy, claim.assessed_because) == (False, "filed")  # new evidence alone changes nothing

    with days_later(30):  # and a month later the days still count to the filing day
        client.force_login(reviewer)
        response = client.post(f"/admin/refunds/refundclaim/{claim.pk}/reassess/", follow=True)
    claim.refresh_from_db()
    assert (claim.within_policy, claim.assessed_because, claim.assessed_by) == (True, "reviewer", reviewer)
    assert claim.assessed_rule == PolicyRule.objects.current()["duplicate_charge"]
    with translation.override("ko"):
        done = translation.gettext("Re-assessed under rule version %(version)s: %(outcome)s.") % {
            "version": 1,
            "outcome": translation.gettext("within policy"),
        }
    assert [str(m) for m in response.context["messages"]] == [done]


def test_only_reviewers_ask_for_a_new_verdict(client, claim, agent, finance, editor):
    before = (claim.within_policy, claim.assessed_at, claim.assessed_because)
    for stranger in (agent, finance):
        client.force_login(stranger)
        assert 'data-reassess="1"' not in client.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").content.decode()
        response = client.post(f"/admin/refunds/refundclaim/{claim.pk}/reassess/", follow=True)
        with translation.override("ko"):
            assert [str(m) for m in response.context["messages"]] == [
                translation.gettext("Only refund reviewers re-assess a claim.")
            ]
    client.force_login(editor)  # no refund permission at all
    assert client.post(f"/admin/refunds/refundclaim/{claim.pk}/reassess/").status_code == 403
    claim.refresh_from_db()
    assert (claim.within_policy, claim.assessed_at, claim.assessed_because) == before


def test_a_decided_claim_keeps_its_verdict(client, reviewer):
    claim = make_claim()
    claim.deny(reviewer, "증빙이 없습니다.")
    client.force_login(reviewer)
    assert 'data-reassess="1"' not in client.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").content.decode()
    response = client.post(f"/admin/refunds/refundclaim/{claim.pk}/reassess/", follow=True)
    with translation.override("ko"):
        refused = translation.gettext("A decided claim keeps the verdict it was decided under.")
    assert [(m.tags, str(m)) for m in response.context["messages"]] == [("error", refused)]
    claim.refresh_from_db()
    assert claim.assessed_because == "filed"


def test_a_rule_change_reassesses_the_open_claims_of_that_reason_only(client, reviewer, agent):
    submitted = withdrawal_filed_on_day(5)
    waiting = withdrawal_filed_on_day(4)
    waiting.request_info(reviewer, "사용 여부를 알려 주세요.")
    approved = withdrawal_filed_on_day(3)
    approved.approve(reviewer, "")
    denied = withdrawal_filed_on_day(2)
    denied.deny(reviewer, "사용 기록이 있습니다.")
    other_reason = make_claim(reason="service_unavailable", amount="5450")
    assert all(c.within_policy for c in (submitted, waiting, approved, denied, other_reason))

    for stranger in (agent, reviewer):  # reviewers apply the policy; Supervisors change it
        client.force_login(stranger)
        assert client.post("/admin/refunds/policyrule/add/", rule_change("withdrawal_within_7_days")).status_code == 403

    supervisor = member("supervisor", "Supervisors")
    client.force_login(supervisor)
    response = client.post(
        "/admin/refunds/policyrule/add/",
        rule_change("withdrawal_within_7_days", max_days_since_charge="3"),
        follow=True,
    )
    new_rule = PolicyRule.objects.current()["withdrawal_within_7_days"]
    assert new_rule.version == 2 and new_rule.max_days_since_charge == 3
    with translation.override("ko"):
        reassessed = translation.ngettext(
            "%(count)d claim under review was re-assessed under the new rule.",
            "%(count)d claims under review were re-assessed under the new rule.",
            2,
        ) % {"count": 2}
    assert reassessed in [str(m) for m in response.context["messages"]]

    for claim in (submitted, waiting):
        claim.refresh_from_db()
        assert (claim.within_policy, claim.assessed_because) == (False, "rule_changed")
        assert (claim.assessed_rule, claim.assessed_by) == (new_rule, supervisor)
    for claim in (approved, denied, other_reason):
        claim.refresh_from_db()
        assert (claim.within_policy, claim.assessed_because, claim.assessed_rule.version) == (True, "filed", 1)


def test_the_admin_says_when_why_and_under_which_rule(client, reviewer):
    claim = make_claim(reason="service_unavailable")
    client.force_login(reviewer)
    client.post(f"/admin/refunds/refundclaim/{claim.pk}/reassess/")
    claim.refresh_from_db()
    with translation.override("ko"):
        from django.utils import formats

        expected = translation.gettext("Assessed %(when)s under rule version %(version)s (%(because)s)") % {
            "when": formats.date_format(timezone.localtime(claim.assessed_at), "DATETIME_FORMAT"),
            "version": 1,
            "because": translation.gettext("a reviewer asked"),
        }
    assert f'<span class="assessed">{expected} · reviewer</span>' in verdict_in_admin(client, claim)


def test_without_a_rule_for_its_reason_a_claim_is_outside_policy_and_says_why(db):
    from refunds.policy import assess

    claim = make_claim()
    with translation.override("en"):
        verdict = assess(claim, None, timezone.now())
        assert (verdict.within_policy, [str(reason) for reason in verdict.reasons]) == (
            False,
            ["No policy rule exists for this reason yet."],
        )


def test_a_rule_that_wants_evidence_puts_a_claim_without_any_outside_policy_and_says_so(db):
    from refunds.policy import assess

    claim = make_claim(reason="duplicate_charge")
    rule = PolicyRule.objects.current()["duplicate_charge"]
    rule.evidence_required = True  # not saved: the verdict under such a rule
    with translation.override("en"):
        verdict = assess(claim, rule, timezone.now())
        assert (verdict.within_policy, [str(reason) for reason in verdict.reasons]) == (
            False,
            ["Evidence is required and none was attached."],
        )


def test_in_english_the_count_of_re_assessed_claims_reads_in_the_plural(client):
    withdrawal_filed_on_day(5)
    withdrawal_filed_on_day(4)
    client.force_login(member("supervisor", "Supervisors"))
    response = client.post(
        "/admin/refunds/policyrule/add/",
        rule_change("withdrawal_within_7_days", max_days_since_charge="3"),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "2 claims under review were re-assessed under the new rule." in [
        str(m) for m in response.context["messages"]
    ]


def test_an_app_store_purchase_is_outside_policy_and_says_who_refunds_it(db):
    from refunds.policy import assess

    claim = make_claim(reason="withdrawal_within_7_days", payment_method="app_store")
    rule = PolicyRule.objects.current()["withdrawal_within_7_days"]  # no evidence wanted, 3 days of 7
    with translation.override("en"):
        verdict = assess(claim, rule, timezone.now())
        assert (verdict.within_policy, [str(reason) for reason in verdict.reasons]) == (
            False,
            ["App-store purchases are refunded by Apple or Google, not by us."],
        )
    card = make_claim(  # another customer, paying by card: ours to refund
        reason="withdrawal_within_7_days", payment_method="card", email="kim@example.com", username="kim77"
    )
    with translation.override("en"):
        assert [str(reason) for reason in assess(card, rule, timezone.now()).reasons] == [
            "Meets every condition of the rule."
        ]
