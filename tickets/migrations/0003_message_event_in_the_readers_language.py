"""System notes on a request record what happened (the event), so the customer's page words it in the
language the page is read in, not the one the note was written in."""

from django.db import migrations, models
from django.utils import translation


def mark_existing_events(apps, schema_editor):
    # Notes written before the event was recorded are known by their text, in either language.
    Message = apps.get_model("tickets", "Message")
    texts = set()
    for language in ("ko", "en"):
        with translation.override(language):
            texts.add(translation.gettext("You marked this request as solved."))
    Message.objects.filter(author_kind="system", event="", body__in=texts).update(event="solved_by_customer")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_outgoing_mail_kind_time_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="event",
            field=models.CharField(
                blank=True,
                choices=[("solved_by_customer", "You marked this request as solved.")],
                max_length=30,
                verbose_name="event",
            ),
        ),
        migrations.RunPython(mark_existing_events, migrations.RunPython.noop),
    ]
