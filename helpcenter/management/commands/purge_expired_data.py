"""Retention: remove attachments and closed tickets kept longer than their period. Run daily.

HELPCENTER_RETENTION_ATTACHMENT_DAYS: ticket attachments, and evidence of claims denied or paid;
HELPCENTER_RETENTION_CLOSED_TICKET_DAYS: closed tickets, with their messages and ratings.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from helpcenter import personal_data


class Command(BaseCommand):
    help = "Delete attachments and closed tickets older than their retention period (run daily)."

    def handle(self, *args, **options):
        now = timezone.now()
        counts: dict[str, int] = {}
        for holder in personal_data.discover():
            if holder.purge is not None:
                counts.update(holder.purge(now))
        self.stdout.write("Purged: " + ", ".join(f"{what} {count}" for what, count in counts.items()) + ".")
