from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from refunds.models import RefundClaim, StaleClaim, TransitionNotAllowed
from tests.refunds.conftest import in_state, make_claim

pytestmark = pytest.mark.django_db

STATES = ["submitted", "info_requested", "approved", "denied", "paid"]
ALLOWED = {
    ("submitted", "request_info"): "info_requested",
    ("submitted", "approve"): "approved",
    ("submitted", "deny"): "denied",
    ("info_requested", "provide_info"): "submitted",
    ("info_requested", "deny"): "denied",
    ("approved", "mark_paid"): "paid",
    ("denied", "appeal"): "submitted",
}


def act(claim: RefundClaim, action: str, reviewer, finance):
    calls = {
        "request_info": lambda: claim.request_info(reviewer, "영수증이 필요합니다."),
        "provide_info": lambda: claim.provide_info("첨부합니다."),
        "approve": lambda: claim.approve(reviewer, ""),
        "deny": lambda: claim.deny(reviewer, "정책 대상이 아닙니다."),
        "mark_paid": lambda: claim.mark_paid(finance, "PAY-999"),
        "appeal": lambda: claim.appeal("다시 봐 주세요."),
    }
    return calls[action]()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ["request_info", "provide_info", "approve", "deny", "mark_paid", "appeal"])
def test_every_state_and_action(state, action, reviewer, finance, second_reviewer):
    claim = in_state(state, reviewer, finance)
    events_before = claim.events.count()
    # An appeal's decision belongs to another reviewer, so act as the second one where it matters.
    actor = second_reviewer if state == "denied" else reviewer
    if (state, action) in ALLOWED:
        event = act(claim, action, actor, finance)
        claim.refresh_from_db()
        assert claim.status == ALLOWED[(state, action)]
        assert (event.from_status, event.to_status) == (state, claim.status)
        assert claim.events.count() == events_before + 1
    else:
        with pytest.raises((TransitionNotAllowed, PermissionDenied)):
            act(claim, action, actor, finance)
        claim.refresh_from_db()
        assert claim.status == state
        assert claim.events.count() == events_before


def test_each_event_records_who_when_and_why(claim, reviewer):
    claim.request_info(reviewer, "카드 명세서를 보내 주세요.")
    claim.provide_info("첨부했습니다.")
    first, asked, answered = claim.events.all()
    assert (first.from_status, first.to_status, first.actor) == ("", "submitted", None)
    assert (asked.actor, asked.note) == (reviewer, "카드 명세서를 보내 주세요.")
    assert answered.actor is None and answered.note == "첨부했습니다."


def test_only_reviewers_decide(claim, agent, finance):
    for user in (agent, finance):
        for call in (
            lambda u: claim.approve(u, ""),
            lambda u: claim.deny(u, "x"),
            lambda u: claim.request_info(u, "x"),
        ):
            with pytest.raises(PermissionDenied):
                call(user)
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_only_finance_marks_paid_and_never_their_own_approval(reviewer, finance, db):
    from django.contrib.auth.models import Group

    claim = make_claim()
    claim.approve(reviewer, "")
    with pytest.raises(PermissionDenied):
        claim.mark_paid(reviewer, "PAY-1")  # a reviewer is not finance
    reviewer.groups.add(Group.objects.get(name="Finance"))
    with translation.override("en"), pytest.raises(PermissionDenied, match="approved"):
        claim.mark_paid(reviewer, "PAY-1")  # four eyes: not the approver, even in finance
    claim.mark_paid(finance, "PAY-1")
    assert claim.status == "paid" and claim.payment_reference == "PAY-1"


def test_required_notes(claim, reviewer):
    with pytest.raises(TransitionNotAllowed):
        claim.deny(reviewer, "   ")
    with pytest.raises(TransitionNotAllowed):
        claim.request_info(reviewer, "")
    claim.approve(reviewer, "")
    with pytest.raises(TransitionNotAllowed):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        payer = get_user_model().objects.create_user("payer")
        payer.groups.add(Group.objects.get(name="Finance"))
        claim.mark_paid(payer, "")
    assert claim.status == "approved"


def test_one_appeal_and_not_decided_by_the_reviewer_who_denied(claim, reviewer, second_reviewer):
    claim.deny(reviewer, "증빙이 없습니다.")
    claim.appeal("명세서를 첨부합니다.")
    assert claim.status == "submitted" and claim.appealed
    assert claim.available_actions(reviewer) == []
    with translation.override("en"), pytest.raises(PermissionDenied, match="denied"):
        claim.approve(reviewer, "")
    claim.deny(second_reviewer, "여전히 중복이 아닙니다.")
    with translation.override("en"), pytest.raises(TransitionNotAllowed, match="already"):
        claim.appeal("한 번 더")
    assert claim.status == "denied"


def test_a_stale_copy_cannot_act_after_someone_else_did(claim, reviewer, second_reviewer):
    mine = RefundClaim.objects.get(pk=claim.pk)
    theirs = RefundClaim.objects.get(pk=claim.pk)
    mine.approve(reviewer, "")
    with pytest.raises(StaleClaim):
        theirs.deny(second_reviewer, "아니요")
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.events.count() == 2


def test_decisions_record_the_policy_rule_version_and_survive_rule_changes(claim, reviewer, admin_client):
    claim.approve(reviewer, "")
    event = claim.events.get(to_status="approved")
    assert event.policy_rule.version == 1 and event.policy_rule.eligible
    rule = event.policy_rule
    admin_client.post(
        f"/admin/refunds/policyrule/{rule.pk}/change/",
        {
            "reason": "duplicate_charge",
            "eligible": "",
            "max_days_since_charge": "30",
            "evidence_required": "on",
            "hint_ko": "바뀐 규칙",
            "hint_en": "changed",
        },
    )
    event.refresh_from_db()
    assert event.policy_rule.version == 1 and event.policy_rule.eligible  # untouched
    from refunds.models import PolicyRule

    assert PolicyRule.objects.current()["duplicate_charge"].version == 2
    assert not PolicyRule.objects.current()["duplicate_charge"].eligible
