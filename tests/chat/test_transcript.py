"""The transcript by e-mail at the customer's request, in the page's language, through the outbox."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from helpcenter import roles
from helpcenter.asgi import application
from outbox.models import OutgoingEmail
from tests.chat.conftest import ORIGIN, make_staff, receive_type, start_chat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async


async def english_customer(token: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application,
        "/ws/chat/?lang=en",
        headers=[(b"origin", ORIGIN.encode()), (b"cookie", f"hc_chat={token}".encode())],
    )
    assert (await communicator.connect())[0]
    await receive_type(communicator, "welcome")
    return communicator


async def test_the_customer_gets_the_transcript_by_email_in_their_language(settings):
    agent = await db(make_staff)("kim", roles.AGENTS, online=True)
    chat, token = await db(start_chat)(text="My card was charged twice")

    def reply_and_note():
        chat.refresh_from_db()
        chat.post(client_id="a1", text="I will check it now.", agent=agent)
        chat.add_note(agent, "duplicate charge, refund team")
        chat.end(agent=agent)

    await db(reply_and_note)()
    customer = await english_customer(token)
    await customer.send_json_to({"type": "transcript", "id": "t1"})
    assert (await receive_type(customer, "ack"))["id"] == "t1"

    mail = await db(OutgoingEmail.objects.get)()
    stamp = await db(lambda: timezone.localtime(chat.ticket.messages.first().created_at).strftime("%Y-%m-%d %H:%M"))()
    assert (mail.to, mail.kind, mail.thread) == ("hong@example.com", "chat_transcript", chat.ticket.reference)
    assert mail.subject == f"Your chat with us [{chat.ticket.reference}]"
    assert f"[{stamp}] 홍길동: My card was charged twice\n" in mail.body
    assert ": I will check it now." in mail.body and "kim: I will check it now." in mail.body
    assert "refund team" not in mail.body
    await customer.disconnect()


async def test_transcripts_to_one_address_are_capped(settings):
    settings.TICKETS_ACKS_PER_ADDRESS = 2
    chat, token = await db(start_chat)()
    customer = await english_customer(token)
    for number in range(2):
        await customer.send_json_to({"type": "transcript", "id": f"t{number}"})
        await receive_type(customer, "ack")
    await customer.send_json_to({"type": "transcript", "id": "t2"})
    error = await receive_type(customer, "error")
    assert (error["code"], error["message"]) == (
        "too_many_transcripts",
        "The transcript has already been sent several times.",
    )
    assert await db(OutgoingEmail.objects.count)() == 2
    await customer.disconnect()
