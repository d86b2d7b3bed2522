"""Mail queued under the old schema (tickets.OutgoingEmail) survives the move to outbox."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from outbox.models import OutgoingEmail
from outbox.queue import send_later

BEFORE = [("tickets", "0005_seed_canned_replies")]

pytestmark = pytest.mark.django_db(transaction=True)  # migrations change the schema


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_schema():
    apps = migrate(BEFORE)
    yield apps
    migrate(latest())


def test_every_row_queued_under_the_old_schema_is_kept(old_schema):
    apps = old_schema
    Ticket = apps.get_model("tickets", "Ticket")
    Message = apps.get_model("tickets", "Message")
    Attachment = apps.get_model("tickets", "Attachment")
    Old = apps.get_model("tickets", "OutgoingEmail")
    ticket = Ticket.objects.create(reference="HC-ABCDEFG", subject="결제 오류", requester_email="hong@example.com")
    message = Message.objects.create(ticket=ticket, author_kind="agent", body="첨부 확인")
    attachment = Attachment.objects.create(
        message=message, file="tickets/2026/11/0123abcd", filename="영수증.png", content_type="image/png", size=10
    )
    common = {"subject": "제목", "body": "본문", "to": "hong@example.com"}
    Old.objects.create(
        pk=41, ticket=ticket, kind="reply", message_id="<r@example.com>", in_reply_to="<c@example.com>",
        references="<c@example.com>", attachment_ids=[attachment.pk, 999], **common,
    )  # fmt: skip
    Old.objects.create(pk=42, ticket=ticket, kind="acknowledgement", message_id="<a@example.com>", **common)
    Old.objects.create(
        pk=43, kind="refund-filed", message_id="<f@example.com>", state="failed", attempts=8, last_error="boom",
        **common,
    )  # fmt: skip
    Old.objects.create(pk=44, ticket=ticket, kind="survey", message_id="<s@example.com>", **common)
    # As a database made before the move has it: the old model's permission, given to a group.
    old_type, _ = ContentType.objects.get_or_create(app_label="tickets", model="outgoingemail")
    supervisors = Group.objects.create(name="Mail supervisors")
    supervisors.permissions.add(
        Permission.objects.get_or_create(
            content_type_id=old_type.pk, codename="change_outgoingemail", defaults={"name": "Can change"}
        )[0]
    )

    migrate(latest())

    moved = {email.pk: email for email in OutgoingEmail.objects.all()}
    assert sorted(moved) == [41, 42, 43, 44]
    assert moved[41].thread == "HC-ABCDEFG" and moved[41].auto_submitted == "no"
    assert moved[41].attachments == [
        {"name": "tickets/2026/11/0123abcd", "filename": "영수증.png", "content_type": "image/png"}
    ]
    assert (moved[41].in_reply_to, moved[41].references) == ("<c@example.com>", "<c@example.com>")
    assert moved[42].auto_submitted == "auto-replied" and moved[42].message_id == "<a@example.com>"
    assert moved[44].auto_submitted == "auto-generated"
    assert (moved[43].thread, moved[43].auto_submitted) == ("", "auto-generated")
    assert (moved[43].state, moved[43].attempts, moved[43].last_error) == ("failed", 8, "boom")
    assert supervisors.permissions.filter(content_type__app_label="outbox", codename="change_outgoingemail").exists()
    # New mail is numbered after the copied rows.
    assert send_later("notice", "x@example.com", "s", "b").pk > 44


def test_migrating_back_restores_the_old_rows(old_schema):
    migrate(latest())
    from tickets.models import Ticket

    ticket = Ticket.objects.create(subject="결제 오류", requester_email="hong@example.com")
    email = send_later("reply", "hong@example.com", "제목", "본문", thread=ticket.reference)

    apps = migrate(BEFORE)

    Old = apps.get_model("tickets", "OutgoingEmail")
    old = Old.objects.get()
    assert (old.pk, old.ticket_id, old.kind, old.message_id) == (email.pk, ticket.pk, "reply", email.message_id)
    migrate(latest())
    assert list(OutgoingEmail.objects.values_list("pk", "thread")) == [(email.pk, ticket.reference)]
