"""The agent socket asks for the second factor as the admin does: a staff member who must (or
chose to) use one has to have proved it in this session, or the socket is refused."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpcenter import roles
from helpcenter.asgi import application
from tests.chat.conftest import ORIGIN, make_staff

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.HELPCENTER_TWO_FACTOR_ENFORCED = True


def cookie_for(user, device: TOTPDevice | None = None) -> str:
    client = Client()
    client.force_login(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def opens(cookie: str) -> bool:
    communicator = WebsocketCommunicator(
        application, "/ws/chat/agent/", headers=[(b"origin", ORIGIN.encode()), (b"cookie", cookie.encode())]
    )
    connected, _ = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return connected


def device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


async def test_a_supervisor_needs_the_second_factor_proved_in_this_session():
    supervisor = await db(make_staff)("choi", roles.SUPERVISORS)
    device = await db(device_of)(supervisor)
    assert await opens(await db(cookie_for)(supervisor)) is False
    assert await opens(await db(cookie_for)(supervisor, device)) is True


async def test_an_agent_who_enrolled_must_prove_it_too():
    agent = await db(make_staff)("kim", roles.AGENTS)
    device = await db(device_of)(agent)
    assert await opens(await db(cookie_for)(agent)) is False
    assert await opens(await db(cookie_for)(agent, device)) is True


async def test_another_users_device_in_the_session_does_not_count():
    agent = await db(make_staff)("kim", roles.AGENTS)
    await db(device_of)(agent)
    stranger = await db(make_staff)("lee", roles.AGENTS)
    strangers_device = await db(device_of)(stranger)
    assert await opens(await db(cookie_for)(agent, strangers_device)) is False


async def test_an_agent_without_a_second_factor_to_give_is_let_in():
    agent = await db(make_staff)("kim", roles.AGENTS)
    assert await opens(await db(cookie_for)(agent)) is True
