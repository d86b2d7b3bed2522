"""Repeated wrong passwords lock one user name from one address (django-axes)."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.accounts.conftest import log_in

pytestmark = pytest.mark.django_db

LOCKED_KO = "로그인에 여러 번 실패해 이 주소에서 이 계정이 잠겼습니다. 30분 뒤에 다시 시도하거나 관리자에게 잠금 해제를 요청하세요."


def fail(client, username: str, times: int, address: str = "203.0.113.7"):
    """Wrong passwords; all but the last must give the log-in form again. Returns the last answer."""
    for attempt in range(1, times + 1):
        response = log_in(client, username, "wrong-password", REMOTE_ADDR=address)
        if attempt < times:
            assert response.status_code == 200
    return response


def test_five_wrong_passwords_lock_the_account_from_that_address(client, member):
    member("agent", "Agents")
    assert fail(client, "agent", 5).status_code == 429  # the fifth failure already answers with the lock
    response = log_in(client, "agent", REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 429
    assert LOCKED_KO in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_still_let_the_right_one_in(client, member):
    member("agent", "Agents")
    assert fail(client, "agent", 4).status_code == 200
    assert log_in(client, "agent", REMOTE_ADDR="203.0.113.7").status_code == 302


def test_the_lock_holds_for_that_address_only_and_for_that_account_only(client, member):
    member("agent", "Agents")
    member("colleague", "Agents")
    fail(client, "agent", 5)
    # A stranger failing on purpose cannot lock a colleague out from the office.
    assert log_in(client, "agent", REMOTE_ADDR="198.51.100.20").status_code == 302
    client.logout()
    assert log_in(client, "colleague", REMOTE_ADDR="203.0.113.7").status_code == 302


def test_forwarded_for_headers_do_not_reset_the_count(client, member):
    member("agent", "Agents")
    for n in range(5):
        log_in(client, "agent", "wrong", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert log_in(client, "agent", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.99").status_code == 429


def test_the_limit_and_cool_off_come_from_the_settings(client, member, settings):
    import datetime

    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=5)
    member("agent", "Agents")
    fail(client, "agent", 2)
    response = log_in(client, "agent", REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    with translation.override("en"):
        assert (
            "Too many failed log-in attempts. This account is locked from your address; try again in 5 minutes, "
            "or ask an administrator to unlock it." in response.content.decode()
        )
