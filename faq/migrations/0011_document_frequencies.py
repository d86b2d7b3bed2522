"""Document frequencies kept beside the index (faq.models.DocumentFrequency), counted once here from
the index as it stands; from then on faq.search.index keeps them in step with every write."""

import faq.models
from django.db import migrations, models


def count_the_index(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO faq_documentfrequency (language, term, documents) "
        "SELECT language, term, COUNT(*) FROM faq_searchterm GROUP BY language, term"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0010_searchterm_bytewise_collation"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentFrequency",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", faq.models.BytewiseCharField(max_length=5)),
                ("term", faq.models.BytewiseCharField(max_length=64)),
                ("documents", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("term", "language"), name="faq_documentfrequency_term")
                ],
            },
        ),
        migrations.RunPython(count_the_index, migrations.RunPython.noop),
    ]
