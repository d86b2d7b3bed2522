"""Fast inserts of many rows for one model: COPY on PostgreSQL (psycopg), executemany batches on
SQLite. Rows carry their own primary keys (so related rows can point at them without reading them
back); the sequences are moved past them afterwards."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.core.management.color import no_style
from django.db import connection, models

BATCH = 5000


def columns_of(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields]


def _prepared(fields: list[models.Field], row: dict) -> tuple:
    values = []
    for field in fields:
        value = row[field.attname] if field.attname in row else field.get_default()
        values.append(field.get_db_prep_save(value, connection))
    return tuple(values)


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def insert(model: type[models.Model], rows: Iterable[dict]) -> int:
    """Insert every row (dicts by attname; missing fields take their default); returns how many."""
    fields = columns_of(model)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    inserted = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_prepared(fields, row))
                    inserted += 1
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
            iterator: Iterator[dict] = iter(rows)
            while batch := [_prepared(fields, row) for row in islice(iterator, BATCH)]:
                cursor.executemany(sql, batch)
                inserted += len(batch)
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
    return inserted
