"""Text no database can store, sent on the chat socket: refused in so many words, nothing stored,
and the conversation goes on."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from tests.chat.conftest import customer_socket, receive_type, start_chat
from tickets.models import Message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def texts(chat) -> list[str]:
    return list(Message.objects.filter(ticket=chat.ticket).order_by("pk").values_list("body", flat=True))


@pytest.mark.parametrize("text", ["결제\u0000오류", "\ud800", "환불 \udfff 해주세요"])
async def test_a_nul_or_a_lone_surrogate_is_refused_and_nothing_is_stored(text):
    chat, token = await database_sync_to_async(start_chat)()
    socket, _connected = await customer_socket(token)
    await receive_type(socket, "welcome")
    # As a hostile client writes it: JSON escapes that decode to what UTF-8 cannot carry.
    frame = json.dumps({"type": "message", "id": "bad", "text": text})
    await socket.send_to(text_data=frame)
    error = await receive_type(socket, "error")
    assert error == {
        "type": "error",
        "id": "bad",
        "code": "bad_characters",
        "message": "메시지에 보낼 수 없는 문자가 들어 있습니다. 지우고 다시 보내 주세요.",
    }
    await socket.send_json_to({"type": "message", "id": "ok", "text": "다시 보냅니다"})
    await receive_type(socket, "ack")
    assert await database_sync_to_async(texts)(chat) == ["결제가 두 번 됐어요", "다시 보냅니다"]
    await socket.disconnect()
