"""Turning a received e-mail into a ticket or into the next message of one.

Threading rule: a message joins an existing ticket when its In-Reply-To or References names any
Message-ID that ticket has received or sent, or when its subject carries the ticket's reference
tag ([HC-XXXXXXX]); otherwise it opens a new ticket. The same Message-ID is stored once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from outbox.queue import thread_of
from tickets import notifications
from tickets.mail.parse import ParsedEmail, parse_email
from tickets.models import Attachment, Message, Ticket

REFERENCE_TAG = re.compile(r"\[(HC-[2-9A-HJKMNP-Z]{7})\]", re.IGNORECASE)
MAX_EMAIL_ATTACHMENT_BYTES = 25 * 1024 * 1024


@dataclass
class IngestResult:
    action: str  # created, appended or ignored
    reference: str = ""
    reason: str = ""

    def __str__(self) -> str:
        if self.action == "ignored":
            return f"ignored {self.reason}"
        return f"{self.action} {self.reference}"


def find_thread(parsed: ParsedEmail) -> Ticket | None:
    ids = [i for i in parsed.in_reply_to + parsed.references if i]
    if ids:
        message = Message.objects.filter(message_id__in=ids).select_related("ticket").order_by("-pk").first()
        if message is not None:
            return message.ticket
        sent = Ticket.objects.filter(reference=thread_of(ids)).first()
        if sent is not None:
            return sent
    tag = REFERENCE_TAG.search(parsed.subject)
    if tag:
        return Ticket.objects.filter(reference=tag.group(1).upper()).first()
    return None


def _language_of(text: str) -> str:
    return "ko" if re.search(r"[\uac00-\ud7a3]", text) else "en"


def _store_attachments(message: Message, parsed: ParsedEmail) -> list[str]:
    skipped = []
    for item in parsed.attachments:
        if len(item.data) > MAX_EMAIL_ATTACHMENT_BYTES:
            skipped.append(item.filename)
            continue
        attachment = Attachment(
            message=message, filename=item.filename[:255], content_type=item.content_type[:100], size=len(item.data)
        )
        attachment.file.save(item.filename, ContentFile(item.data), save=False)
        attachment.save()
    return skipped


def ingest(raw: bytes) -> IngestResult:
    """Store one RFC 5322 message. Raises parse.NotAnEmail for input that can never be accepted,
    and lets database and storage errors through so the caller can ask the MTA to retry."""
    parsed = parse_email(raw)
    if parsed.is_bounce or parsed.is_auto_reply:
        return IngestResult("ignored", reason=parsed.auto_reason or "automatic message")
    if parsed.from_address == settings.SUPPORT_EMAIL.lower():
        return IngestResult("ignored", reason="sent by the help center itself")
    if parsed.message_id:
        known = Message.objects.filter(message_id=parsed.message_id).select_related("ticket").first()
        if known is not None:
            return IngestResult("ignored", reason=f"duplicate of a message in {known.ticket.reference}")
    try:
        with transaction.atomic():
            return _store(parsed)
    except IntegrityError:
        # The same message delivered twice at the same moment: the other delivery stored it.
        return IngestResult("ignored", reason=f"duplicate message {parsed.message_id}")


def _store(parsed: ParsedEmail) -> IngestResult:
    # The raw bytes are not kept: card numbers inside encoded MIME could not be masked there. The
    # decoded full text (full_body) is the original an agent can unfold, masked like everything else.
    ticket = find_thread(parsed)
    fields = {
        "full_body": parsed.text,
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to[-1] if parsed.in_reply_to else "",  # the one it answers
        "references": " ".join(parsed.references),
    }
    body = parsed.new_text or parsed.text or gettext("(no text)")
    if ticket is not None and ticket.status != Ticket.Status.CLOSED:
        message = ticket.add_customer_message(body, **fields)
        skipped = _store_attachments(message, parsed)
        _note_skipped(message, skipped)
        return IngestResult("appended", ticket.reference)

    language = _language_of(parsed.subject + parsed.text)
    subject = parsed.subject or gettext("(no subject)")
    if ticket is not None:  # a reply to a closed request opens a follow-up
        subject = REFERENCE_TAG.sub("", subject).strip() or subject
    new = Ticket.objects.create(
        subject=subject[:200],
        requester_name=parsed.from_name[:100],
        requester_email=parsed.from_address,
        channel=Ticket.Channel.EMAIL,
        language=language,
    )
    if ticket is not None:
        body = gettext("Follow-up to %(reference)s:") % {"reference": ticket.reference} + "\n\n" + body
    message = Message.objects.create(ticket=new, author_kind=Message.Author.CUSTOMER, body=body, **fields)
    _note_skipped(message, _store_attachments(message, parsed))
    notifications.acknowledge(new)
    return IngestResult("created", new.reference)


def _note_skipped(message: Message, skipped: list[str]) -> None:
    if skipped:
        Message.objects.create(
            ticket=message.ticket,
            author_kind=Message.Author.SYSTEM,
            is_internal=True,
            body=gettext("Attachments too large to keep (over 25 MB): %(names)s") % {"names": ", ".join(skipped)},
        )
