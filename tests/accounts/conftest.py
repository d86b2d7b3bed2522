from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import totp

from helpcenter.roles import set_up_roles
from refunds.setup import ensure_policy_rules

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def protections_on(settings):
    settings.AXES_ENABLED = True
    settings.HELPCENTER_TWO_FACTOR_ENFORCED = True


@pytest.fixture
def member(db):
    set_up_roles()
    ensure_policy_rules()

    def make(username: str, group: str | None = None, **extra):
        user = get_user_model().objects.create_user(
            username, f"{username}@example.com", PASSWORD, is_staff=True, **extra
        )
        if group:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
        return user

    return make


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, **extra)
