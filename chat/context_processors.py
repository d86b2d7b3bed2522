from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from chat.hours import chat_channel, chat_is_open
from tickets.models import Ticket


def _widget_state() -> dict:
    channel = chat_channel()  # one query, shared by both answers
    return {"channel": channel, "open": chat_is_open(channel=channel)}


def chat_widget(request: HttpRequest) -> dict:
    # Lazy: only the public pages that show the button ask whether chat is open.
    return {
        "chat_widget": SimpleLazyObject(_widget_state),
        "chat_topics": Ticket.Topic.choices,
        "chat_max_chars": settings.CHAT_MAX_MESSAGE_CHARS,
    }
