"""The ticket list's pages without a COUNT(*) over every ticket."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap, and a small install shows exact numbers.
ESTIMATE_FROM = 100_000


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, the unfiltered list counts from the planner's row estimate (pg_class, kept by
    ANALYZE and autovacuum) once the table is large: an exact COUNT(*) reads the whole table on
    every page load, and nobody pages to the millionth ticket. Filtered lists count exactly."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] >= ESTIMATE_FROM:
                return int(row[0])
        return super().count
