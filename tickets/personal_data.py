"""Tickets, with their messages, attachments and rating, as held about one customer e-mail address."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from helpcenter.history import changes_of
from helpcenter.personal_data import FileSink, Holder, delete_stored_file, fields_of, register
from tickets.models import Attachment, Ticket


def tickets_of(email: str):
    return Ticket.objects.filter(requester_email__iexact=email.strip())


def export_tickets(email: str, files: FileSink) -> list[dict]:
    exported = []
    for ticket in tickets_of(email).prefetch_related("messages__attachments").order_by("created_at"):
        messages = []
        for message in ticket.messages.all():
            attachments = [
                {
                    **fields_of(file),
                    "file": files.add(f"tickets/{ticket.reference}", f"{file.pk}-{file.filename}", file.file),
                }
                for file in message.attachments.all()
            ]
            messages.append({**fields_of(message), "attachments": attachments})
        satisfaction = getattr(ticket, "satisfaction", None)
        exported.append(
            {
                **fields_of(ticket),
                "earlier_values": changes_of(ticket, exclude=("submission_key",)),
                "messages": messages,
                "satisfaction": fields_of(satisfaction) if satisfaction else None,
            }
        )
    return exported


# What an earlier version of a ticket held about its requester, blanked where the ticket itself stays.
ERASED_EMAIL = "erased@erased.invalid"  # .invalid never delivers (RFC 2606)
REQUESTER_FIELDS = {
    "requester_email": ERASED_EMAIL,
    "requester_name": "",
    "subject": "",
    "error_message": "",
    "device": "",
    "operating_system": "",
    "app_version": "",
    "callback_number": "",
    "callback_time": "",
}


def _delete_tickets(queryset) -> int:
    with transaction.atomic():
        for attachment in Attachment.objects.filter(message__ticket__in=queryset):
            transaction.on_commit(lambda file=attachment.file: delete_stored_file(file))
        ids = list(queryset.values_list("pk", flat=True))
        queryset.delete()  # messages, attachments and the satisfaction answer go with their ticket
        # Their history too, with the "deleted" rows the delete itself just wrote.
        Ticket.history.filter(id__in=ids).delete()
    return len(ids)


def erase_tickets(email: str) -> dict[str, int]:
    # Nothing in a ticket is an accounting record: the whole conversation goes.
    deleted = _delete_tickets(tickets_of(email))
    # A ticket now of another address may once have carried this one (an agent corrected it).
    earlier = Ticket.history.filter(requester_email__iexact=email.strip()).update(**REQUESTER_FIELDS)
    return {"tickets": deleted, "ticket history rows anonymised": earlier}


def purge_tickets(now: datetime) -> dict[str, int]:
    attachments_before = now - timedelta(days=settings.HELPCENTER_RETENTION_ATTACHMENT_DAYS)
    tickets_before = now - timedelta(days=settings.HELPCENTER_RETENTION_CLOSED_TICKET_DAYS)
    closed = Ticket.objects.filter(status=Ticket.Status.CLOSED, closed_at__lt=tickets_before)
    purged_tickets = _delete_tickets(closed)
    old_files = Attachment.objects.filter(message__created_at__lt=attachments_before)
    purged_files = 0
    with transaction.atomic():
        for attachment in old_files:
            transaction.on_commit(lambda file=attachment.file: delete_stored_file(file))
            purged_files += 1
        old_files.delete()
    return {"closed tickets": purged_tickets, "ticket attachments": purged_files}


register(Holder("tickets", export_tickets, erase_tickets, purge_tickets))
