from __future__ import annotations

import itertools

import pytest
from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections
from django.test import Client

from chat.models import AgentAvailability, Chat
from faq.models import ContactChannel
from helpcenter.asgi import application

ORIGIN = "http://testserver"
_ids = itertools.count(1)


def next_id() -> str:
    return f"c-{next(_ids)}"


@pytest.fixture(autouse=True)
def close_socket_connections():
    # The consumers reach the database from asgiref's one sync thread; its connection must close
    # after each test, or PostgreSQL refuses to drop the test database at the end of the run.
    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture(autouse=True)
def chat_channel(db):
    # Around the clock, so the tests do not depend on when they run.
    return ContactChannel.objects.create(
        kind=ContactChannel.Kind.CHAT,
        label_ko="채팅 상담",
        label_en="Chat with us",
        value="/ko/contact/",
        hours_ko="매일 00:00–24:00",
        hours_en="Daily 00:00–24:00",
    )


def make_staff(username: str, group: str | None, *, online: bool = False, topics: list[str] | None = None):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    if online or topics is not None:
        AgentAvailability.objects.create(
            agent=user,
            status="online" if online else "away",
            topics=topics or [],
            capacity=settings.CHAT_DEFAULT_CAPACITY,
        )
    return user


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def start_chat(text: str = "결제가 두 번 됐어요", topic: str = "payment", name: str = "홍길동") -> tuple[Chat, str]:
    return Chat.start(name=name, email="hong@example.com", topic=topic, text=text, language="ko")


async def customer_socket(token: str, origin: str = ORIGIN) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(
        application, "/ws/chat/", headers=[(b"origin", origin.encode()), (b"cookie", f"hc_chat={token}".encode())]
    )
    connected, _subprotocol = await communicator.connect()
    return communicator, connected


async def agent_socket(user, origin: str = ORIGIN) -> tuple[WebsocketCommunicator, bool]:
    cookie = await database_sync_to_async(session_cookie)(user)
    communicator = WebsocketCommunicator(
        application, "/ws/chat/agent/", headers=[(b"origin", origin.encode()), (b"cookie", cookie.encode())]
    )
    connected, _subprotocol = await communicator.connect()
    return communicator, connected


async def receive_type(communicator: WebsocketCommunicator, kind: str, timeout: float = 2) -> dict:
    """The next frame of this type, skipping others (queue and state updates arrive in between)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame
