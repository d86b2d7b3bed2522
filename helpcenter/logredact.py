"""Private links out of the logs: a logging filter that replaces their tokens before any handler
writes a line.

A token in a log file opens the customer's request for whoever reads the file (an operator, a log
service, a backup). Access logs name every path, and Django logs the path of every 404 and 403,
so the tokens are cut out of every record: Django's loggers, the ASGI server's access log
(uvicorn.access, whose record arguments are the client, method, path, version and status), and
anything else that reaches the root handler.
"""

from __future__ import annotations

import logging
import re

from django.urls import NoReverseMatch, reverse
from django.utils import translation

REDACTED = "[private]"
PLACEHOLDER = "TOKEN"
# Loggers that name request paths. A filter on the logger itself rewrites the record before any
# handler sees it: the root one, Django's own "django" console and mail handlers, uvicorn's.
PATH_LOGGERS = [
    "django.request",
    "django.server",
    "django.security.csrf",
    "django.channels.server",
    "uvicorn.access",
    "uvicorn.error",
    "daphne.server",
]

_pattern: re.Pattern[str] | None = None


def _private_link_pattern() -> re.Pattern[str] | None:
    """The paths of every PrivateLink (/requests/…, /refunds/status/…) up to their token, whatever
    the language prefix; None while the kinds or the URLconf are not loaded yet."""
    global _pattern
    if _pattern is not None:
        return _pattern
    from helpcenter.privacy import KINDS

    prefixes = []
    try:
        with translation.override(None):
            for kind in KINDS:
                path = reverse(kind.url_name, args=[PLACEHOLDER])
                prefix = path.split(PLACEHOLDER, 1)[0]
                prefixes.append(re.sub(r"^/[a-z]{2}(?:-[a-z]+)?/", "/", prefix))
    except (NoReverseMatch, ImportError):
        return None
    if not prefixes:
        return None
    alternatives = "|".join(re.escape(prefix) for prefix in sorted(set(prefixes), key=len, reverse=True))
    # 16 characters or more: every token (43 random ones, or a longer signed one), not /requests/find/.
    _pattern = re.compile(rf"({alternatives})[^/?#\s\"'<>]{{16,}}")
    return _pattern


def redact(text: str) -> str:
    pattern = _private_link_pattern()
    return pattern.sub(rf"\1{REDACTED}", text) if pattern else text


def _redact_value(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


class RedactPrivateLinks(logging.Filter):
    """Never drops a record; rewrites its message and string arguments in place, so formatters that
    unpack the arguments (uvicorn's access formatter) still find them where they expect."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(value) for value in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        return True


def install() -> None:
    """On the loggers that name paths (settings.LOGGING also filters the root handler, for the rest)."""
    for name in PATH_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactPrivateLinks) for existing in logger.filters):
            logger.addFilter(RedactPrivateLinks())
