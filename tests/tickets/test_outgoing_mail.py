from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from outbox.models import OutgoingEmail
from tests.tickets.conftest import form_data
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def send() -> None:
    call_command("send_queued_mail", stdout=open("/dev/null", "w"))


def test_with_smtp_down_the_form_still_succeeds_and_the_mail_goes_out_later(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    response = client.post("/ko/contact/", form_data(), follow=True)
    assert response.status_code == 200 and Ticket.objects.count() == 1

    send()
    queued = OutgoingEmail.objects.get()
    assert queued.state == "queued" and queued.attempts == 1
    assert "ConnectionRefusedError" in queued.last_error
    assert queued.next_attempt_at > timezone.now()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send()  # not due yet: waits for its backoff
    assert mail.outbox == []
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    send()
    queued.refresh_from_db()
    assert queued.state == "sent" and len(mail.outbox) == 1


def test_it_gives_up_after_the_configured_attempts(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    settings.MAIL_MAX_ATTEMPTS = 2
    client.post("/ko/contact/", form_data())
    for _ in range(3):
        OutgoingEmail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        send()
    queued = OutgoingEmail.objects.get()
    assert queued.state == "failed" and queued.attempts == 2


def test_replies_are_threaded_under_the_customers_message(client, admin_user):
    from tickets import actions

    client.post("/ko/contact/", form_data())
    ticket = Ticket.objects.get()
    actions.agent_reply(ticket, admin_user, "확인했습니다.")
    send()
    ack, reply = mail.outbox
    assert reply.extra_headers["In-Reply-To"] == ack.extra_headers["Message-ID"]
    assert ack.extra_headers["Message-ID"] in reply.extra_headers["References"]
    assert f"[{ticket.reference}]" in reply.subject
    assert ticket.messages.filter(author_kind="agent").get().message_id == reply.extra_headers["Message-ID"]


def test_acknowledgements_to_one_address_are_rate_limited(client, settings):
    settings.TICKETS_ACKS_PER_ADDRESS = 2
    settings.HELPCENTER_RATE_PER_ADDRESS = 10
    for i in range(4):
        client.post("/ko/contact/", form_data(subject=f"결제 문의 {i}"))
    assert Ticket.objects.count() == 4
    assert OutgoingEmail.objects.filter(kind="acknowledgement").count() == 2


def delivered():
    """Each sent e-mail as its recipient's mail program reads it: the RFC 5322 bytes, parsed."""
    from email import policy
    from email.parser import BytesParser

    send()
    return [BytesParser(policy=policy.default).parsebytes(m.message().as_bytes()) for m in mail.outbox]


def test_the_customers_subject_and_text_arrive_as_typed_not_html_escaped(client, admin_user):
    from tickets import actions

    subject = "Can't log in & <pay>"
    client.post("/en/contact/", form_data(subject=subject, requester_name="O'Brien & <Co>"))
    ticket = Ticket.objects.get()
    actions.agent_reply(ticket, admin_user, 'Tap "Forgot password" & check <spam>.')
    actions.solve(ticket)

    ack, reply, survey = delivered()
    tag = f"[{ticket.reference}]"
    assert ack["Subject"] == f"We received your request: {subject} {tag}"
    assert reply["Subject"] == f"Re: {subject} {tag}"
    assert survey["Subject"] == f"How did we do? {subject} {tag}"
    assert ack.get_content().startswith("Hello O'Brien & <Co>,")
    assert reply.get_content().startswith('Tap "Forgot password" & check <spam>.')
    for message in (ack, reply, survey):
        assert "&amp;" not in message.as_string() and "&#x27;" not in message.as_string()


def test_acknowledgements_are_automatic_answers_and_agent_replies_are_not(client, admin_user):
    from tickets import actions

    client.post("/ko/contact/", form_data())
    ticket = Ticket.objects.get()
    actions.agent_reply(ticket, admin_user, "확인했습니다.")
    actions.solve(ticket)
    assert [m["Auto-Submitted"] for m in delivered()] == ["auto-replied", None, "auto-generated"]


def test_an_agents_attachments_go_out_with_the_reply(client, admin_user):
    from tests.tickets.conftest import PNG, upload
    from tickets import actions

    client.post("/ko/contact/", form_data())
    ticket = Ticket.objects.get()
    actions.agent_reply(ticket, admin_user, "안내서를 첨부합니다.", uploads=[(upload("안내.png"), "image/png")])
    _ack, reply = delivered()
    (attachment,) = reply.iter_attachments()
    assert (attachment.get_filename(), attachment.get_content()) == ("안내.png", PNG)
