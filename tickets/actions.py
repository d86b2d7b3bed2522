"""What customers and agents do to a ticket, with the e-mail each action sends.

The ticket's own state rules are methods on Ticket; this module adds the side effects (files,
notifications), so the web pages, the admin and the commands all act through the same functions.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from helpcenter.filestore import FilesWritten
from helpcenter.languages import current_language
from tickets import notifications
from tickets.models import Attachment, Message, SuggestionClick, Ticket


def attach(message: Message, uploads, files: FilesWritten) -> list[Attachment]:
    """Store checked uploads (helpcenter.uploads.validate_uploads) as the message's attachments."""
    attachments = []
    for upload, content_type in uploads:
        attachment = Attachment(message=message, filename=upload.name, content_type=content_type, size=upload.size)
        files.save(attachment.file, upload.name, upload)
        attachment.save()
        attachments.append(attachment)
    return attachments


def _open_once(form, fill) -> Ticket:
    """Save the form's ticket, then `fill(ticket, files)` adds its messages, all in one transaction.
    The same submission twice (a double click) makes one ticket and one acknowledgement: the second
    insert breaks the unique submission key, and the ticket the first one made is returned."""
    key = form.submission_key()
    try:
        with FilesWritten() as files, transaction.atomic():
            ticket = form.save(commit=False)
            ticket.submission_key = key
            ticket.language = current_language()
            fill(ticket, files)
            notifications.acknowledge(ticket)
    except IntegrityError:
        existing = Ticket.objects.filter(submission_key=key).first()
        if existing is None:
            raise
        return existing
    return ticket


def open_from_web_form(form, visitor: str = "") -> Ticket:
    """The contact form: a ticket, the customer's first message with files, an acknowledgement."""

    def fill(ticket: Ticket, files: FilesWritten) -> None:
        ticket.channel = Ticket.Channel.WEB
        ticket.save()
        message = Message.objects.create(
            ticket=ticket, author_kind=Message.Author.CUSTOMER, body=form.cleaned_data["description"]
        )
        attach(message, form.cleaned_data.get("attachments") or [], files)
        if visitor:
            SuggestionClick.objects.filter(visitor=visitor, submitted_anyway=False).update(submitted_anyway=True)

    return _open_once(form, fill)


def open_callback_request(form) -> Ticket:
    def fill(ticket: Ticket, files: FilesWritten) -> None:
        ticket.channel = Ticket.Channel.PHONE
        ticket.save()
        Message.objects.create(
            ticket=ticket,
            author_kind=Message.Author.CUSTOMER,
            body=gettext("Call-back requested: %(number)s, %(time)s")
            % {"number": ticket.callback_number, "time": ticket.callback_time}
            + f"\n\n{ticket.subject}",
        )

    return _open_once(form, fill)


def customer_reply(ticket: Ticket, body: str, uploads) -> Message:
    with FilesWritten() as files, transaction.atomic():
        message = ticket.add_customer_message(body)
        attach(message, uploads, files)
    return message


def solve(ticket: Ticket, by_customer: bool = False) -> bool:
    """Mark solved and ask the customer for a rating; False when it already was solved or closed."""
    if ticket.status in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
        return False
    with transaction.atomic():
        ticket.mark_solved()
        if by_customer:
            with translation.override(ticket.language):  # what agents read; the page shows the event
                note = gettext("You marked this request as solved.")
            Message.objects.create(
                ticket=ticket, author_kind=Message.Author.SYSTEM, event=Message.Event.SOLVED_BY_CUSTOMER, body=note
            )
        if not hasattr(ticket, "satisfaction"):
            notifications.survey_request(ticket)
    return True


def change_status(ticket: Ticket, status: str) -> None:
    """An agent's move to any status, with what each one means: solved asks for a rating,
    closed is stamped, and anything else is an open request again."""
    if status == Ticket.Status.SOLVED:
        solve(ticket)
    elif status == Ticket.Status.CLOSED:
        ticket.close()
    else:
        ticket.reopen(status)


def agent_reply(
    ticket: Ticket, agent, body: str, *, internal: bool = False, pending: bool = False, uploads=()
) -> Message:
    """An agent's answer, e-mailed to the customer in the ticket's thread, or an internal note."""
    with FilesWritten() as files, transaction.atomic():
        message = ticket.add_agent_reply(agent, body, internal=internal, pending=pending)
        attach(message, uploads, files)
        if not internal:
            notifications.agent_reply(ticket, message)
    return message


def issue_new_link(ticket: Ticket, by: str = "") -> None:
    """For a link that reached the wrong person: every earlier link to the request (and its chat's
    cookie) stops working, and the customer is mailed the one new link."""
    with transaction.atomic():
        notifications.new_link(ticket, ticket.rotate_tracking_link(by=by))
