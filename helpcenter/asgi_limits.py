"""A cap on request bodies at the ASGI level, where Django cannot see it.

Django's ASGI handler reads the whole body into a temporary file before any middleware runs, and a
chunked upload carries no Content-Length to judge it by: without this, one request can fill the
disk. The body is cut at HELPCENTER_MAX_REQUEST_BYTES (or not read at all when the declared length
is already over), and the request is marked so that RequestSizeLimitMiddleware answers 413 in the
visitor's language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

TOO_LARGE = "helpcenter.body_too_large"


def declared_length(scope: dict[str, Any]) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class RequestBodyLimit:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.HELPCENTER_MAX_REQUEST_BYTES
        scope = {**scope, TOO_LARGE: (declared_length(scope) or 0) > limit}
        received = 0
        body_ended = False

        async def limited_receive():
            nonlocal received, body_ended
            if body_ended:
                # Django listens for the client leaving once it has the body: skip whatever of a
                # refused body the client still sends, and pass on only the disconnect.
                while (message := await receive())["type"] == "http.request":
                    pass
                return message
            if scope[TOO_LARGE]:  # declared too large: not a byte of it is read
                body_ended = True
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    scope[TOO_LARGE] = body_ended = True
                    return {"type": "http.request", "body": b"", "more_body": False}
                body_ended = not message.get("more_body", False)
            return message

        return await self.app(scope, limited_receive, send)
