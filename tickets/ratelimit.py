"""Requests per e-mail address each hour (the per-IP limit is helpcenter.ratelimit)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tickets.models import Ticket

WINDOW = timedelta(hours=1)


def address_allowed(email: str) -> bool:
    since = timezone.now() - WINDOW
    recent = Ticket.objects.filter(requester_email__iexact=email, created_at__gte=since).count()
    return recent < settings.TICKETS_RATE_PER_ADDRESS
