"""manage.py rebuild_ticket_search: write every ticket's search document again (tickets/search.py),
after a change that bypassed save() such as a queryset update() or a raw import."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from tickets import search


class Command(BaseCommand):
    help = "Write every ticket's search document again (after bulk changes that bypassed save())."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = search.rebuild()
        self.stdout.write(f"Indexed {count:,} tickets in {time.perf_counter() - started:.1f} s.")
