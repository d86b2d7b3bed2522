"""Meta descriptions copied from the body on first save are cleared, so they follow the body.

Until now a translation saved without a description got the start of its body stored as one, and
that copy never changed again. A stored description equal to what the body gives today is such a
copy (or an editor's text that reads exactly the same, which loses nothing): cleared, it is derived
afresh from the body on every page. Copies that already went stale cannot be told apart from an
editor's own text and are kept.
"""

from __future__ import annotations

from django.db import migrations

from faq.markdown import summarise

LENGTH_AT_THE_TIME = 160


def clear_derived_descriptions(apps, schema_editor):
    ArticleTranslation = apps.get_model("faq", "ArticleTranslation")
    derived = [
        item.pk
        for item in ArticleTranslation.objects.exclude(summary="").only("pk", "body", "summary").iterator()
        if item.summary == summarise(item.body, LENGTH_AT_THE_TIME)
    ]
    ArticleTranslation.objects.filter(pk__in=derived).update(summary="")


class Migration(migrations.Migration):
    dependencies = [("faq", "0002_search_index_in_weight_order")]

    operations = [migrations.RunPython(clear_derived_descriptions, migrations.RunPython.noop)]
