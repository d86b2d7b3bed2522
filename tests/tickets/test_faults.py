"""Faults injected while a ticket is being stored: the database lost half-way through ingest_email,
the disk full while a customer's or an agent's file is written. Nothing is half-stored, no row points
to a missing file, and the customer (or the MTA) is told to try again."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError

from outbox.models import OutgoingEmail
from tests.tickets.conftest import PNG, form_data, staff_member, upload
from tests.tickets.test_ingest_email import SAMPLES, files_under, ingest_exit_code
from tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db
TRY_AGAIN = "지금은 파일을 저장할 수 없어 아무것도 보내지 않았습니다. 잠시 후 다시 시도해 주세요."


def test_the_database_lost_half_way_through_ingest_exits_75_keeps_the_message_and_stores_nothing(
    tmp_path, media, monkeypatch
):
    def connection_lost(ticket):
        # After the ticket, its message and its file were written inside the transaction.
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("tickets.mail.ingest.notifications.acknowledge", connection_lost)
    raw = (SAMPLES / "07_pdf_rfc2231_korean_name.eml").read_bytes()
    code, err = ingest_exit_code(tmp_path, raw)
    assert (code, err) == (75, f"{tmp_path}/message.eml: temporary failure: database unavailable (OperationalError)")
    assert (tmp_path / "message.eml").read_bytes() == raw  # still the MTA's (or the spool's) to retry
    assert (Ticket.objects.count(), Message.objects.count(), Attachment.objects.count()) == (0, 0, 0)
    assert files_under(media) == []
    monkeypatch.undo()
    assert ingest_exit_code(tmp_path, raw)[0] == 0  # the retry files it, once
    assert (Ticket.objects.count(), Attachment.objects.count(), len(files_under(media))) == (1, 1, 1)


class DiskFullHalfWay(FileSystemStorage):
    """Writes the first chunk of a file, then fails as a full disk does."""

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content.read(16))
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def disk_full(settings, media):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.tickets.test_faults.DiskFullHalfWay", "OPTIONS": {"location": str(media)}},
    }
    return media


def test_a_full_disk_on_the_contact_form_says_try_again_and_keeps_nothing(client, disk_full):
    response = client.post("/ko/contact/", form_data(attachments=[upload("screenshot.png", PNG)]))
    assert response.status_code == 503
    assert [str(m) for m in response.context["messages"]] == [TRY_AGAIN]
    assert 'value="11월 요금이 두 번 결제됐어요"' in response.content.decode()  # what they typed is still there
    assert (Ticket.objects.count(), Message.objects.count(), Attachment.objects.count()) == (0, 0, 0)
    assert OutgoingEmail.objects.count() == 0  # no acknowledgement of a request we do not have
    assert files_under(disk_full) == []


def test_a_full_disk_on_a_reply_says_try_again_and_adds_nothing(client, settings, media):
    client.post("/ko/contact/", form_data())
    ticket = Ticket.objects.get()
    token = ticket.tracking_token()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.tickets.test_faults.DiskFullHalfWay", "OPTIONS": {"location": str(media)}},
    }
    response = client.post(f"/ko/requests/{token}/reply/", {"body": "명세서 첨부", "attachments": [upload()]})
    assert response.status_code == 503
    assert [str(m) for m in response.context["messages"]] == [TRY_AGAIN]
    assert (ticket.messages.count(), Attachment.objects.count()) == (1, 0)
    assert files_under(media) == []


def test_a_full_disk_on_an_agents_reply_is_reported_in_the_console_and_nothing_is_sent(client, settings, media):
    client.post("/ko/contact/", form_data())
    ticket = Ticket.objects.get()
    mail_before = OutgoingEmail.objects.count()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.tickets.test_faults.DiskFullHalfWay", "OPTIONS": {"location": str(media)}},
    }
    client.force_login(staff_member("agent", groups=("Agents",)))
    from tests.tickets.test_admin_tickets import change_data

    data = change_data(ticket, reply="명세서를 첨부합니다.", reply_kind="public", reply_attachments=[upload()])
    response = client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", data, follow=True)
    assert response.status_code == 200
    assert TRY_AGAIN in [str(m) for m in response.context["messages"]]
    assert (ticket.messages.count(), Attachment.objects.count()) == (1, 0)
    assert OutgoingEmail.objects.count() == mail_before
    assert files_under(media) == []
