"""The e-mails the help center sends about tickets, and how they are threaded.

Every e-mail goes to the shared outgoing queue (outbox.queue) inside the caller's transaction and
is delivered later by `send_queued_mail`, so nothing a customer or agent does waits on, or fails
because of, the mail server. A ticket's mail is queued under its reference as the thread key.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from outbox.models import AutoSubmitted, OutgoingEmail
from outbox.plaintext import render_mail
from outbox.queue import StoredFile, address_allowed, send_later, sent_in_thread
from tickets.models import Attachment, Message, Ticket


def thread_headers(ticket: Ticket) -> tuple[str, str]:
    """In-Reply-To and References for a new mail on this ticket: the ticket's mail so far, oldest
    first, so every mail client files the answer under the customer's own message."""
    messages = list(
        ticket.messages.exclude(message_id="").order_by("created_at", "pk").values_list("message_id", "author_kind")
    )
    ids = [message_id for message_id, _author in messages]
    ids += [i for i in sent_in_thread(ticket.reference) if i not in ids]
    from_customer = [message_id for message_id, author in messages if author == Message.Author.CUSTOMER]
    in_reply_to = from_customer[-1] if from_customer else (ids[-1] if ids else "")
    return in_reply_to, " ".join(ids[-20:])  # a long thread keeps its newest references


def queue(
    kind: str,
    ticket: Ticket,
    template: str,
    context: dict,
    automatic: AutoSubmitted,
    attachments: Iterable[Attachment] = (),
) -> OutgoingEmail:
    subject, body = render_mail(f"tickets/email/{template}", context, ticket.language)
    if ticket.subject_tag() not in subject:
        subject = f"{subject} {ticket.subject_tag()}"
    in_reply_to, references = thread_headers(ticket)
    return send_later(
        kind,
        ticket.requester_email,
        subject,
        body,
        automatic=automatic,
        thread=ticket.reference,
        in_reply_to=in_reply_to,
        references=references,
        attachments=[StoredFile(item.file.name, item.filename, item.content_type) for item in attachments],
    )


def acknowledge(ticket: Ticket) -> OutgoingEmail | None:
    if not address_allowed("acknowledgement", ticket.requester_email):
        return None
    context = {"ticket": ticket, "tracking_url": ticket.tracking_url()}
    return queue("acknowledgement", ticket, "acknowledgement", context, AutoSubmitted.REPLIED)


def agent_reply(ticket: Ticket, message: Message) -> OutgoingEmail:
    context = {"ticket": ticket, "message": message, "tracking_url": ticket.tracking_url()}
    email = queue("reply", ticket, "reply", context, AutoSubmitted.NO, attachments=message.attachments.all())
    # The conversation records the id its answer went out under, for threading the customer's reply.
    Message.objects.filter(pk=message.pk).update(message_id=email.message_id)
    return email


def survey_request(ticket: Ticket) -> OutgoingEmail:
    token = ticket.tracking_token()  # one link for both addresses in this mail
    context = {
        "ticket": ticket,
        "survey_url": settings.SITE_URL + _localized(ticket, "tickets:survey", token),
        "ratings": range(1, 6),
        "tracking_url": ticket.tracking_url(token),
    }
    return queue("survey", ticket, "survey", context, AutoSubmitted.GENERATED)


def tracking_link(ticket: Ticket) -> OutgoingEmail | None:
    # Sent on request by anyone who knows the reference and address: a few per hour, then silence.
    if not address_allowed("link", ticket.requester_email):
        return None
    context = {"ticket": ticket, "tracking_url": ticket.tracking_url()}
    return queue("link", ticket, "link", context, AutoSubmitted.GENERATED)


def new_link(ticket: Ticket, token: str) -> OutgoingEmail:
    # Staff replaced the request's links: always sent (no hourly cap), the old link is dead already.
    context = {"ticket": ticket, "tracking_url": ticket.tracking_url(token)}
    return queue("new-link", ticket, "new_link", context, AutoSubmitted.GENERATED)


def _localized(ticket: Ticket, name: str, *args) -> str:
    with translation.override(ticket.language):
        return reverse(name, args=args)


def merged(ticket: Ticket, old_references: list[str]) -> OutgoingEmail:
    """The customer's requests were joined into this one: the reference and link to use now."""
    context = {"ticket": ticket, "old_references": ", ".join(old_references), "tracking_url": ticket.tracking_url()}
    return queue("merged", ticket, "merged", context, AutoSubmitted.GENERATED)
