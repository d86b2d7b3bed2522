from __future__ import annotations

from django.core.management.base import BaseCommand

from faq.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the FAQ search index from scratch (it is normally kept in step on every save)."

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(f"Indexed {count} published articles.")
