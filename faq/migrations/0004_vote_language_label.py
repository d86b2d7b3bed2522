from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('faq', '0003_derived_meta_descriptions_are_not_stored'),
    ]

    operations = [
        migrations.AlterField(
            model_name='articlevote',
            name='language',
            field=models.CharField(choices=[('ko', 'Korean'), ('en', 'English')], max_length=5, verbose_name='language'),
        ),
    ]
