"""Who may open which chat socket: every refusal tried with a stranger."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from helpcenter import roles
from tests.chat.conftest import agent_socket, customer_socket, make_staff, next_id, receive_type, start_chat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async


async def test_a_wrong_token_opens_no_chat():
    await db(start_chat)()
    communicator, connected = await customer_socket("guessed-token")
    assert connected is False


async def test_another_customers_token_shows_only_their_own_chat():
    mine, my_token = await db(start_chat)(text="내 질문", name="홍길동")
    theirs, their_token = await db(start_chat)(text="다른 사람의 질문", name="김철수")
    communicator, connected = await customer_socket(their_token)
    welcome = await receive_type(communicator, "welcome")
    assert welcome["chat"]["id"] == theirs.pk
    assert [m["text"] for m in welcome["messages"]] == ["다른 사람의 질문"]
    await communicator.send_json_to({"type": "message", "id": next_id(), "text": "안녕", "chat": mine.pk})
    await receive_type(communicator, "ack")
    assert await db(lambda: mine.ticket.messages.count())() == 1
    await communicator.disconnect()


async def test_a_page_of_another_site_cannot_open_a_socket():
    chat, token = await db(start_chat)()
    agent = await db(make_staff)("kim", roles.AGENTS, online=True)
    _customer, customer_connected = await customer_socket(token, origin="https://evil.example")
    _agent, agent_connected = await agent_socket(agent, origin="https://evil.example")
    assert (customer_connected, agent_connected) == (False, False)


async def test_editors_and_anonymous_visitors_cannot_open_the_agent_socket():
    editor = await db(make_staff)("editor", roles.EDITORS)
    _ws, connected = await agent_socket(editor)
    assert connected is False
    from channels.testing import WebsocketCommunicator

    from helpcenter.asgi import application

    anonymous = WebsocketCommunicator(application, "/ws/chat/agent/", headers=[(b"origin", b"http://testserver")])
    connected, _ = await anonymous.connect()
    assert connected is False


async def test_an_agent_outside_the_topic_cannot_read_the_chat():
    chat, _token = await db(start_chat)(topic="payment")
    outsider = await db(make_staff)("lee", roles.AGENTS, topics=["account"])
    ws, connected = await agent_socket(outsider)
    welcome = await receive_type(ws, "welcome")
    assert welcome["queue"] == []
    await ws.send_json_to({"type": "open", "id": "o1", "chat": chat.pk})
    error = await receive_type(ws, "error")
    assert (error["id"], error["code"]) == ("o1", "forbidden")
    await ws.send_json_to({"type": "accept", "id": "a1", "chat": chat.pk})
    assert (await receive_type(ws, "error"))["code"] == "forbidden"
    await ws.disconnect()


async def test_another_agent_cannot_read_or_write_a_chat_taken_by_a_colleague():
    owner = await db(make_staff)("kim", roles.AGENTS, online=True)
    chat, _token = await db(start_chat)()
    colleague = await db(make_staff)("park", roles.AGENTS, topics=[])
    ws, _ = await agent_socket(colleague)
    await receive_type(ws, "welcome")
    await ws.send_json_to({"type": "message", "id": "m1", "chat": chat.pk, "text": "제가 할게요"})
    assert (await receive_type(ws, "error"))["code"] == "forbidden"
    supervisor = await db(make_staff)("boss", roles.SUPERVISORS)
    boss_ws, _ = await agent_socket(supervisor)
    await receive_type(boss_ws, "welcome")
    await boss_ws.send_json_to({"type": "open", "id": "o1", "chat": chat.pk})
    assert (await receive_type(boss_ws, "history"))["chat"]["agent"] == owner.username
    await ws.disconnect()
    await boss_ws.disconnect()
