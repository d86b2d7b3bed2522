"""What the customer reads on the tracking, survey and contact pages, in the page's own language."""

from __future__ import annotations

import re

import pytest

from tests.tickets.conftest import form_data
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data())
    return Ticket.objects.get()


def conversation(html: str) -> str:
    return html[html.index('<ol class="list-unstyled conversation') : html.index("</ol>")]


def test_the_customers_own_solving_reads_in_the_language_of_the_page(client, ticket):
    token = ticket.tracking_token()
    client.post(f"/ko/requests/{token}/solved/")
    note = ticket.messages.get(author_kind=Message.Author.SYSTEM)
    assert note.body == "고객님이 이 문의를 해결됨으로 표시하셨어요."  # agents read the request's language

    english = conversation(client.get(f"/en/requests/{token}/").content.decode())
    assert "You marked this request as solved." in english
    assert "해결됨으로" not in english
    korean = conversation(client.get(f"/ko/requests/{token}/").content.decode())
    assert "고객님이 이 문의를 해결됨으로 표시하셨어요." in korean


def test_notes_from_before_the_event_was_recorded_are_recognised(client, ticket):
    from importlib import import_module

    from django.apps import apps

    Message.objects.create(ticket=ticket, author_kind=Message.Author.SYSTEM, body="You marked this request as solved.")
    agent_text = Message.objects.create(ticket=ticket, author_kind=Message.Author.AGENT, body="해결됨으로 표시할게요")
    import_module("tickets.migrations.0003_message_event_in_the_readers_language").mark_existing_events(apps, None)
    note = ticket.messages.get(author_kind=Message.Author.SYSTEM)
    assert note.event == Message.Event.SOLVED_BY_CUSTOMER
    agent_text.refresh_from_db()
    assert agent_text.event == ""
    korean = conversation(client.get(f"/ko/requests/{ticket.tracking_token()}/").content.decode())
    assert "고객님이 이 문의를 해결됨으로 표시하셨어요." in korean


def test_the_satisfaction_scale_names_both_ends(client, ticket):
    from tickets import actions

    actions.solve(ticket)
    html = client.get(f"/ko/requests/{ticket.tracking_token()}/survey/").content.decode()
    labels = re.findall(r'<label for="id_rating_\d" class="form-check-label">\s*(.*?)\s*</label>', html)
    assert labels == ["1 – 매우 불만족", "2", "3", "4", "5 – 매우 만족"]
    english = client.get(f"/en/requests/{ticket.tracking_token()}/survey/").content.decode()
    assert "1 – Very dissatisfied" in english and "5 – Very satisfied" in english


def test_without_javascript_the_contact_page_promises_no_live_suggestions(client):
    html = client.get("/ko/contact/").content.decode()
    assert re.search(r'<p class="[^"]*" data-suggest-hint hidden>제목을 입력하면', html)
    assert ">전체 도움말 문서 보기</a>" in html  # the way to the articles stays
