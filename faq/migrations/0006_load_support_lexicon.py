"""Loads the support-domain lexicon (faq/lexicon/support_ko_en.json) into the synonym table.

Each entry is delivered once per help center; see faq.lexicon. Unapplying keeps the synonyms:
agents may have edited them, and the search works the same without the bookkeeping.
"""

from django.db import migrations


def load(apps, schema_editor):
    from faq.lexicon import load_lexicon

    load_lexicon(apps.get_model("faq", "Synonym"), apps.get_model("faq", "ShippedSynonym"))


class Migration(migrations.Migration):
    dependencies = [("faq", "0005_synonym_origin_and_shipped_lexicon")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
