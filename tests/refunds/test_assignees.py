"""The assignee list on a claim offers the people who may take its next step, nobody else."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from tests.refunds.conftest import in_state, make_claim, member

pytestmark = pytest.mark.django_db


def offered(client, claim) -> list[str]:
    html = client.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").content.decode()
    select = re.search(r'<select name="assignee"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [name for value, name in re.findall(r'<option value="(\d*)"[^>]*>(.*?)</option>', select) if value]


@pytest.fixture
def staff(reviewer, second_reviewer, finance, agent, editor):
    """Everyone with a console account, strangers to the claim included."""
    get_user_model().objects.create_superuser("root", "root@example.com", "pw")  # in no group
    gone = member("gone_reviewer", "Refund reviewers")
    gone.is_active = False
    gone.save()
    return {"reviewer": reviewer, "second_reviewer": second_reviewer, "finance": finance, "agent": agent}


def test_a_claim_under_review_offers_the_reviewers(client, staff):
    claim = make_claim()
    client.force_login(staff["agent"])
    assert offered(client, claim) == ["reviewer", "reviewer2"]
    claim.request_info(staff["reviewer"], "명세서?")
    assert offered(client, claim) == ["reviewer", "reviewer2"]


def test_an_approved_claim_offers_finance_but_not_the_approver(client, staff):
    from django.contrib.auth.models import Group

    staff["reviewer"].groups.add(Group.objects.get(name="Finance"))
    claim = make_claim()
    claim.approve(staff["reviewer"], "")
    client.force_login(staff["finance"])
    assert offered(client, claim) == ["finance"]


def test_an_appeal_offers_every_reviewer_but_the_one_who_denied(client, staff):
    claim = make_claim()
    claim.deny(staff["reviewer"], "증빙 없음")
    client.force_login(staff["second_reviewer"])
    assert offered(client, claim) == []  # denied: nothing to do until an appeal
    claim.appeal("명세서를 첨부합니다.")
    assert offered(client, claim) == ["reviewer2"]


def test_a_paid_claim_keeps_its_assignee_and_offers_no_one_else(client, staff):
    claim = in_state("approved", staff["reviewer"], staff["finance"])
    client.force_login(staff["finance"])
    client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/change/",
        {
            "assignee": staff["finance"].pk,
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
            "notes-MIN_NUM_FORMS": "0",
            "notes-MAX_NUM_FORMS": "1000",
        },
    )
    claim.refresh_from_db()
    assert claim.assignee == staff["finance"]
    claim.mark_paid(member("finance2", "Finance"), "PAY-1")
    assert offered(client, claim) == ["finance"]  # the current assignee stays selectable, no one is added


def test_a_stranger_cannot_be_assigned_by_a_crafted_post(client, staff):
    claim = make_claim()
    client.force_login(staff["reviewer"])
    response = client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/change/",
        {
            "assignee": staff["agent"].pk,
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
            "notes-MIN_NUM_FORMS": "0",
            "notes-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert list(response.context["adminform"].form.errors) == ["assignee"]
    claim.refresh_from_db()
    assert claim.assignee is None
