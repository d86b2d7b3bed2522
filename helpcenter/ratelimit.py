"""How many public form submissions one IP address may make per hour, counted in the cache."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW = timedelta(hours=1)


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy, set it to pass the client's address in REMOTE_ADDR (for example with
    # gunicorn's --forwarded-allow-ips); X-Forwarded-For from the outside is not trusted here.
    return request.META.get("REMOTE_ADDR", "")


def _ip_key(ip: str) -> str:
    return "helpcenter:ratelimit:ip:" + hashlib.sha256(ip.encode()).hexdigest()[:32]


def ip_allowed(request: HttpRequest) -> bool:
    return (cache.get(_ip_key(client_ip(request))) or 0) < settings.TICKETS_RATE_PER_IP


def count_ip(request: HttpRequest) -> None:
    key = _ip_key(client_ip(request))
    if cache.add(key, 1, int(WINDOW.total_seconds())):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, int(WINDOW.total_seconds()))
