from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command

from outbox.models import OutgoingEmail
from tests.tickets.conftest import PDF, form_data, upload
from tickets.models import SuggestionClick, Ticket

pytestmark = pytest.mark.django_db
URL = "/ko/contact/"


def test_the_form_asks_for_the_details_the_help_articles_name(client):
    html = client.get(URL).content.decode()
    for name in [
        "requester_name",
        "requester_email",
        "topic",
        "subject",
        "description",
        "device",
        "operating_system",
        "app_version",
        "error_message",
        "attachments",
    ]:
        assert f'name="{name}"' in html, name
    for topic in ["account", "subscription", "payment", "refund", "playback", "other"]:
        assert f'value="{topic}"' in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html


def test_submitting_opens_a_ticket_and_shows_its_reference(client):
    response = client.post(
        URL, form_data(attachments=[upload(), upload("receipt.pdf", PDF, "application/pdf")]), follow=True
    )
    ticket = Ticket.objects.get()
    assert ticket.reference in response.content.decode()
    assert ticket.channel == "web" and ticket.status == "new" and ticket.topic == "payment"
    assert ticket.device == "Galaxy S24" and ticket.app_version == "7.2.1"
    message = ticket.messages.get()
    assert message.body.startswith("11월 3일에")
    assert sorted(a.filename for a in message.attachments.all()) == ["receipt.pdf", "screenshot.png"]
    assert {a.content_type for a in message.attachments.all()} == {"image/png", "application/pdf"}


def test_the_acknowledgement_carries_the_reference_and_a_private_link(client):
    client.post(URL, form_data())
    ticket = Ticket.objects.get()
    queued = OutgoingEmail.objects.get(kind="acknowledgement")
    assert queued.to == "hong@example.com" and ticket.reference in queued.subject
    # The link is signed with a timestamp, so compare what it opens rather than its text.
    token = re.search(r"/ko/requests/([^/\s]+)/", queued.body).group(1)
    assert Ticket.from_tracking_token(token) == ticket
    assert mail.outbox == []  # queued, not sent inside the request
    call_command("send_queued_mail", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1 and ticket.reference in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-replied"


def test_card_and_resident_numbers_are_masked_everywhere_before_saving(client):
    client.post(
        URL,
        form_data(
            subject="카드 4111 1111 1111 1111 이중 결제",
            description="카드번호 4111-1111-1111-1111, 주민번호 900101-1123459",
            error_message="card 4111111111111111 declined",
            attachments=[upload("4111111111111111 영수증.png")],
        ),
    )
    ticket = Ticket.objects.get()
    stored = " ".join(
        [
            ticket.subject,
            ticket.error_message,
            ticket.messages.get().body,
            ticket.messages.get().attachments.get().filename,
            OutgoingEmail.objects.get().subject,
        ]
    )
    assert "4111" not in stored.replace("************1111", "")
    assert "************1111" in ticket.subject
    assert "900101-1123459" not in stored and "******-*******" in stored


@pytest.mark.parametrize(
    "files, message",
    [
        ([upload("virus.png", b"MZ\x90\x00 not an image", "image/png")], "is not an image or a PDF"),
        ([upload(f"s{i}.png") for i in range(6)], "at most 5 files"),
        ([upload("huge.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1), "application/pdf")], "at most 10"),
    ],
)
def test_bad_uploads_get_a_clear_message_and_keep_the_typed_text(client, files, message):
    response = client.post("/en/contact/", form_data(attachments=files))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "11월 요금이 두 번 결제됐어요" in html  # nothing the customer typed is lost
    assert Ticket.objects.count() == 0


def test_missing_fields_are_explained(client):
    response = client.post(URL, form_data(requester_email="not-an-email", subject=""))
    assert response.status_code == 200
    assert Ticket.objects.count() == 0
    assert 'class="invalid-feedback"' in response.content.decode()


def test_the_honeypot_catches_bots(client):
    response = client.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert Ticket.objects.count() == 0


def test_forged_posts_without_csrf_are_refused(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(URL, form_data())
    assert response.status_code == 403
    assert Ticket.objects.count() == 0


def test_rate_limit_per_address_has_a_friendly_message(client, settings):
    settings.HELPCENTER_RATE_PER_ADDRESS = 2
    for i in range(2):
        client.post(URL, form_data(subject=f"결제 문의 {i}"))
    response = client.post(URL, form_data(subject="결제 문의 3"))
    assert response.status_code == 200
    assert "several requests" in response.content.decode() or "여러 번" in response.content.decode()
    assert Ticket.objects.count() == 2


def test_rate_limit_per_ip_address(client, settings):
    settings.HELPCENTER_RATE_PER_IP = 2
    for i in range(3):
        client.post(URL, form_data(requester_email=f"user{i}@example.com"))
    assert Ticket.objects.count() == 2


def test_a_callback_request_is_a_phone_ticket(client):
    response = client.post(
        "/ko/contact/callback/",
        {
            "callback-requester_name": "김철수",
            "callback-requester_email": "kim@example.com",
            "callback-callback_number": "010-1234-5678",
            "callback-callback_time": "평일 오후 2시 이후",
            "callback-topic": "account",
            "callback-subject": "로그인이 안 돼요",
        },
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert ticket.channel == "phone" and ticket.callback_number == "010-1234-5678"
    assert ticket.reference in response.content.decode()


def test_a_callback_needs_a_real_number(client):
    client.post(
        "/ko/contact/callback/",
        {
            "callback-requester_name": "김철수",
            "callback-requester_email": "kim@example.com",
            "callback-callback_number": "12",
            "callback-callback_time": "언제든",
            "callback-topic": "account",
            "callback-subject": "전화 주세요",
        },
    )
    assert Ticket.objects.count() == 0


def test_an_opened_suggestion_then_no_request_is_a_deflection(client, corpus):
    response = client.get("/ko/contact/suggestion/refund-policy/", {"q": "환불"})
    assert response.status_code == 302 and response["Location"] == "/ko/faq/articles/refund-policy/"
    click = SuggestionClick.objects.get()
    assert click.article_slug == "refund-policy" and not click.submitted_anyway
    client.post(URL, form_data())
    click.refresh_from_db()
    assert click.submitted_anyway  # not a deflection after all


def test_the_thanks_page_is_only_for_the_person_who_submitted(client, db):
    response = client.get("/ko/contact/sent/")
    assert response.status_code == 302 and response["Location"] == "/ko/contact/"
