"""The history of changes (django-simple-history), as the console shows and records it.

Each model that keeps a history declares `history = HistoricalRecords(...)`; its admin inherits
ReadableHistoryAdmin so the object's "history" page reads like the form: field labels, the choice
labels ("신규 → 해결됨", not "new → solved"), names instead of ids, local times. Code that writes
with a guarded or bulk UPDATE (which sends no save signal) calls record_update() itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper


def record_update(model: type[models.Model], pks: Iterable[int], by=None, reason: str = "") -> None:
    """History rows ("changed") for rows just written with UPDATE, as they are now in the database.
    `by` is the person who acted; None leaves it to the request being served (if anyone is logged in)."""
    rows = list(model._default_manager.filter(pk__in=list(pks)))
    if rows:
        model.history.bulk_history_create(rows, update=True, default_user=by, default_change_reason=reason)


def readable_value(field: models.Field, value: Any) -> str:
    """One side of a change, as the admin form would show it."""
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    return str(value)


class ReadableChanges(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        return readable_value(field, value)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """The stock history page (who, when, what), with each change in words an agent reads."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)
