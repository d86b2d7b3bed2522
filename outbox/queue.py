"""Queueing mail for the worker, and the rules every sender shares: one Message-ID domain, the
hourly cap per address, and what a conversation has already been sent.

Call these inside your own transaction: the row is only ever delivered if what it tells about
was saved too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.utils import timezone

from outbox.models import AutoSubmitted, OutgoingEmail

CAP_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class StoredFile:
    """A file in the default storage to send along: its storage name, and what the recipient sees."""

    name: str
    filename: str
    content_type: str


def new_message_id() -> str:
    return make_msgid(idstring="hc", domain=settings.SUPPORT_EMAIL.rsplit("@", 1)[-1])


def send_later(
    kind: str,
    to: str,
    subject: str,
    body: str,
    *,
    automatic: AutoSubmitted = AutoSubmitted.NO,
    thread: str = "",
    in_reply_to: str = "",
    references: str = "",
    attachments: Iterable[StoredFile] = (),
    message_id: str = "",
) -> OutgoingEmail:
    """Queue one e-mail. `automatic` is its RFC 3834 Auto-Submitted value: GENERATED for notices
    a machine wrote, REPLIED for automatic answers to a received message, NO for a person's mail."""
    return OutgoingEmail.objects.create(
        kind=kind,
        to=to,
        subject=" ".join(subject.split())[:255],
        body=body,
        auto_submitted=AutoSubmitted(automatic),
        thread=thread,
        message_id=message_id or new_message_id(),
        in_reply_to=in_reply_to,
        references=references,
        attachments=[asdict(item) for item in attachments],
    )


def sent_recently(kind: str, address: str) -> int:
    """How many e-mails of this kind were queued for this address in the last hour."""
    since = timezone.now() - CAP_WINDOW
    return OutgoingEmail.objects.filter(kind=kind, to__iexact=address, created_at__gte=since).count()


def address_allowed(kind: str, address: str) -> bool:
    """Mail that anyone can make us send (an acknowledgement, a "send my link again") goes to one
    address a few times an hour at most: loop safety (RFC 3834) and no mail-bombing through us."""
    return sent_recently(kind, address) < settings.TICKETS_ACKS_PER_ADDRESS


def sent_in_thread(thread: str) -> list[str]:
    """The Message-IDs queued in one conversation, oldest first."""
    if not thread:
        return []
    return list(
        OutgoingEmail.objects.filter(thread=thread).order_by("created_at", "pk").values_list("message_id", flat=True)
    )


def thread_of(message_ids: Iterable[str]) -> str:
    """The conversation one of these Message-IDs was sent in ("" when none was ours)."""
    found = (
        OutgoingEmail.objects.filter(message_id__in=list(message_ids))
        .exclude(thread="")
        .values_list("thread", flat=True)
    )
    return found.first() or ""
