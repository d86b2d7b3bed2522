"""The e-mails the help center sends about tickets, and how they are threaded.

Every e-mail is written to the OutgoingEmail queue inside the caller's transaction and delivered
later by `send_queued_mail` (tickets/mail/outgoing.py), so nothing a customer or agent does waits
on, or fails because of, the mail server.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tickets.models import Message, OutgoingEmail, Ticket


def _domain() -> str:
    return settings.SUPPORT_EMAIL.rsplit("@", 1)[-1]


def new_message_id() -> str:
    return make_msgid(idstring="hc", domain=_domain())


def thread_headers(ticket: Ticket) -> tuple[str, str]:
    """In-Reply-To and References for a new mail on this ticket: the ticket's mail so far, oldest
    first, so every mail client files the answer under the customer's own message."""
    messages = list(
        ticket.messages.exclude(message_id="").order_by("created_at", "pk").values_list("message_id", "author_kind")
    )
    ids = [message_id for message_id, _author in messages]
    ids += [i for i in ticket.emails.order_by("created_at", "pk").values_list("message_id", flat=True) if i not in ids]
    from_customer = [message_id for message_id, author in messages if author == Message.Author.CUSTOMER]
    in_reply_to = from_customer[-1] if from_customer else (ids[-1] if ids else "")
    return in_reply_to, " ".join(ids[-20:])  # a long thread keeps its newest references


def queue(kind: str, ticket: Ticket | None, to: str, template: str, context: dict, attachment_ids=()) -> OutgoingEmail:
    language = ticket.language if ticket else translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"tickets/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"tickets/email/{template}.txt", context)
    if ticket is not None and ticket.subject_tag() not in subject:
        subject = f"{subject} {ticket.subject_tag()}"
    in_reply_to, references = thread_headers(ticket) if ticket else ("", "")
    return OutgoingEmail.objects.create(
        ticket=ticket,
        kind=kind,
        to=to,
        subject=" ".join(subject.split())[:255],
        body=body,
        message_id=new_message_id(),
        in_reply_to=in_reply_to,
        references=references,
        attachment_ids=list(attachment_ids),
    )


def recently_sent(kind: str, address: str) -> int:
    """How many automatic e-mails of this kind went to this address in the last hour."""
    since = timezone.now() - timedelta(hours=1)
    return OutgoingEmail.objects.filter(kind=kind, to__iexact=address, created_at__gte=since).count()


def acknowledgements_allowed(address: str) -> bool:
    """RFC 3834 loop safety: at most a few automatic answers per address per hour."""
    return recently_sent("acknowledgement", address) < settings.TICKETS_ACKS_PER_ADDRESS


def acknowledge(ticket: Ticket) -> OutgoingEmail | None:
    if not acknowledgements_allowed(ticket.requester_email):
        return None
    return queue(
        "acknowledgement",
        ticket,
        ticket.requester_email,
        "acknowledgement",
        {"ticket": ticket, "tracking_url": ticket.tracking_url()},
    )


def agent_reply(ticket: Ticket, message: Message) -> OutgoingEmail:
    email = queue(
        "reply",
        ticket,
        ticket.requester_email,
        "reply",
        {"ticket": ticket, "message": message, "tracking_url": ticket.tracking_url()},
        attachment_ids=list(message.attachments.values_list("pk", flat=True)),
    )
    # The conversation records the id its answer went out under, for threading the customer's reply.
    Message.objects.filter(pk=message.pk).update(message_id=email.message_id)
    return email


def survey_request(ticket: Ticket) -> OutgoingEmail:
    survey_path = _localized(ticket, "tickets:survey", ticket.tracking_token())
    return queue(
        "survey",
        ticket,
        ticket.requester_email,
        "survey",
        {
            "ticket": ticket,
            "survey_url": settings.SITE_URL + survey_path,
            "ratings": range(1, 6),
            "tracking_url": ticket.tracking_url(),
        },
    )


def tracking_link(ticket: Ticket) -> OutgoingEmail:
    return queue(
        "link", ticket, ticket.requester_email, "link", {"ticket": ticket, "tracking_url": ticket.tracking_url()}
    )


def _localized(ticket: Ticket, name: str, *args) -> str:
    with translation.override(ticket.language):
        return reverse(name, args=args)


def send_later(kind: str, to: str, subject: str, body: str) -> OutgoingEmail:
    """Queue a stand-alone e-mail (not part of a ticket's thread) for the mail worker."""
    return OutgoingEmail.objects.create(
        kind=kind, to=to, subject=" ".join(subject.split())[:255], body=body, message_id=new_message_id()
    )
