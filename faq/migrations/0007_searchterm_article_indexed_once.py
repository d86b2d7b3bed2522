"""SearchTerm.article had two B-trees: the foreign key's own and the faq_searchterm_article index.
The foreign key's is dropped by name (found by introspection: Django names it with a hash), without
rebuilding the table as an AlterField does on SQLite."""

from __future__ import annotations

from django.db import migrations, models


def drop_foreign_key_index(apps, schema_editor) -> None:
    SearchTerm = apps.get_model("faq", "SearchTerm")
    table = SearchTerm._meta.db_table
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, facts in constraints.items():
        if (
            facts["index"]
            and not facts["unique"]
            and not facts["primary_key"]
            and facts["columns"] == ["article_id"]
            and name != "faq_searchterm_article"
        ):
            schema_editor.execute(schema_editor._delete_index_sql(SearchTerm, name))


def create_foreign_key_index(apps, schema_editor) -> None:
    SearchTerm = apps.get_model("faq", "SearchTerm")
    field = SearchTerm._meta.get_field("article")
    schema_editor.execute(schema_editor._create_index_sql(SearchTerm, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0006_load_support_lexicon"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchterm",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False, on_delete=models.deletion.CASCADE, related_name="+", to="faq.article"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_foreign_key_index, create_foreign_key_index)],
        ),
    ]
