"""Fast inserts of many rows for one model: COPY on PostgreSQL (psycopg), executemany batches on
SQLite. Rows carry their own primary keys (so related rows can point at them without reading them
back); the sequences are moved past them afterwards."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models

BATCH = 5000


def columns_of(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields]


# Values psycopg adapts by itself: on PostgreSQL these fields' get_db_prep_save() returns them
# unchanged, and calling it for each of tens of millions of values was most of the generator's time.
_PLAIN_ON_POSTGRES = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,  # and DateTimeField: aware datetimes go through as they are
    models.DecimalField,
    models.ForeignKey,
)


def _preparers(fields: list[models.Field], db) -> list:
    """One function per field turning a row's value into what the database is sent."""
    preparers = []
    for field in fields:
        if db.vendor == "postgresql" and isinstance(field, _PLAIN_ON_POSTGRES):
            preparers.append(None)
        else:
            preparers.append(lambda value, field=field: field.get_db_prep_save(value, db))
    return preparers


def _prepared(fields: list[models.Field], preparers: list, defaults: dict, row: dict) -> tuple:
    values = []
    for field, prepare in zip(fields, preparers, strict=True):
        value = row[field.attname] if field.attname in row else defaults.get(field.attname, NOT_GIVEN)
        if value is NOT_GIVEN:
            value = field.get_default()  # a callable default: a fresh value per row
        values.append(value if prepare is None or value is None else prepare(value))
    return tuple(values)


NOT_GIVEN = object()


def _constant_defaults(fields: list[models.Field]) -> dict:
    return {field.attname: field.get_default() for field in fields if not callable(field.default)}


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def insert(model: type[models.Model], rows: Iterable[dict]) -> int:
    """Insert every row (dicts by attname; missing fields take their default); returns how many."""
    fields = columns_of(model)
    # The connection itself, not django.db.connection's per-context proxy: it is read per value.
    db = connections[DEFAULT_DB_ALIAS]
    preparers, defaults = _preparers(fields, db), _constant_defaults(fields)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    inserted = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_prepared(fields, preparers, defaults, row))
                    inserted += 1
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
            iterator: Iterator[dict] = iter(rows)
            while batch := [_prepared(fields, preparers, defaults, row) for row in islice(iterator, BATCH)]:
                cursor.executemany(sql, batch)
                inserted += len(batch)
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
    return inserted


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that enforce nothing (not primary, not unique)."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT indisunique",
            [table],
        )
    else:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
            "AND sql NOT LIKE 'CREATE UNIQUE%%'",
            [table],
        )
    return cursor.fetchall()


@contextmanager
def indexes_built_at_the_end(*models_: type[models.Model]) -> Iterator[None]:
    """Drop the tables' secondary indexes and build them again once the rows are in: sorting
    millions of rows once is several times faster than inserting each into a dozen B-trees. Unique
    indexes stay, so nothing that breaks a rule can get in meanwhile. On PostgreSQL foreign keys are
    checked row by row rather than all at commit (the queue of a few million deferred checks is
    slower, and an index cannot be built on a table that has them pending)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        dropped = [index for model in models_ for index in _secondary_indexes(cursor, model._meta.db_table)]
        for name, _definition in dropped:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in dropped:
            cursor.execute(definition)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
