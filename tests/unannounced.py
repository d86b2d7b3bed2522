"""Writes as another process (or raw SQL) would make them: the rows change and nothing in this
process is told, for the tests of what copes with that (the rebuild commands, the generation
shared through the database). The app's own bulk writes announce themselves (helpcenter/bulkwrites.py)."""

from __future__ import annotations

from django.db.models import QuerySet


def update_unannounced(queryset: QuerySet, **values) -> int:
    return QuerySet.update(queryset, **values)


def create_unannounced(model, objs: list) -> list:
    return QuerySet.bulk_create(model._base_manager.all(), objs)
