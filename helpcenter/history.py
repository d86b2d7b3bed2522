"""The history of changes (django-simple-history), as the console shows and records it.

Each model that keeps a history declares `history = HistoricalRecords(...)`; its admin inherits
ReadableHistoryAdmin so the object's "history" page reads like the form: field labels, the choice
labels ("신규 → 해결됨", not "new → solved"), names instead of ids, local times. Code that writes
with a guarded UPDATE (which sends no save signal) calls record_update() itself; a plain bulk
change of some rows is update_recorded(), which does both.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.http import HttpResponseNotAllowed
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta
from simple_history.template_utils import HistoricalRecordContextHelper


def record_update(model: type[models.Model], pks: Iterable[int], by=None, reason: str = "") -> None:
    """History rows ("changed") for rows just written with UPDATE, as they are now in the database.
    `by` is the person who acted; None leaves it to the request being served (if anyone is logged in)."""
    rows = list(model._default_manager.filter(pk__in=list(pks)))
    if rows:
        model.history.bulk_history_create(rows, update=True, default_user=by, default_change_reason=reason)


def update_recorded(queryset: models.QuerySet, by, **values) -> int:
    """Write `values` into these rows with one UPDATE and record each row's change, by `by`, as a
    save would have; returns how many rows changed."""
    model = queryset.model
    with transaction.atomic():
        pks = list(queryset.values_list("pk", flat=True))
        model._default_manager.filter(pk__in=pks).update(**values)
        record_update(model, pks, by)
    return len(pks)


def delta(newer, older, exclude: Iterable[str] = ()) -> ModelDelta:
    """What changed between two history rows of one object, raw values (ids for relations).
    simple-history's own diff_against() leaves out fields that are not editable in forms, and those
    are the ones code moves: a claim's status, its decisions, a ticket's solved time."""
    changes = [
        ModelChange(field.name, getattr(older, field.attname), getattr(newer, field.attname))
        for field in newer.tracked_fields
        if not field.primary_key
        and field.name not in exclude
        and getattr(older, field.attname) != getattr(newer, field.attname)
    ]
    return ModelDelta(changes, [change.field for change in changes], older, newer)


def readable_value(field: models.Field, value: Any) -> str:
    """One side of a change, as the admin form would show it."""
    if value is None or value == "":
        return "—"
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    return str(value)


def unlabelled_fields(model: type[models.Model]) -> set[str]:
    """Fields without a label of their own (reminder times, the rule a verdict used): bookkeeping,
    whose meaning shows in the labelled fields and the claim's timeline."""
    return {field.name for field in model._meta.concrete_fields if not isinstance(field.verbose_name, Promise)}


def with_changes(model: type[models.Model], records: Iterable) -> list:
    """History rows, newest first, each given `history_delta_changes` against the row before it
    of the same object (rows of several objects may be mixed: an article's translations)."""
    records = list(records)
    exclude = unlabelled_fields(model)
    previous: dict[Any, Any] = {}
    for record in reversed(records):
        key = getattr(record, model._meta.pk.attname)
        if key in previous:
            helper = ReadableChanges(model, record)
            record.history_delta_changes = helper.context_for_delta_changes(delta(record, previous[key], exclude))
        previous[key] = record
    return records


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

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        with_changes(self.model, historical_records)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # SIMPLE_HISTORY_REVERT_DISABLED only hides the button: a POST here would still write the
        # old version back, past a claim's transitions and a ticket's rules. Looking is all it is for.
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)


def changes_of(instance: models.Model, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The earlier values of one row, for a personal-data export: each change with when, the field,
    from and to. Only what changed, so nothing the export already holds as the current row is
    repeated; no relations (who in the staff made a change is not the customer's data)."""
    records = list(instance.history.order_by("history_date", "history_id"))
    skipped = set(exclude) | {field.name for field in instance._meta.concrete_fields if field.is_relation}
    changes: list[dict[str, Any]] = []
    for older, newer in zip(records, records[1:], strict=False):
        for change in delta(newer, older, exclude=skipped).changes:
            changes.append(
                {
                    "at": newer.history_date.isoformat(),
                    "field": change.field,
                    "from": _json_ready(change.old),
                    "to": _json_ready(change.new),
                }
            )
    return changes


def _json_ready(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
