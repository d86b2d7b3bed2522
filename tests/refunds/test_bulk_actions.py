"""The claim list's bulk actions: assign to someone who may take the next step, export to CSV."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from refunds.models import RefundClaim, new_reference
from tests.refunds.conftest import make_claim
from tests.tickets.test_bulk_actions import offered

pytestmark = pytest.mark.django_db

LIST = "/admin/refunds/refundclaim/"


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(user)
    return client


def run(client: Client, action: str, claims, **answer):
    data = {"action": action, "_selected_action": [c.pk for c in claims]}
    if answer:
        data.update(apply="yes", **answer)
    return client.post(LIST, data)


def two_claims() -> list[RefundClaim]:
    return [make_claim(), make_claim(charge_date=timezone.localdate() - datetime.timedelta(days=4))]


def test_claims_go_to_a_reviewer_offered_among_those_who_may_decide(reviewer, second_reviewer, finance, agent):
    claims = two_claims()
    client = logged_in(agent)
    assert offered(run(client, "assign_claims", claims).content.decode(), "assignee") == ["reviewer", "reviewer2"]
    response = run(client, "assign_claims", claims, assignee=second_reviewer.pk)
    assert [m.message for m in response.wsgi_request._messages] == ["환불 신청 2건을 reviewer2에게 배정했습니다."]
    assert list(RefundClaim.objects.values_list("assignee", flat=True)) == [second_reviewer.pk] * 2
    assert RefundClaim.history.filter(assignee=second_reviewer, history_user=agent).count() == 2


def test_a_finance_clerk_is_not_offered_for_claims_under_review(reviewer, finance, agent):
    claims = two_claims()
    run(logged_in(agent), "assign_claims", claims, assignee=finance.pk)
    assert list(RefundClaim.objects.values_list("assignee", flat=True)) == [None, None]


def test_claims_at_different_steps_are_assigned_one_by_one(reviewer, finance, agent):
    waiting, approved = two_claims()
    approved.approve(reviewer, "중복 확인")
    response = run(logged_in(agent), "assign_claims", [waiting, approved])
    assert [m.message for m in response.wsgi_request._messages] == [
        "선택한 신청 모두의 다음 단계를 맡을 수 있는 사람이 없습니다. 하나씩 배정해 주세요."
    ]


def test_an_faq_editor_runs_no_claim_action(editor, reviewer):
    claims = two_claims()
    for action in ("assign_claims", "export_claims_csv"):
        assert run(logged_in(editor), action, claims, assignee=reviewer.pk).status_code == 403
    assert list(RefundClaim.objects.values_list("assignee", flat=True)) == [None, None]


def test_the_csv_has_the_lists_columns_in_utf8_with_a_bom(finance):
    claim = make_claim()
    response = run(logged_in(finance), "export_claims_csv", [claim])
    lines = response.content.decode("utf-8").split("\r\n")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert lines[0] == "\ufeff참조 번호,계정 이메일,환불 사유,금액,상태,정책,담당자,접수 일시,기한 초과"
    assert lines[1].startswith(f'{claim.reference},hong@example.com,같은 상품이 두 번 결제됨,"10,900 KRW",')


def test_assigning_more_claims_than_the_limit_changes_nothing_and_says_why(reviewer, agent, settings):
    settings.HELPCENTER_BULK_CHANGE_ROWS = 1
    claims = two_claims()
    data = {"action": "assign_claims", "select_across": "1", "_selected_action": [claims[0].pk]}
    response = logged_in(agent).post(LIST, {**data, "apply": "yes", "assignee": reviewer.pk})
    assert [m.message for m in response.wsgi_request._messages] == [
        "일괄 변경은 한 번에 최대 1건까지 할 수 있는데, 그보다 많이 선택되었어요. 필터나 검색으로 목록을 좁혀 "
        "나눠서 적용해 주세요."
    ]
    assert list(RefundClaim.objects.values_list("assignee", flat=True)) == [None, None]


def test_a_thousand_claims_at_the_same_step_are_offered_to_the_same_people(reviewer, second_reviewer, agent):
    filed = make_claim()
    copied = {f.attname: getattr(filed, f.attname) for f in RefundClaim._meta.concrete_fields if not f.primary_key}
    RefundClaim.objects.bulk_create(
        RefundClaim(**{**copied, "reference": new_reference(), "amount": Decimal(20000 + number)})
        for number in range(999)
    )
    data = {"action": "assign_claims", "select_across": "1", "_selected_action": [filed.pk]}
    page = logged_in(agent).post(LIST, data)
    assert page.status_code == 200
    assert offered(page.content.decode(), "assignee") == ["reviewer", "reviewer2"]
