"""The chat's JSON protocol (docs/chat-protocol.md): what a client may send, how a message looks on
the wire, and how many messages a connection may send per minute."""

from __future__ import annotations

import time
from collections import deque

from django.conf import settings
from django.utils.translation import gettext as _

from chat.models import Chat, ChatRefused, Stored
from tickets.models import Attachment, Message

CUSTOMER_TYPES = {"history", "message", "typing", "read", "end", "rating", "transcript"}
AGENT_TYPES = {"history", "message", "typing", "read", "end", "open", "accept", "note", "transfer", "availability"}
MAX_FRAME_CHARS = 16_000  # a frame far beyond any message the limit allows is not even parsed


def parse(content: object, allowed: set[str]) -> dict:
    """One client frame checked for shape: an object with a known type and an id of at most 64 characters."""
    if not isinstance(content, dict):
        raise ChatRefused("bad_frame", _("Each frame is a JSON object."))
    kind = content.get("type")
    if kind not in allowed:
        raise ChatRefused("bad_type", _("Unknown message type."))
    client_id = content.get("id")
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= 64:
        raise ChatRefused("bad_id", _("Each message needs an id (1 to 64 characters)."))
    return content


def chat_id_of(content: dict) -> int:
    value = content.get("chat")
    if not isinstance(value, int) or isinstance(value, bool):
        raise ChatRefused("bad_chat", _("Say which chat (its number)."))
    return value


class Budget:
    """At most CHAT_MESSAGES_PER_MINUTE frames in any sliding minute, per connection."""

    def __init__(self, per_minute: int | None = None) -> None:
        self.per_minute = per_minute or settings.CHAT_MESSAGES_PER_MINUTE
        self.sent: deque[float] = deque()

    def spend(self) -> None:
        now = time.monotonic()
        while self.sent and self.sent[0] <= now - 60:
            self.sent.popleft()
        if len(self.sent) >= self.per_minute:
            raise ChatRefused("rate_limited", _("You are sending messages too fast. Wait a moment."))
        self.sent.append(now)


def attachment_payload(attachment: Attachment) -> dict:
    # No address: the customer and the agent download through different doors (docs/chat-protocol.md).
    return {"id": attachment.pk, "name": attachment.filename, "size": attachment.size, "type": attachment.content_type}


def message_payload(message: Message, attachments: list[Attachment] | None = None) -> dict:
    """`attachments`: the message's files when the caller has them (a message just stored);
    otherwise they are read from it (prefetched in a history)."""
    if message.author_kind == Message.Author.AGENT and message.author is not None:
        name = message.author.get_short_name() or message.author.get_username()
    elif message.author_kind == Message.Author.CUSTOMER:
        name = message.ticket.requester_name
    else:
        name = ""
    try:
        client_id = message.chat_entry.client_id
    except Message.chat_entry.RelatedObjectDoesNotExist:
        client_id = None
    return {
        "id": message.pk,
        "client_id": client_id,
        "author": message.author_kind,
        "name": name,
        "text": message.text_for_customer,
        "internal": message.is_internal,
        "sent_at": message.created_at.isoformat(),
        "attachments": [
            attachment_payload(a) for a in (message.attachments.all() if attachments is None else attachments)
        ],
    }


def chat_payload(chat: Chat) -> dict:
    agent = chat.agent
    return {
        "id": chat.pk,
        "reference": chat.ticket.reference,
        "state": chat.state,
        "topic": chat.topic,
        "customer": chat.ticket.requester_name or chat.ticket.requester_email,
        "agent": (agent.get_short_name() or agent.get_username()) if agent else None,
        "position": chat.queue_position(),
        "rating": chat.rating,
        "customer_read_up_to": chat.customer_read_up_to,
        "agent_read_up_to": chat.agent_read_up_to,
    }


def stored_payload(chat: Chat, stored: Stored) -> dict:
    """What a socket or the upload view needs after storing a message: the message for the ack,
    whether it is new (a resend is not announced again), and where to announce it."""
    return {
        "chat": chat.pk,
        "agent": chat.agent_id,
        "created": stored.created,
        "message": message_payload(stored.message, stored.attachments),
    }
