from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0006_copy_outgoing_mail_to_outbox"),
    ]

    operations = [
        migrations.DeleteModel(name="OutgoingEmail"),
    ]
