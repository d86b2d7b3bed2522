"""Turning a received e-mail into a ticket or into the next message of one.

Threading rule: a message names an existing ticket when its In-Reply-To or References names any
Message-ID that ticket has received or sent, or when its subject carries the ticket's reference in
any of the forms people type ([HC-XXXXXXX], #HC-XXXXXXX or a bare HC-XXXXXXX). It joins that
ticket only when its sender is the requester or already wrote on the conversation: anyone else
could otherwise add to, reopen and read along on a stranger's request. Mail from anyone else, and
replies to a closed ticket, open a new ticket linked to the one they named. The same Message-ID is
stored once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from helpcenter.filestore import FilesWritten
from helpcenter.privacy import REFERENCE_ALPHABET
from outbox.queue import thread_of
from tickets import notifications
from tickets.mail.parse import ParsedEmail, parse_email
from tickets.models import Attachment, Message, Ticket

# [HC-…], #HC-…, (HC-…) or a bare HC-…: the reference as a word of its own.
REFERENCE = re.compile(rf"(?<![A-Za-z0-9])HC-([{REFERENCE_ALPHABET}]{{7}})(?![A-Za-z0-9])", re.IGNORECASE)
# The tag as we write it, and how customers retype it, removed from a new ticket's subject.
_REFERENCE_IN_SUBJECT = re.compile(rf"[\[#(]?{REFERENCE.pattern}[\])]?", re.IGNORECASE)
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


def named_reference(subject: str) -> str:
    """The first ticket reference a subject names, upper-cased, or ""."""
    match = REFERENCE.search(subject)
    return f"HC-{match.group(1).upper()}" if match else ""


def find_thread(parsed: ParsedEmail) -> Ticket | None:
    """The ticket this message names, by its threading headers or by the reference in its subject;
    a merged ticket's mail goes on in the ticket it was merged into."""
    named = _named_ticket(parsed)
    return named.surviving() if named else None


def _named_ticket(parsed: ParsedEmail) -> Ticket | None:
    ids = [i for i in parsed.in_reply_to + parsed.references if i]
    if ids:
        message = Message.objects.filter(message_id__in=ids).select_related("ticket").order_by("-pk").first()
        if message is not None:
            return message.ticket
        sent = Ticket.objects.filter(reference=thread_of(ids)).first()
        if sent is not None:
            return sent
    reference = named_reference(parsed.subject)
    return Ticket.objects.filter(reference=reference).first() if reference else None


def _language_of(text: str) -> str:
    return "ko" if re.search(r"[\uac00-\ud7a3]", text) else "en"


def _store_attachments(message: Message, parsed: ParsedEmail, files: FilesWritten) -> list[str]:
    skipped = []
    for item in parsed.attachments:
        if len(item.data) > MAX_EMAIL_ATTACHMENT_BYTES:
            skipped.append(item.filename)
            continue
        # The name as the sender gave it: Attachment.save() makes it safe and short, keeping its extension.
        attachment = Attachment(
            message=message, filename=item.filename, content_type=item.content_type[:100], size=len(item.data)
        )
        files.save(attachment.file, item.filename, ContentFile(item.data))
        attachment.save()
    return skipped


def ingest(raw: bytes) -> IngestResult:
    """Store one RFC 5322 message, all of it or nothing (rows and files). Raises parse.NotAnEmail
    for input that can never be accepted, and lets database and storage errors through so the
    caller can ask the MTA to retry; only a real duplicate Message-ID is ignored."""
    parsed = parse_email(raw)
    if parsed.is_bounce or parsed.is_auto_reply:
        return IngestResult("ignored", reason=parsed.auto_reason or "automatic message")
    if parsed.from_address == settings.SUPPORT_EMAIL.strip().lower():
        return IngestResult("ignored", reason="sent by the help center itself")
    duplicate = _duplicate(parsed)
    if duplicate is not None:
        return duplicate
    try:
        with FilesWritten() as files, transaction.atomic():
            return _store(parsed, files)
    except IntegrityError:
        # The same message delivered twice at the same moment: the other delivery stored it. Any
        # other constraint failure is not a duplicate and must reach the caller, so the MTA retries.
        duplicate = _duplicate(parsed)
        if duplicate is None:
            raise
        return duplicate


def _duplicate(parsed: ParsedEmail) -> IngestResult | None:
    if not parsed.message_id:
        return None
    known = Message.objects.filter(message_id=parsed.message_id).select_related("ticket").first()
    if known is None:
        return None
    return IngestResult("ignored", reason=f"duplicate of a message in {known.ticket.reference}")


def _store(parsed: ParsedEmail, files: FilesWritten) -> IngestResult:
    # The raw bytes are not kept: card numbers inside encoded MIME could not be masked there. The
    # decoded full text (full_body) is the original an agent can unfold, masked like everything else.
    named = find_thread(parsed)
    fields = {
        "full_body": parsed.text,
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to[-1] if parsed.in_reply_to else "",  # the one it answers
        "references": " ".join(parsed.references),
        "sender_email": parsed.from_address,
        "recipients": " ".join(a for a in parsed.to if a != settings.SUPPORT_EMAIL.strip().lower()),
    }
    body = parsed.new_text or parsed.text or gettext("(no text)")
    may_join = named is not None and named.is_on_conversation(parsed.from_address)
    if may_join and named.status != Ticket.Status.CLOSED:
        message = named.add_customer_message(body, **fields)
        _note_skipped(message, _store_attachments(message, parsed, files))
        return IngestResult("appended", named.reference)

    language = _language_of(parsed.subject + parsed.text)
    subject = parsed.subject or gettext("(no subject)")
    if named is not None:
        subject = " ".join(_REFERENCE_IN_SUBJECT.sub(" ", subject).split()) or subject
    new = Ticket.objects.create(
        subject=subject[:200],
        requester_name=parsed.from_name[:100],
        requester_email=parsed.from_address,
        channel=Ticket.Channel.EMAIL,
        language=language,
        linked_ticket=named,
    )
    if may_join:  # the requester answering a closed request: a follow-up, said in the conversation
        body = gettext("Follow-up to %(reference)s:") % {"reference": named.reference} + "\n\n" + body
    message = Message.objects.create(ticket=new, author_kind=Message.Author.CUSTOMER, body=body, **fields)
    _note_skipped(message, _store_attachments(message, parsed, files))
    if named is not None and not may_join:
        # Only agents see this; the sender is told nothing about the other request.
        Message.objects.create(
            ticket=new,
            author_kind=Message.Author.SYSTEM,
            is_internal=True,
            body=gettext("This mail named %(reference)s, but %(sender)s is not on that conversation.")
            % {"reference": named.reference, "sender": parsed.from_address},
        )
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
