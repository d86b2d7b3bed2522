"""What the channel layer carries: short notices of what the database already holds, sent to
one group per chat ("chat.<id>"), one per agent ("chat.agent.<id>") and one for all agents."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from chat.models import Chat
from chat.protocol import chat_payload, message_payload
from tickets.models import Message

AGENTS_GROUP = "chat.agents"


def chat_group(chat_id: int) -> str:
    return f"chat.{chat_id}"


def agent_group(agent_id: int) -> str:
    return f"chat.agent.{agent_id}"


def _send(group: str, event: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(group, event)


def message_stored(chat: Chat, message: Message, origin: str = "") -> None:
    event = {"type": "chat.message", "chat": chat.pk, "message": message_payload(message), "origin": origin}
    _send(chat_group(chat.pk), event)
    if chat.agent_id:
        # The agent's other admin pages light up, even when they are not looking at this chat.
        _send(agent_group(chat.agent_id), {**event, "type": "chat.signal"})


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
