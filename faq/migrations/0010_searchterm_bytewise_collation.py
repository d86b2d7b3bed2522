"""The index's language and term compared byte by byte (BytewiseCharField, see faq.models).

Only PostgreSQL's columns change (to the "C" collation; the lookup B-tree is rebuilt with them).
SQLite already compares text byte by byte, and an AlterField there would copy the whole table into
a new one for nothing, so the database side is PostgreSQL's ALTER alone."""

from django.db import migrations

import faq.models

COLUMNS = (("language", 5), ("term", 64))


def _collate(collation):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name("faq_searchterm")
        changes = ", ".join(
            f"ALTER COLUMN {schema_editor.quote_name(name)} TYPE varchar({length}) COLLATE {collation}"
            for name, length in COLUMNS
        )
        schema_editor.execute(f"ALTER TABLE {table} {changes}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0009_searchterm_lookup_term_first"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchterm",
                    name=name,
                    field=faq.models.BytewiseCharField(max_length=length),
                )
                for name, length in COLUMNS
            ],
            database_operations=[migrations.RunPython(_collate('"C"'), _collate('"default"'))],
        ),
    ]
