"""The ticket list's pages without a COUNT(*) over every ticket, and without counting a search or a
filter that finds half a million of them."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext

# Below this many rows an exact count is cheap, and a small install shows exact numbers.
ESTIMATE_FROM = 100_000
# Filtered lists are counted this far and no further: nobody pages to the ten-thousandth result.
COUNT_UP_TO = 10_000
# A search, only this far: each match counted is a search document read and checked (tenfold the
# cost of a filter's index entry), and a common word matches a tenth of a million tickets.
SEARCH_COUNT_UP_TO = 1_000


class ShownCount(int):
    """A row count that knows how to say itself honestly: "10,000+" when counting stopped there,
    "about 1,000,000" when it is the planner's estimate. Arithmetic (pages) uses the number."""

    capped: bool = False
    estimated: bool = False

    @classmethod
    def of(cls, value: int, *, capped: bool = False, estimated: bool = False) -> ShownCount:
        count = cls(value)
        count.capped, count.estimated = capped, estimated
        return count

    @property
    def shown(self) -> str:
        number = number_format(int(self), force_grouping=True)
        if self.capped:
            return gettext("%(count)s+") % {"count": number}
        if self.estimated:
            return gettext("about %(count)s") % {"count": number}
        return number


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, the unfiltered list counts from the planner's row estimate (pg_class, kept by
    ANALYZE and autovacuum) once the table is large: an exact COUNT(*) reads the whole table on
    every page load, and nobody pages to the millionth ticket. Filtered lists count up to
    COUNT_UP_TO (or `count_up_to`)."""

    def __init__(self, *args, count_up_to: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count_up_to = count_up_to

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
                return ShownCount.of(int(row[0]), estimated=True)
        cap = self.count_up_to or COUNT_UP_TO
        counted = queryset.order_by()[: cap + 1].count()
        if counted > cap:
            return ShownCount.of(cap, capped=True)
        return ShownCount.of(counted)
