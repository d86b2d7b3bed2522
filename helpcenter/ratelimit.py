"""How many public form submissions (and chat files) one client may make per hour: one call, `allow()`, for every form.

The counters live in the database (helpcenter.models.RateCounter), shared by every server process
whatever the cache, so the limit is the same with one worker or many. Each count is one statement
(an insert that adds one on conflict), so two processes counting at once never lose a hit.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone

from helpcenter.models import RateCounter


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy, set it to pass the client's address in REMOTE_ADDR (for example with
    # gunicorn's --forwarded-allow-ips); X-Forwarded-For from the outside is not trusted here.
    return request.META.get("REMOTE_ADDR", "")


def _counter(kind: str, value: str) -> str:
    # Hashed: the table must not become a log of who wrote to us from where.
    return f"{kind}:" + hashlib.sha256(f"{kind}:{value.strip().lower()}".encode()).hexdigest()[:40]


def _count(counter: str, hour: int) -> int:
    """Add one to the counter for this hour and return its new value."""
    connection = connections[router.db_for_write(RateCounter)]
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        # INSERT … ON CONFLICT … RETURNING: PostgreSQL and SQLite 3.35+ alike.
        cursor.execute(
            f"INSERT INTO {table} (counter, hour, hits) VALUES (%s, %s, 1) "
            f"ON CONFLICT (counter, hour) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [counter, hour],
        )
        hits = cursor.fetchone()[0]
    if hits == 1:  # the first hit of a new hour: forget the hours that no longer count
        RateCounter.objects.filter(hour__lt=hour - 1).delete()
    return hits


def allow(
    request: HttpRequest,
    address: str | None = None,
    *,
    kind: str = "",
    per_ip: int | None = None,
    per_address: int | None = None,
) -> bool:
    """Count one submission from this client (its IP address, and the e-mail address it gives, if any)
    and say whether it is within the hourly limits. Refused attempts count too: hammering a form
    does not earn a retry sooner. Limits: HELPCENTER_RATE_PER_IP and HELPCENTER_RATE_PER_ADDRESS.

    Something counted apart from the form submissions (files sent in a chat) names its `kind` and
    its own limits: a customer who sends many files still gets to use the forms, and the reverse."""
    hour = int(timezone.now().timestamp() // 3600)  # clock hours: one row per client and hour
    prefix = f"{kind}-" if kind else ""  # the forms' counters keep the names they always had
    per_ip = settings.HELPCENTER_RATE_PER_IP if per_ip is None else per_ip
    per_address = settings.HELPCENTER_RATE_PER_ADDRESS if per_address is None else per_address
    allowed = _count(_counter(f"{prefix}ip", client_ip(request)), hour) <= per_ip
    if address:
        allowed = _count(_counter(f"{prefix}address", address), hour) <= per_address and allowed
    return allowed
