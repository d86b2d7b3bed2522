"""The agent's side in the admin: the console page, the signal on every page, canned replies."""

from __future__ import annotations

import pytest

from chat.models import AgentAvailability
from helpcenter import roles
from tests.chat.conftest import make_staff, start_chat
from tickets.models import CannedReply

pytestmark = pytest.mark.django_db

SIGNAL_SCRIPT = '<script src="/static/js/chat-signal.js" defer></script>'


def test_an_agent_opens_the_console_with_availability_canned_replies_and_colleagues(client):
    agent = make_staff("kim", roles.AGENTS)
    make_staff("park", roles.AGENTS)
    make_staff("editor", roles.EDITORS)
    CannedReply.objects.create(title="인사", body="안녕하세요 {{ name }}님")
    client.force_login(agent)
    page = client.get("/admin/chat/chat/console/").content.decode()
    assert '<script src="/static/js/chat-agent.js" defer></script>' in page
    assert '<option value="away" selected>자리 비움</option>' in page
    assert ">인사</option>" in page
    assert ">park</option>" in page and ">editor</option>" not in page
    assert AgentAvailability.objects.get(agent=agent).capacity == 3


def test_editors_cannot_open_the_console_nor_get_the_signal(client):
    client.force_login(make_staff("editor", roles.EDITORS))
    assert client.get("/admin/chat/chat/console/").status_code == 403
    assert SIGNAL_SCRIPT not in client.get("/admin/").content.decode()


def test_every_admin_page_of_an_agent_carries_the_new_message_signal(client):
    client.force_login(make_staff("kim", roles.AGENTS))
    page = client.get("/admin/tickets/ticket/").content.decode()
    assert SIGNAL_SCRIPT in page
    assert 'id="chat-signal" class="chat-signal" data-console-url="/admin/chat/chat/console/" hidden' in page


def test_a_canned_reply_is_filled_in_for_the_chat_and_only_for_agents_who_may_read_it(client):
    make_staff("kim", roles.AGENTS, online=True)
    chat, _token = start_chat(topic="payment")
    reply = CannedReply.objects.create(title="인사", body="안녕하세요 {{ name }}님, {{ reference }} 확인할게요.")
    client.force_login(chat.agent)
    answer = client.get(f"/admin/chat/chat/{chat.pk}/canned/{reply.pk}/").json()
    assert answer == {"text": f"안녕하세요 홍길동님, {chat.ticket.reference} 확인할게요."}
    client.force_login(make_staff("lee", roles.AGENTS, topics=["account"]))
    assert client.get(f"/admin/chat/chat/{chat.pk}/canned/{reply.pk}/").status_code == 404


def test_agents_see_only_their_own_availability_supervisors_everyones(client):
    kim = make_staff("kim", roles.AGENTS, online=True)
    make_staff("park", roles.AGENTS, online=True)
    client.force_login(kim)
    page = client.get("/admin/chat/agentavailability/").content.decode()
    assert "kim" in page and "park" not in page
    client.force_login(make_staff("boss", roles.SUPERVISORS))
    page = client.get("/admin/chat/agentavailability/").content.decode()
    assert "kim" in page and "park" in page
