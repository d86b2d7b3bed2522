"""What the channel layer carries: short notices of what the database already holds, sent to
one group per chat ("chat.<id>"), one per agent ("chat.agent.<id>") and one for all agents.

The layer may be gone (Redis restarting): a notice that cannot be sent is logged and dropped, never
raised, because what it announces is already stored and every client reads the history when it
(re)connects."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from chat.layers import LAYER_ERRORS
from chat.models import Chat
from chat.protocol import chat_payload

AGENTS_GROUP = "chat.agents"

logger = logging.getLogger(__name__)


def chat_group(chat_id: int) -> str:
    return f"chat.{chat_id}"


def agent_group(agent_id: int) -> str:
    return f"chat.agent.{agent_id}"


async def send_to_group(layer, group: str, event: dict) -> bool:
    """The notice, or False (logged) when the layer cannot take it now."""
    try:
        await layer.group_send(group, event)
    except LAYER_ERRORS as error:
        logger.warning("chat: channel layer unavailable, %s not announced to %s: %r", event["type"], group, error)
        return False
    return True


def _send(group: str, event: dict) -> None:
    async_to_sync(send_to_group)(get_channel_layer(), group, event)


async def announce_message(layer, chat_id: int, agent_id: int | None, payload: dict, origin: str = "") -> None:
    """A stored message (`protocol.message_payload`) to everyone in the chat, and a signal to the
    chat's agent: their other admin pages light up, even when they are not looking at this chat."""
    event = {"type": "chat.message", "chat": chat_id, "message": payload, "origin": origin}
    if await send_to_group(layer, chat_group(chat_id), event) and agent_id:
        await send_to_group(layer, agent_group(agent_id), {**event, "type": "chat.signal"})


def message_stored(chat: Chat, payload: dict, origin: str = "") -> None:
    """announce_message from synchronous code (an HTTP view, a database thread)."""
    async_to_sync(announce_message)(get_channel_layer(), chat.pk, chat.agent_id, payload, origin)


def state_changed(chat: Chat) -> None:
    _send(chat_group(chat.pk), {"type": "chat.state", "chat": chat_payload(chat)})
    if chat.agent_id:
        _send(agent_group(chat.agent_id), {"type": "chat.assigned", "chat": chat_payload(chat)})


def queue_changed(assigned: list[Chat] = ()) -> None:
    """After a chat starts, is taken or ends: the assigned chats' new state, every waiting
    customer's place in the queue, and the queue the agents see."""
    for chat in assigned:
        state_changed(chat)
    for chat in Chat.objects.waiting().select_related("ticket", "agent"):
        _send(chat_group(chat.pk), {"type": "chat.state", "chat": chat_payload(chat)})
    _send(AGENTS_GROUP, {"type": "chat.queue"})


def customer_revoked(chat: Chat) -> None:
    """The customer's token was replaced: their open socket closes."""
    _send(chat_group(chat.pk), {"type": "chat.revoked", "chat": chat.pk})
