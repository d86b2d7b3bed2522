"""A refund claim's and a policy rule's history: the transitions (written with a guarded UPDATE)
are recorded with whoever acted, and the page reads in the form's words."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from refunds.models import PolicyRule
from tests.refunds.conftest import make_claim
from tests.tickets.test_history import changes, users

pytestmark = pytest.mark.django_db


def test_an_approval_is_recorded_with_the_reviewer_and_reads_as_labels(reviewer):
    claim = make_claim()
    claim.approve(reviewer, "중복 확인")
    latest = claim.history.first()
    assert (latest.status, latest.history_user) == ("approved", reviewer)
    client = Client()
    client.force_login(reviewer)
    html = client.get(f"/admin/refunds/refundclaim/{claim.pk}/history/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "상태: 접수됨, 검토 중 → 승인됨" in changes(html)
    assert users(html)[0] == "reviewer"


def test_the_schedulers_denial_is_recorded_without_a_user(reviewer):
    claim = make_claim()
    claim.request_info(reviewer, "카드 명세서를 보내 주세요.")
    claim.__class__.objects.filter(pk=claim.pk).update(info_requested_at=timezone.now() - timezone.timedelta(days=30))
    call_command("refund_reminders", stdout=open("/dev/null", "w"))
    statuses = [(row.status, row.history_user) for row in claim.history.order_by("history_date", "history_id")]
    assert statuses[-1] == ("denied", None)
    assert ("info_requested", reviewer) in statuses


def test_the_claim_history_is_closed_to_an_faq_editor(editor):
    claim = make_claim()
    client = Client()
    client.force_login(editor)
    assert client.get(f"/admin/refunds/refundclaim/{claim.pk}/history/").status_code == 403


def test_a_policy_rule_published_from_the_admin_is_recorded_with_the_supervisor(db):
    from tests.tickets.conftest import staff_member

    supervisor = staff_member("supervisor-oh", groups=("Supervisors",))
    client = Client()
    client.force_login(supervisor)
    response = client.post(
        "/admin/refunds/policyrule/add/",
        {
            "reason": "duplicate_charge",
            "eligible": "on",
            "max_days_since_charge": "30",
            "hint_ko": "중복 결제는 환불됩니다.",
        },
    )
    assert response.status_code == 302
    rule = PolicyRule.objects.filter(reason="duplicate_charge").order_by("-version").first()
    assert [(row.history_type, row.history_user) for row in rule.history.all()] == [("+", supervisor)]
