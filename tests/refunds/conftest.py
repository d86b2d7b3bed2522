from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from refunds.models import AGENTS, FINANCE, REVIEWERS, RefundClaim


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def member(username: str, group: str | None):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reviewer(db):
    return member("reviewer", REVIEWERS)


@pytest.fixture
def second_reviewer(db):
    return member("reviewer2", REVIEWERS)


@pytest.fixture
def finance(db):
    return member("finance", FINANCE)


@pytest.fixture
def agent(db):
    return member("agent", AGENTS)


@pytest.fixture
def editor(db):
    """A stranger to refunds: an FAQ editor with staff access and no refund role."""
    Group.objects.get_or_create(name="Editors")
    return member("editor", "Editors")


def make_claim(**overrides) -> RefundClaim:
    fields = {
        "email": "hong@example.com",
        "username": "hong123",
        "subscription_type": "premium_individual",
        "charge_date": timezone.localdate() - datetime.timedelta(days=3),
        "amount": Decimal("10900"),
        "payment_method": "card",
        "reason": "duplicate_charge",
        "description": "11월 요금이 두 번 청구됐어요.",
    }
    fields.update(overrides)
    return RefundClaim.file(RefundClaim(**fields))


@pytest.fixture
def claim(db) -> RefundClaim:
    return make_claim()


def in_state(status: str, reviewer, finance) -> RefundClaim:
    """A claim brought to the given state through the real transitions."""
    claim = make_claim()
    if status == "info_requested":
        claim.request_info(reviewer, "카드 명세서를 보내 주세요.")
    elif status == "approved":
        claim.approve(reviewer, "중복 확인")
    elif status == "denied":
        claim.deny(reviewer, "중복 결제가 아닙니다.")
    elif status == "paid":
        claim.approve(reviewer, "중복 확인")
        claim.mark_paid(finance, "PAY-123")
    return claim
