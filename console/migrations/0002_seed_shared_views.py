"""The team's views every console starts with, as Zendesk ships its default views."""

from django.db import migrations

SHARED_VIEWS = [
    ("내 담당", "tickets.ticket", "queue=mine", 10),
    ("미배정", "tickets.ticket", "queue=unassigned", 20),
    ("SLA 초과", "tickets.ticket", "queue=past-sla", 30),
    ("고객 답변 대기", "tickets.ticket", "queue=waiting", 40),
    ("환불 결정 대기", "refunds.refundclaim", "status__exact=submitted", 50),
]


def seed(apps, schema_editor):
    SavedView = apps.get_model("console", "SavedView")
    for name, list_, querystring, position in SHARED_VIEWS:
        SavedView.objects.get_or_create(
            owner=None, list=list_, name=name, defaults={"querystring": querystring, "position": position}
        )


def unseed(apps, schema_editor):
    SavedView = apps.get_model("console", "SavedView")
    SavedView.objects.filter(owner=None, name__in=[name for name, *_rest in SHARED_VIEWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("console", "0001_saved_views")]

    operations = [migrations.RunPython(seed, unseed)]
