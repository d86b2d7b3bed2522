"""A new private link for a chat's ticket (staff: "issue a new private link") shuts the old cookie out,
open socket included; the customer goes on through the ticket's new link."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from chat.models import Chat
from outbox.models import OutgoingEmail
from tests.chat.conftest import customer_socket, make_staff, start_chat


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_new_link_for_a_chats_ticket_closes_the_old_cookies_socket_and_refuses_it_after():
    chat, token = await database_sync_to_async(start_chat)()
    socket, connected = await customer_socket(token)
    assert connected
    await socket.receive_json_from()  # welcome

    def rotate():
        chat.ticket.rotate_tracking_link(by="agent")

    await database_sync_to_async(rotate)()
    assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4403}
    again, connected = await customer_socket(token)
    assert not connected
    await again.disconnect()


@pytest.mark.django_db
def test_the_chats_agent_issues_a_new_link_from_the_chat_list_and_an_editor_cannot(client):
    agent = make_staff("agent", "Agents", online=True)
    chat, token = start_chat()
    chat.refresh_from_db()
    assert chat.agent == agent
    editor = make_staff("editor", "Editors")
    client.force_login(editor)
    data = {"action": "issue_new_link", "_selected_action": [chat.pk], "index": 0}
    assert client.post("/admin/chat/chat/", data).status_code == 403
    assert Chat.for_token(token) == chat
    client.force_login(agent)
    response = client.post("/admin/chat/chat/", data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "1개 채팅에 새 비공개 링크를 발급했습니다. 고객에게 이메일로 보냈습니다."
    ]
    assert Chat.for_token(token) is None
    email = OutgoingEmail.objects.get(kind="new-link")
    assert (email.to, email.thread) == ("hong@example.com", chat.ticket.reference)
