from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from faq.lexicon import load_lexicon
from faq.portable import FormatError, import_document


class Command(BaseCommand):
    help = "Create or update FAQ categories and articles from a JSON file (matched by slug) and publish them."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the JSON file, or - for standard input")

    def handle(self, *args, file: str, **options):
        try:
            if file == "-":
                data = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    data = json.load(handle)
        except FileNotFoundError as error:
            raise CommandError(f"{file}: no such file") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file}: not UTF-8 text ({error.reason})") from error
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{file}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
            ) from error
        try:
            counts = import_document(data)
        except FormatError as error:
            raise CommandError(f"{file}: {error}. Nothing was changed.") from error
        # A help center started from its own articles gets the lexicon too, even on tables emptied
        # since `migrate` (flush); entries agents removed stay removed.
        synonyms = load_lexicon()
        self.stdout.write(
            f"{counts['categories']} categories, {counts['articles_created']} articles created, "
            f"{counts['articles_updated']} updated." + (f" {synonyms} lexicon synonyms added." if synonyms else "")
        )
