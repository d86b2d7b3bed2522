from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from faq.lexicon import LEXICON_FILE, LexiconError, load_lexicon, read_lexicon


class Command(BaseCommand):
    help = (
        "Add the shipped lexicon's synonyms this help center has not received yet (after `flush`, or from a "
        "newer release). A synonym an agent edited or deleted is never changed or brought back."
    )

    def handle(self, *args, **options):
        try:
            entries = read_lexicon()
        except LexiconError as error:
            raise CommandError(str(error)) from error
        created = load_lexicon(entries=entries)
        self.stdout.write(f"{created} synonyms added from {LEXICON_FILE.name} ({len(entries)} entries in the lexicon).")
