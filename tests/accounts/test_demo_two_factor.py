from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.accounts.conftest import log_in


def run(*args) -> str:
    out = io.StringIO()
    call_command("demo_two_factor", *args, stdout=out)
    return out.getvalue().strip()


def test_demo_staff_who_need_it_get_the_demo_key_and_can_log_in(client, member, settings):
    settings.DEBUG = True
    member("finance", "Finance")
    agent = member("agent", "Agents")
    output = run()
    assert output.startswith("Two-factor is required for finance: after the password, enter the six-digit code")
    assert "NBSW Y4DD MVXH IZLS FVSG K3LP FUZD AMRW" in output
    assert not two_factor.is_enrolled(agent)  # not required, left alone

    log_in(client, "finance")
    response = client.post("/admin/two-factor/verify/", {"code": run("--code"), "next": "/admin/refunds/refundclaim/"})
    assert response["Location"] == "/admin/refunds/refundclaim/"
    assert client.get("/admin/refunds/refundclaim/").status_code == 200


def test_an_own_authenticator_is_kept(member, settings):
    settings.DEBUG = True
    user = member("finance", "Finance")
    own = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert run() == ""
    assert list(TOTPDevice.objects.filter(user=user)) == [own]


def test_it_refuses_without_debug(member):
    member("finance", "Finance")
    with pytest.raises(CommandError, match="Demo two-factor keys are only made with DJANGO_DEBUG=1."):
        run()
    assert not TOTPDevice.objects.exists()
