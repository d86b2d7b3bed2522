"""Merging duplicate tickets: one customer wrote twice about the same thing, and agents go on in
one of the requests.

The kept ticket receives the others' messages (their attachments go with them) and keeps them in
time order; each duplicate is closed as merged and points to the kept one, so its reference, its
private link and replies to its mail all lead there (Ticket.surviving()). The customer is told the
reference to use from now on. The agents' search follows the moved messages by itself (the move is
a bulk write that MessageQuerySet announces, helpcenter/bulkwrites.py).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import notifications
from tickets.models import Message, Ticket


class MergeRefused(Exception):
    """Why these tickets cannot be merged, in words for the agent."""


def check_mergeable(kept: Ticket, duplicates: list[Ticket]) -> None:
    if not duplicates:
        raise MergeRefused(_("Select at least two tickets to merge."))
    if any(ticket.merged_into_id for ticket in [kept, *duplicates]):
        raise MergeRefused(_("A ticket that was already merged cannot be merged again; open the ticket it went to."))
    addresses = sorted({ticket.requester_email.strip().lower() for ticket in [kept, *duplicates]})
    if len(addresses) > 1:
        # Another customer's conversation would be mailed to, and readable by, this one.
        raise MergeRefused(
            _("Only tickets of the same requester can be merged; these come from %(addresses)s.")
            % {"addresses": ", ".join(addresses)}
        )


def merge(kept: Ticket, duplicates: list[Ticket], by) -> list[str]:
    """Merge the duplicates into `kept`; returns their references. Raises MergeRefused."""
    duplicates = sorted((t for t in duplicates if t.pk != kept.pk), key=lambda t: (t.created_at, t.pk))
    check_mergeable(kept, duplicates)
    references = [ticket.reference for ticket in duplicates]
    now = timezone.now()
    with transaction.atomic():
        Message.objects.filter(ticket__in=duplicates).update(ticket=kept)
        for ticket in duplicates:
            ticket.merged_into = kept
            ticket.status = Ticket.Status.CLOSED
            ticket.closed_at = now
            ticket._history_user = by
            ticket._change_reason = _("Merged into %(reference)s") % {"reference": kept.reference}
            ticket.save(update_fields=["merged_into", "status", "closed_at", "updated_at"])
        Message.objects.create(
            ticket=kept,
            author_kind=Message.Author.SYSTEM,
            is_internal=True,
            author=by,
            body=_("Merged into this request: %(references)s.") % {"references": ", ".join(references)},
        )
        kept._history_user = by
        kept._change_reason = _("Merged in %(references)s") % {"references": ", ".join(references)}
        kept.save(update_fields=["updated_at"])
        notifications.merged(kept, references)
    return references
