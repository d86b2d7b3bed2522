"""What each app holds about one customer e-mail address, for `manage.py customer_data` and for the
retention command `manage.py purge_expired_data`.

The core knows no app: each app that stores personal data has a `personal_data.py` that calls
`register()` at import, and `discover()` imports them all (as the admin finds `admin.py`). A holder
answers three questions:

- export(email, files) -> JSON-ready data; files.add(folder, filename, field_file) puts a stored file beside it;
- erase(email) -> {what: count} removed or anonymised, keeping what the law makes us keep;
- purge(now) -> {what: count} removed because its retention period is over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.utils.module_loading import autodiscover_modules


class FileSink(Protocol):
    def add(self, folder: str, filename: str, file: FieldFile) -> str | None:
        """Store the file in the export as folder/filename (the customer's file name, made safe);
        returns the name used, or None if its bytes are gone."""


@dataclass(frozen=True)
class Holder:
    name: str
    export: Callable[[str, FileSink], Any]
    erase: Callable[[str], dict[str, int]]
    purge: Callable[[datetime], dict[str, int]] | None = None


HOLDERS: dict[str, Holder] = {}


def register(holder: Holder) -> None:
    HOLDERS[holder.name] = holder


def discover() -> list[Holder]:
    autodiscover_modules("personal_data")
    return list(HOLDERS.values())


def delete_stored_file(file: FieldFile) -> None:
    """Remove a file's bytes; a file already gone is not an error when the aim is that it be gone."""
    if file and file.name:
        try:
            file.storage.delete(file.name)
        except FileNotFoundError:
            pass


def fields_of(instance, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The row's own values, ready for JSON: no relations (staff accounts are not the customer's
    data), no stored file names (the files travel beside the JSON), no primary key."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.is_relation or field.primary_key or field.name in exclude or isinstance(field, FileField):
            continue
        value = getattr(instance, field.attname)
        if hasattr(value, "isoformat"):  # date, datetime, time
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        values[field.name] = value
    return values
