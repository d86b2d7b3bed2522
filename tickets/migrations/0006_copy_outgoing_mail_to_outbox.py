"""Outgoing mail moves to the outbox app: every queued, sent and failed row is copied, keeping its
id, with the ticket turned into its reference (the thread key) and the attachment ids into the
stored files they named. Who was allowed to see or retry the queue keeps that permission."""

from django.core.management.color import no_style
from django.db import migrations

# What the old sender decided from the kind name, written down once as an explicit value. Refund
# mail was machine-written too, and was missing the header.
OLD_AUTOMATIC = {"acknowledgement": "auto-replied", "survey": "auto-generated", "link": "auto-generated"}


def automatic_for(kind: str) -> str:
    if kind.startswith("refund-"):
        return "auto-generated"
    return OLD_AUTOMATIC.get(kind, "no")


def copy_to_outbox(apps, schema_editor):
    Old = apps.get_model("tickets", "OutgoingEmail")
    New = apps.get_model("outbox", "OutgoingEmail")
    Attachment = apps.get_model("tickets", "Attachment")
    batch = []
    for old in Old.objects.select_related("ticket").order_by("pk").iterator(chunk_size=500):
        found = {item.pk: item for item in Attachment.objects.filter(pk__in=old.attachment_ids or [])}
        files = [
            {"name": found[pk].file.name, "filename": found[pk].filename, "content_type": found[pk].content_type}
            for pk in old.attachment_ids or []
            if pk in found
        ]
        batch.append(
            New(
                pk=old.pk,
                kind=old.kind,
                thread=old.ticket.reference if old.ticket_id else "",
                auto_submitted=automatic_for(old.kind),
                to=old.to,
                subject=old.subject,
                body=old.body,
                message_id=old.message_id,
                in_reply_to=old.in_reply_to,
                references=old.references,
                attachments=files,
                state=old.state,
                attempts=old.attempts,
                last_error=old.last_error,
                next_attempt_at=old.next_attempt_at,
                created_at=old.created_at,
                sent_at=old.sent_at,
            )
        )
        if len(batch) >= 500:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)
    _reset_ids(schema_editor, New)
    _move_permissions(apps, "tickets", "outbox")


def copy_back(apps, schema_editor):
    Old = apps.get_model("tickets", "OutgoingEmail")
    New = apps.get_model("outbox", "OutgoingEmail")
    Ticket = apps.get_model("tickets", "Ticket")
    Attachment = apps.get_model("tickets", "Attachment")
    tickets = dict(Ticket.objects.values_list("reference", "pk"))
    batch = []
    for new in New.objects.order_by("pk").iterator(chunk_size=500):
        names = [item["name"] for item in new.attachments]
        ids = dict(Attachment.objects.filter(file__in=names).values_list("file", "pk"))
        batch.append(
            Old(
                pk=new.pk,
                ticket_id=tickets.get(new.thread),
                kind=new.kind,
                to=new.to,
                subject=new.subject,
                body=new.body,
                message_id=new.message_id,
                in_reply_to=new.in_reply_to,
                references=new.references,
                attachment_ids=[ids[name] for name in names if name in ids],
                state=new.state,
                attempts=new.attempts,
                last_error=new.last_error,
                next_attempt_at=new.next_attempt_at,
                created_at=new.created_at,
                sent_at=new.sent_at,
            )
        )
    Old.objects.bulk_create(batch)
    New.objects.all().delete()  # moved, not copied: migrating forward again must not find them twice
    _reset_ids(schema_editor, Old)
    _move_permissions(apps, "outbox", "tickets")


def _reset_ids(schema_editor, model):
    # Rows were written with their ids: the next new row must not collide (PostgreSQL sequences).
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def _move_permissions(apps, source: str, target: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for old in Permission.objects.filter(content_type__app_label=source, content_type__model="outgoingemail"):
        groups, users = list(old.group_set.all()), list(old.user_set.all())
        if not groups and not users:
            continue
        content_type, _ = ContentType.objects.get_or_create(app_label=target, model="outgoingemail")
        new, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=old.codename, defaults={"name": old.name}
        )
        new.group_set.add(*groups)
        new.user_set.add(*users)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_seed_canned_replies"),
        ("outbox", "0001_outgoing_mail_queue"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(copy_to_outbox, copy_back)]
