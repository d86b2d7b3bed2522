from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from faq.portable import export_document


class Command(BaseCommand):
    help = "Write every FAQ category and article as JSON, in the format import_faq reads."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, output: str | None = None, **options):
        text = json.dumps(export_document(), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
