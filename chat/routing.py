from __future__ import annotations

from django.urls import path

from chat.consumers import AgentConsumer, CustomerConsumer

websocket_urlpatterns = [
    path("ws/chat/", CustomerConsumer.as_asgi()),
    path("ws/chat/agent/", AgentConsumer.as_asgi()),
]
