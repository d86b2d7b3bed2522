from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from tickets.models import Ticket

TILE = re.compile(
    r'<a class="console-tile" href="([^"]+)"><span class="console-count">(\d+)</span> <span class="console-label">([^<]+)</span>'
)


def member(username: str, group: str | None = None):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def tiles(page: str) -> dict[str, tuple[int, str]]:
    """The dashboard's numbers as the page shows them: label -> (count, link)."""
    return {label: (int(count), url.replace("&amp;", "&")) for url, count, label in TILE.findall(page)}


def ticket(subject: str = "결제 문의", *, assignee=None, status: str = "open", days_old: float = 0, **fields) -> Ticket:
    return Ticket.objects.create(
        subject=subject,
        requester_email=fields.pop("requester_email", "hong@example.com"),
        status=status,
        assignee=assignee,
        created_at=timezone.now() - timedelta(days=days_old),
        **fields,
    )


@pytest.fixture
def alice(db):
    return member("alice", "Agents")


@pytest.fixture
def bob(db):
    return member("bob", "Agents")
