"""A Finance clerk's first log-in in a real Chromium: password, enrolment with the QR code drawn by the
server, recovery codes, then the refund claims, all under the Content Security Policy."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from helpcenter.roles import set_up_roles
from refunds.models import FINANCE
from refunds.setup import ensure_policy_rules
from tests.browser.helpers import PASSWORD, korean

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, settings):
    settings.AXES_ENABLED = True
    settings.HELPCENTER_TWO_FACTOR_ENFORCED = True
    set_up_roles()
    ensure_policy_rules()
    return live_server.url


def test_finance_enrols_then_opens_the_claims(page: Page, site):
    refusals: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refusals.append(message.text))
    clerk = get_user_model().objects.create_user("clerk", "clerk@example.com", PASSWORD, is_staff=True)
    clerk.groups.add(Group.objects.get(name=FINANCE))

    page.goto(f"{site}/admin/login/?next=/admin/refunds/refundclaim/")
    page.locator("input[name=username]").fill("clerk")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()

    expect(page).to_have_url(re.compile(r"/admin/two-factor/setup/\?next="))
    expect(page.locator("h1")).to_have_text(korean("Set up two-factor authentication"))
    qr = page.locator("[data-qr-code] svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 100  # big enough to scan

    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    page.locator("#id_code").fill(f"{totp(device.bin_key):06d}")
    page.locator(".submit-row [type=submit]").click()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    page.get_by_role("link", name=korean("Continue to the console")).click()

    expect(page).to_have_url(f"{site}/admin/refunds/refundclaim/")
    expect(page.locator("#changelist")).to_be_visible()
    assert refusals == []
