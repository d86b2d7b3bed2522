"""Two-factor log-in to the console: who must enrol, enrolment with a QR code, codes and recovery codes."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.accounts.conftest import current_code, log_in

CLAIMS = "/admin/refunds/refundclaim/"
SETUP = "/admin/two-factor/setup/"
VERIFY = "/admin/two-factor/verify/"


def enrol(client, user) -> list[str]:
    """Enrol through the pages as a staff member would: open the setup page, type the app's code."""
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": current_code(device), "next": CLAIMS})
    assert response.status_code == 200
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


@pytest.mark.parametrize("group", ["Finance", "Refund reviewers", "Supervisors"])
def test_a_member_of_a_guarded_group_without_a_device_is_sent_to_enrolment(client, member, group):
    member("clerk", group)
    assert log_in(client, "clerk").status_code == 302
    response = client.get(CLAIMS)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2Frefunds%2Frefundclaim%2F"
    assert client.get("/admin/").status_code == 302


def test_a_superuser_must_enrol_too(client, member):
    member("root", is_superuser=True)
    log_in(client, "root")
    assert client.get("/admin/auth/user/")["Location"].startswith(SETUP)


def test_the_setup_page_shows_a_qr_code_drawn_on_the_server_and_the_key(client, member):
    user = member("clerk", "Finance")
    log_in(client, "clerk")
    response = client.get(SETUP)
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert response.status_code == 200
    assert (
        '<div class="qr-code" data-qr-code><svg width="' in html and "http" not in html.split("data-qr-code>")[1][:200]
    )
    assert two_factor.key_for_typing(device) in html
    assert device.config_url.startswith("otpauth://totp/%EA%B3%A0%EA%B0%9D%EC%84%BC%ED%84%B0%3Aclerk?secret=")
    client.get(SETUP)  # a reload keeps the same key, so a half-scanned code stays good
    assert list(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)) == [device.key]


def test_a_wrong_first_code_does_not_turn_it_on(client, member):
    user = member("clerk", "Finance")
    log_in(client, "clerk")
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 400
    assert "코드가 맞지 않습니다. 앱에 지금 표시된 6자리 숫자를 입력하세요." in response.content.decode()
    assert not two_factor.is_enrolled(user)
    assert client.get(CLAIMS).status_code == 302


def test_with_a_verified_authenticator_finance_opens_the_claims(client, member):
    user = member("clerk", "Finance")
    log_in(client, "clerk")
    codes = enrol(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(CLAIMS).status_code == 200

    # Next log-in: password, then the code page, then the claims.
    client.logout()
    log_in(client, "clerk")
    response = client.get(CLAIMS)
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Frefunds%2Frefundclaim%2F"
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    device.last_t = -1  # the enrolment code was this time step's; the app shows the next one soon
    device.save()
    response = client.post(VERIFY, {"code": current_code(device), "next": CLAIMS})
    assert response["Location"] == CLAIMS
    assert client.get(CLAIMS).status_code == 200


def test_a_wrong_code_is_refused_with_a_message(client, member):
    user = member("clerk", "Finance")
    log_in(client, "clerk")
    enrol(client, user)
    client.logout()
    log_in(client, "clerk")
    response = client.post(VERIFY, {"code": "123456", "next": CLAIMS})
    assert response.status_code == 400
    html = response.content.decode()
    assert "코드가 맞지 않습니다. 앱에 지금 표시된 코드나 복구 코드를 입력하세요." in html
    assert client.get(CLAIMS).status_code == 302


def test_a_recovery_code_works_once(client, member):
    user = member("clerk", "Finance")
    log_in(client, "clerk")
    codes = enrol(client, user)
    client.logout()

    log_in(client, "clerk")
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + " " + codes[0][4:], "next": CLAIMS})
    assert response["Location"] == CLAIMS
    assert client.get(CLAIMS).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.logout()

    log_in(client, "clerk")
    response = client.post(VERIFY, {"code": codes[0], "next": CLAIMS})
    assert response.status_code == 400
    assert client.get(CLAIMS).status_code == 302


def test_an_agent_is_not_forced_but_may_enrol(client, member):
    user = member("agent", "Agents")
    log_in(client, "agent")
    assert client.get("/admin/tickets/ticket/").status_code == 200
    overview = client.get("/admin/two-factor/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Two-factor authentication is off for your account." in overview

    enrol(client, user)
    client.logout()
    log_in(client, "agent")
    # Once enrolled, the code is asked for every time.
    assert client.get("/admin/tickets/ticket/")["Location"].startswith(VERIFY)


def test_someone_else_s_codes_do_not_open_the_console(client, member):
    finance = member("clerk", "Finance")
    stranger = member("other", "Finance")
    log_in(client, "clerk")
    enrol(client, finance)
    client.logout()
    log_in(client, "other")
    stranger_codes = enrol(client, stranger)
    client.logout()

    log_in(client, "clerk")
    assert client.post(VERIFY, {"code": stranger_codes[0], "next": CLAIMS}).status_code == 400
    assert client.get(CLAIMS).status_code == 302


def test_a_password_alone_cannot_replace_the_authenticator(client, member):
    user = member("clerk", "Finance")
    log_in(client, "clerk")
    enrol(client, user)
    client.logout()
    log_in(client, "clerk")
    response = client.get(SETUP)
    assert response["Location"] == f"{VERIFY}?next={SETUP}"
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_new_recovery_codes_cancel_the_old_ones(client, member):
    user = member("clerk", "Finance")
    log_in(client, "clerk")
    old = enrol(client, user)
    response = client.post("/admin/two-factor/recovery-codes/")
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(new)


def test_the_next_address_cannot_lead_off_the_site(client, member):
    user = member("clerk", "Finance")
    log_in(client, "clerk")
    enrol(client, user)
    client.logout()
    log_in(client, "clerk")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    device.last_t = -1
    device.save()
    response = client.post(VERIFY, {"code": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_the_public_site_never_asks_for_a_code(client, member):
    member("clerk", "Finance")
    log_in(client, "clerk")
    assert client.get("/ko/").status_code == 200


def test_guessing_codes_is_slowed_down(client, member):
    user = member("clerk", "Finance")
    log_in(client, "clerk")
    enrol(client, user)
    client.logout()
    log_in(client, "clerk")
    client.post(VERIFY, {"code": "123456", "next": CLAIMS})
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    device.last_t = -1
    device.save(update_fields=["last_t"])
    # Even the right code waits until the pause after a wrong one is over.
    response = client.post(VERIFY, {"code": current_code(device), "next": CLAIMS})
    assert response.status_code == 400
    assert "잘못된 코드를 너무 많이 입력했습니다. 잠시 기다린 뒤 다시 시도하세요." in response.content.decode()


def test_public_pages_do_not_read_the_session_for_the_rule(client, member):
    # Reading the session for every page would add "Vary: Cookie" to the anonymous FAQ pages.
    response = client.get("/ko/")
    assert "Vary" not in response or "Cookie" not in response["Vary"]
