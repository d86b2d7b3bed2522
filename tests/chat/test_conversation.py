"""The chat protocol through Channels' communicator: what a customer and an agent see."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from chat.models import Chat
from helpcenter import roles
from tests.chat.conftest import agent_socket, customer_socket, make_staff, next_id, receive_type, start_chat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async


def texts(chat: Chat) -> list[str]:
    return list(chat.ticket.messages.order_by("pk").values_list("body", flat=True))


async def test_messages_arrive_in_order_both_ways():
    agent = await db(make_staff)("kim", roles.AGENTS, online=True, topics=["payment"])
    chat, token = await db(start_chat)()
    agent_ws, _ = await agent_socket(agent)
    welcome = await receive_type(agent_ws, "welcome")
    assert [c["id"] for c in welcome["chats"]] == [chat.pk]
    await agent_ws.send_json_to({"type": "open", "id": next_id(), "chat": chat.pk})
    history = await receive_type(agent_ws, "history")
    assert [m["text"] for m in history["messages"]] == ["결제가 두 번 됐어요"]

    customer_ws, connected = await customer_socket(token)
    assert connected
    welcome = await receive_type(customer_ws, "welcome")
    assert welcome["chat"]["state"] == "active" and welcome["chat"]["agent"] == "kim"
    for number in range(1, 4):
        await customer_ws.send_json_to({"type": "message", "id": f"m{number}", "text": f"메시지 {number}"})
        ack = await receive_type(customer_ws, "ack")
        assert ack["id"] == f"m{number}"
    received = [(await receive_type(agent_ws, "message"))["message"]["text"] for _ in range(3)]
    assert received == ["메시지 1", "메시지 2", "메시지 3"]

    await agent_ws.send_json_to({"type": "message", "id": "a1", "chat": chat.pk, "text": "확인해 드릴게요."})
    reply = await receive_type(customer_ws, "message")
    assert (reply["message"]["author"], reply["message"]["name"], reply["message"]["text"]) == (
        "agent",
        "kim",
        "확인해 드릴게요.",
    )
    assert await db(texts)(chat) == ["결제가 두 번 됐어요", "메시지 1", "메시지 2", "메시지 3", "확인해 드릴게요."]
    ticket = await db(lambda: Chat.objects.select_related("ticket").get(pk=chat.pk).ticket)()
    assert ticket.channel == "chat" and ticket.first_responded_at is not None
    await customer_ws.disconnect()
    await agent_ws.disconnect()


async def test_a_message_resent_after_reconnecting_is_stored_once():
    chat, token = await db(start_chat)()
    first, _ = await customer_socket(token)
    await receive_type(first, "welcome")
    await first.send_json_to({"type": "message", "id": "same-id", "text": "안녕하세요"})
    original = await receive_type(first, "ack")
    await first.disconnect()

    again, _ = await customer_socket(token)
    welcome = await receive_type(again, "welcome")
    assert [m["client_id"] for m in welcome["messages"]] == [None, "same-id"]
    await again.send_json_to({"type": "message", "id": "same-id", "text": "안녕하세요"})
    resent = await receive_type(again, "ack")
    assert resent["message"]["id"] == original["message"]["id"]
    assert await db(texts)(chat) == ["결제가 두 번 됐어요", "안녕하세요"]
    await again.disconnect()


async def test_typing_and_read_marks_reach_the_other_side_only():
    agent = await db(make_staff)("kim", roles.AGENTS, online=True)
    chat, token = await db(start_chat)()
    agent_ws, _ = await agent_socket(agent)
    await receive_type(agent_ws, "welcome")
    customer_ws, _ = await customer_socket(token)
    welcome = await receive_type(customer_ws, "welcome")

    await customer_ws.send_json_to({"type": "typing", "id": next_id(), "typing": True})
    typing = await receive_type(agent_ws, "typing")
    assert typing == {"type": "typing", "chat": chat.pk, "who": "customer", "typing": True}
    assert await customer_ws.receive_nothing(timeout=0.2)

    last = welcome["messages"][-1]["id"]
    await agent_ws.send_json_to({"type": "read", "id": next_id(), "chat": chat.pk, "up_to": last})
    read = await receive_type(customer_ws, "read")
    assert read == {"type": "read", "chat": chat.pk, "who": "agent", "up_to": last}
    assert (await db(Chat.objects.get)(pk=chat.pk)).agent_read_up_to == last
    await customer_ws.disconnect()
    await agent_ws.disconnect()


async def test_the_agent_ends_and_the_customer_rates_once():
    agent = await db(make_staff)("kim", roles.AGENTS, online=True)
    chat, token = await db(start_chat)()
    customer_ws, _ = await customer_socket(token)
    await receive_type(customer_ws, "welcome")
    await customer_ws.send_json_to({"type": "rating", "id": "r0", "score": 5})
    early = await receive_type(customer_ws, "error")
    assert (early["id"], early["code"]) == ("r0", "not_ended")

    agent_ws, _ = await agent_socket(agent)
    await receive_type(agent_ws, "welcome")
    await agent_ws.send_json_to({"type": "end", "id": "e1", "chat": chat.pk})
    assert (await receive_type(agent_ws, "ack"))["id"] == "e1"
    state = await receive_type(customer_ws, "state")
    assert state["chat"]["state"] == "ended"

    await customer_ws.send_json_to({"type": "message", "id": "late", "text": "하나 더요"})
    assert (await receive_type(customer_ws, "error"))["code"] == "ended"
    await customer_ws.send_json_to({"type": "rating", "id": "r1", "score": 5, "comment": "빨랐어요"})
    assert (await receive_type(customer_ws, "ack"))["id"] == "r1"
    await customer_ws.send_json_to({"type": "rating", "id": "r2", "score": 1})
    assert (await receive_type(customer_ws, "error"))["code"] == "already_rated"
    chat = await db(Chat.objects.select_related("ticket").get)(pk=chat.pk)
    assert (chat.rating, chat.rating_comment, chat.ticket.status) == (5, "빨랐어요", "solved")
    await customer_ws.disconnect()
    await agent_ws.disconnect()


async def test_card_and_resident_numbers_are_masked_for_the_agent_and_in_the_ticket():
    agent = await db(make_staff)("kim", roles.AGENTS, online=True)
    chat, token = await db(start_chat)()
    agent_ws, _ = await agent_socket(agent)
    await receive_type(agent_ws, "welcome")
    customer_ws, _ = await customer_socket(token)
    await receive_type(customer_ws, "welcome")
    await customer_ws.send_json_to(
        {"type": "message", "id": "card", "text": "카드 4111 1111 1111 1111, 주민번호 900101-1234568"}
    )
    ack = await receive_type(customer_ws, "ack")
    received = await receive_type(agent_ws, "message")
    masked = "카드 ************1111, 주민번호 ******-*******"
    assert ack["message"]["text"] == received["message"]["text"] == masked
    assert (await db(texts)(chat))[-1] == masked
    await customer_ws.disconnect()
    await agent_ws.disconnect()


async def test_an_oversize_message_is_refused_and_not_stored(settings):
    settings.CHAT_MAX_MESSAGE_CHARS = 50
    chat, token = await db(start_chat)()
    customer_ws, _ = await customer_socket(token)
    await receive_type(customer_ws, "welcome")
    await customer_ws.send_json_to({"type": "message", "id": "big", "text": "가" * 51})
    error = await receive_type(customer_ws, "error")
    assert error == {
        "type": "error",
        "id": "big",
        "code": "too_long",
        "message": "메시지는 최대 50자까지 보낼 수 있습니다.",
    }
    await customer_ws.send_json_to({"type": "message", "id": "ok", "text": "가" * 50})
    await receive_type(customer_ws, "ack")
    assert len(await db(texts)(chat)) == 2
    await customer_ws.disconnect()


async def test_a_connection_sending_too_fast_is_refused(settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 3
    chat, token = await db(start_chat)()
    customer_ws, _ = await customer_socket(token)
    await receive_type(customer_ws, "welcome")
    for number in range(3):
        await customer_ws.send_json_to({"type": "message", "id": f"m{number}", "text": "안녕"})
        await receive_type(customer_ws, "ack")
    await customer_ws.send_json_to({"type": "message", "id": "m3", "text": "안녕"})
    assert (await receive_type(customer_ws, "error"))["code"] == "rate_limited"
    assert len(await db(texts)(chat)) == 4
    await customer_ws.disconnect()


async def test_bad_frames_get_a_clear_error():
    chat, token = await db(start_chat)()
    customer_ws, _ = await customer_socket(token)
    await receive_type(customer_ws, "welcome")
    await customer_ws.send_to(text_data="not json")
    assert (await receive_type(customer_ws, "error"))["code"] == "bad_frame"
    await customer_ws.send_json_to({"type": "message", "text": "no id"})
    assert (await receive_type(customer_ws, "error"))["code"] == "bad_id"
    await customer_ws.send_json_to({"type": "accept", "id": "x", "chat": chat.pk})
    assert (await receive_type(customer_ws, "error"))["code"] == "bad_type"
    await customer_ws.disconnect()


async def test_internal_notes_stay_with_the_agents():
    agent = await db(make_staff)("kim", roles.AGENTS, online=True)
    chat, token = await db(start_chat)()
    agent_ws, _ = await agent_socket(agent)
    await receive_type(agent_ws, "welcome")
    customer_ws, _ = await customer_socket(token)
    await receive_type(customer_ws, "welcome")
    await agent_ws.send_json_to({"type": "note", "id": "n1", "chat": chat.pk, "text": "중복 결제 확인 필요"})
    ack = await receive_type(agent_ws, "ack")
    assert ack["message"]["internal"] is True
    assert await customer_ws.receive_nothing(timeout=0.3)
    reconnect, _ = await customer_socket(token)
    welcome = await receive_type(reconnect, "welcome")
    assert [m["text"] for m in welcome["messages"]] == ["결제가 두 번 됐어요"]
    for ws in (agent_ws, customer_ws, reconnect):
        await ws.disconnect()


async def test_waiting_customers_see_their_place_and_the_agent_coming_online():
    agent = await db(make_staff)("kim", roles.AGENTS, topics=["payment"])
    first, first_token = await db(start_chat)(name="첫째")
    second, second_token = await db(start_chat)(name="둘째")
    first_ws, _ = await customer_socket(first_token)
    second_ws, _ = await customer_socket(second_token)
    assert (await receive_type(first_ws, "welcome"))["chat"]["position"] == 1
    assert (await receive_type(second_ws, "welcome"))["chat"]["position"] == 2

    agent_ws, _ = await agent_socket(agent)
    welcome = await receive_type(agent_ws, "welcome")
    assert [c["customer"] for c in welcome["queue"]] == ["첫째", "둘째"]
    await agent_ws.send_json_to({"type": "availability", "id": "on", "status": "online", "capacity": 1})
    first_state = await receive_type(first_ws, "state")
    assert (first_state["chat"]["state"], first_state["chat"]["agent"]) == ("active", "kim")
    second_state = await receive_type(second_ws, "state")
    assert (second_state["chat"]["state"], second_state["chat"]["position"]) == ("waiting", 1)
    for ws in (agent_ws, first_ws, second_ws):
        await ws.disconnect()
