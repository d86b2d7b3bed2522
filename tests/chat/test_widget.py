"""The widget's page side: the button, availability, suggested articles first, leaving a message."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chat.hours import open_in
from chat.models import Chat, ChatDeflection
from faq.portable import import_document
from helpcenter import roles
from tests.chat.conftest import make_staff
from tests.conftest import SMALL_CORPUS
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
START = {"name": "홍길동", "email": "hong@example.com", "topic": "refund", "text": "환불 정책이 궁금해요"}


def test_every_public_page_has_the_chat_button_linking_to_the_contact_form_without_javascript(client):
    page = client.get("/ko/").content.decode()
    assert '<a class="btn btn-primary chat-launcher shadow" id="chat-launcher" href="/ko/contact/"' in page
    assert "채팅 상담하기" in page
    assert '<script src="/static/js/chat-widget.js" defer></script>' in page
    assert "<script>" not in page and "style=" not in page


def test_outside_chat_hours_the_button_offers_to_leave_a_message(client, chat_channel):
    chat_channel.hours_en = "Closed until further notice 00:00–00:00"
    chat_channel.save()
    page = client.get("/en/").content.decode()
    assert '<span class="d-block fw-semibold">Leave us a message</span>' in page
    assert (
        '<span class="d-block small" id="chat-availability" aria-live="polite">Closed until further notice 00:00–00:00</span>'
        in page
    )


def test_hours_follow_the_contact_channel_text():
    tuesday_noon = datetime(2026, 12, 1, 12, 0, tzinfo=SEOUL)
    assert open_in("평일 10:00–22:00", tuesday_noon) is True
    assert open_in("평일 10:00–22:00", tuesday_noon.replace(hour=23)) is False
    assert open_in("Weekdays 10:00–22:00 KST", datetime(2026, 12, 5, 12, 0, tzinfo=SEOUL)) is False  # Saturday
    assert open_in("평일 10:00–22:00", datetime(2026, 12, 25, 12, 0, tzinfo=SEOUL)) is False  # Christmas
    assert open_in("매일 09:00-18:00", datetime(2026, 12, 6, 9, 0, tzinfo=SEOUL)) is True


def test_status_says_who_is_online_and_the_wait(client):
    assert client.get("/ko/chat/status/").json() == {
        "open": True,
        "hours": "매일 00:00–24:00",
        "agents_online": 0,
        "waiting": 0,
        "expected_wait_minutes": None,
        "chat": None,
    }
    make_staff("kim", roles.AGENTS, online=True)
    assert client.get("/ko/chat/status/").json()["expected_wait_minutes"] == 0


def test_the_first_message_shows_matching_articles_before_an_agent(client):
    import_document(SMALL_CORPUS)
    make_staff("kim", roles.AGENTS, online=True)
    answer = client.post("/ko/chat/start/", START).json()
    assert [s["slug"] for s in answer["suggestions"]][0] == "refund-policy"
    assert Chat.objects.count() == 0
    client.post("/ko/chat/deflected/", {"question": START["text"], "article": "refund-policy"})
    assert list(ChatDeflection.objects.values_list("article_slug", "question")) == [
        ("refund-policy", "환불 정책이 궁금해요")
    ]


def test_confirming_starts_the_chat_with_an_httponly_token(client):
    make_staff("kim", roles.AGENTS, online=True)
    response = client.post("/ko/chat/start/", {**START, "confirm": "1"})
    assert response.status_code == 201
    cookie = response.cookies["hc_chat"]
    assert cookie["httponly"] is True and len(cookie.value) >= 40
    chat = Chat.objects.get()
    assert (chat.state, chat.agent.username, chat.ticket.channel, chat.ticket.topic) == (
        "active",
        "kim",
        "chat",
        "refund",
    )
    assert client.get("/ko/chat/status/").json()["chat"]["id"] == chat.pk
    assert Chat.for_token(cookie.value) == chat


def test_with_nobody_online_the_customer_leaves_a_message_that_becomes_a_ticket(client):
    refused = client.post("/ko/chat/start/", {**START, "confirm": "1"})
    assert (refused.status_code, refused.json()["leave_message"]) == (409, True)
    left = client.post("/ko/chat/leave-message/", START)
    assert left.status_code == 201
    ticket = Ticket.objects.get()
    assert left.json()["message"] == f"감사합니다. 이메일로 답변드릴게요. 문의 번호는 {ticket.reference}입니다."
    assert (ticket.channel, ticket.requester_email, ticket.messages.get().body) == (
        "chat",
        "hong@example.com",
        START["text"],
    )


def test_a_bad_form_gets_field_errors_not_a_500(client):
    response = client.post("/ko/chat/start/", {"name": "", "email": "nope", "text": ""})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "email", "topic", "text"}
