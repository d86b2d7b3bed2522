"""The e-mails queued or sent to one customer address (see helpcenter/personal_data.py)."""

from __future__ import annotations

from helpcenter.personal_data import FileSink, Holder, fields_of, register
from outbox.models import OutgoingEmail


def outgoing_mail_to(email: str):
    return OutgoingEmail.objects.filter(to__iexact=email.strip())


def export_outgoing_mail(email: str, files: FileSink) -> list[dict]:
    # What was written to the customer; the queue's own bookkeeping (leases, errors, the stored
    # names of attachments, which are exported with their ticket) is not about them.
    internal = ("attachments", "last_error", "lease_until", "claimed_by")
    return [fields_of(mail, exclude=internal) for mail in outgoing_mail_to(email).order_by("created_at")]


def erase_outgoing_mail(email: str) -> dict[str, int]:
    count, _ = outgoing_mail_to(email).delete()
    return {"outgoing e-mails": count}


register(Holder("outgoing_mail", export_outgoing_mail, erase_outgoing_mail))
