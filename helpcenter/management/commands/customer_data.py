"""A customer's rights over their data (PIPA art. 35-36, GDPR art. 15 and 17): see it all, or have it erased.

manage.py customer_data export EMAIL [--output FILE.zip]
manage.py customer_data erase EMAIL [--yes]
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from helpcenter import personal_data


class ZipFiles:
    """Puts stored files into the export archive under files/, with names that cannot climb out."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names: list[str] = []

    def add(self, folder: str, filename: str, file: FieldFile) -> str | None:
        # The file name is the customer's own: no separator or leading dot may lead out of the folder.
        safe_name = re.sub(r"[/\\]", "_", filename).lstrip(".") or "file"
        safe = str(PurePosixPath("files", folder, safe_name))
        try:
            with file.open("rb") as handle:
                self.archive.writestr(safe, handle.read())
        except (FileNotFoundError, ValueError):
            return None  # the row is exported; its bytes were already gone
        self.names.append(safe)
        return safe


class Command(BaseCommand):
    help = "Export (as JSON with its files, in a zip) or erase everything held about one customer e-mail address."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="Write everything held about EMAIL to a zip file.")
        export.add_argument("email")
        export.add_argument("--output", help="The zip file to write (default: customer-data-<time>.zip here).")
        erase = actions.add_parser("erase", help="Remove or anonymise everything held about EMAIL.")
        erase.add_argument("email")
        erase.add_argument("--yes", action="store_true", help="Really erase; without it, only say what would go.")

    def handle(self, *args, action: str, email: str, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"Not an e-mail address: {email!r}") from error
        if action == "export":
            self.export(email, options.get("output"))
        else:
            self.erase(email, options["yes"])

    def export(self, email: str, output: str | None) -> None:
        now = timezone.now()
        path = Path(output or f"customer-data-{now:%Y%m%d-%H%M%S}.zip")
        if path.exists():
            raise CommandError(f"{path} already exists; choose another --output.")
        if not path.parent.is_dir():
            raise CommandError(f"No such directory: {path.parent}")
        try:
            with zipfile.ZipFile(path, "x", compression=zipfile.ZIP_DEFLATED) as archive:
                files = ZipFiles(archive)
                held = {holder.name: holder.export(email, files) for holder in personal_data.discover()}
                document = {"email": email, "exported_at": now.isoformat(), "data": held, "files": files.names}
                archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2))
        except BaseException as error:
            path.unlink(missing_ok=True)  # half an export must not be mistaken for a whole one
            if isinstance(error, DatabaseError):
                raise CommandError(f"The database is unavailable: {error}") from error
            raise
        summary = ", ".join(f"{name} {len(items)}" for name, items in held.items())
        self.stdout.write(f"Wrote {path}: {summary}, files {len(files.names)}.")

    def erase(self, email: str, really: bool) -> None:
        holders = personal_data.discover()
        if not really:

            class Nowhere:
                def add(self, folder, filename, file):
                    return None

            held = {holder.name: len(holder.export(email, Nowhere())) for holder in holders}
            summary = ", ".join(f"{name} {count}" for name, count in held.items())
            self.stdout.write(f"Would erase for {email}: {summary}. Run again with --yes to erase.")
            return
        counts: dict[str, int] = {}
        with transaction.atomic():  # all or nothing: half an erasure is worse than none
            for holder in holders:
                counts.update(holder.erase(email))
        self.stdout.write(
            f"Erased for {email}: " + ", ".join(f"{what} {count}" for what, count in counts.items()) + "."
        )
