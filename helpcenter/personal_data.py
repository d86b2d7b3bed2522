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
from datetime import datetime, timedelta
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


# --- the core's own: the private links given out (helpcenter.privacy) ------------------------------


def _links_of(email: str):
    from helpcenter.models import PrivateLinkToken
    from helpcenter.privacy import email_digests

    return PrivateLinkToken.objects.filter(email_digest__in=email_digests(email))


def export_private_links(email: str, files: FileSink) -> list[dict[str, Any]]:
    # Only that a link was sent, and when: the link itself was never kept.
    return [{"kind": row.kind, "sent_at": row.created_at.isoformat()} for row in _links_of(email).order_by("pk")]


def erase_private_links(email: str) -> dict[str, int]:
    deleted, _by_model = _links_of(email).delete()
    return {"private links": deleted}


def purge_private_links(now: datetime) -> dict[str, int]:
    from django.conf import settings

    from helpcenter.models import PrivateLinkToken

    expired = now - timedelta(days=settings.HELPCENTER_LINK_MAX_AGE_DAYS)
    deleted, _by_model = PrivateLinkToken.objects.filter(created_at__lt=expired).delete()
    return {"expired private links": deleted}


register(Holder("private_links", export_private_links, erase_private_links, purge_private_links))
