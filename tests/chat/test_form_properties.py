"""Property-based tests of the chat widget's forms: the pre-chat form (start), the message left
when nobody is there, and the "this article helped" count. Whatever is posted, the answer is JSON
with a status the widget handles (never a 500), and a message left is stored exactly once."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat.models import Chat, ChatDeflection
from tests.properties import EMAIL, plain_text, random_form, rolled_back
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
FIXTURES_OK = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
PRE_CHAT_FIELDS = ["name", "email", "topic", "text", "confirm"]


@pytest.mark.parametrize("path", ["/ko/chat/start/", "/en/chat/leave-message/", "/ko/chat/deflected/"])
def test_a_get_is_refused_with_405(path):
    assert Client().get(path).status_code == 405


@FIXTURES_OK
@given(data=random_form(PRE_CHAT_FIELDS))
def test_any_pre_chat_post_gets_json_the_widget_understands(data):
    with rolled_back():
        response = Client().post("/ko/chat/start/", data)
        body = response.json()
        assert response.status_code in {200, 201, 400, 409, 429}
        if response.status_code == 400:
            assert set(body["errors"]) <= set(PRE_CHAT_FIELDS)
        # Nobody is online in these tests: no chat can have started.
        assert not Chat.objects.exists()


@FIXTURES_OK
@given(data=random_form(PRE_CHAT_FIELDS))
def test_any_left_message_post_gets_json_and_at_most_one_ticket(data):
    with rolled_back():
        response = Client().post("/ko/chat/leave-message/", data)
        assert response.status_code in {201, 400, 429}
        assert Ticket.objects.count() == (1 if response.status_code == 201 else 0)
        if response.status_code == 400:
            assert set(response.json()["errors"]) <= set(PRE_CHAT_FIELDS)


VALID_MESSAGE = st.fixed_dictionaries(
    {
        "name": plain_text(100),
        "email": EMAIL,
        "topic": st.sampled_from(Ticket.Topic.values),
        "text": plain_text(2000, lines=True),
    }
)


@FIXTURES_OK
@given(data=VALID_MESSAGE)
def test_a_valid_left_message_becomes_one_ticket_as_typed(data):
    with rolled_back():
        response = Client().post("/ko/chat/leave-message/", data)
        ticket = Ticket.objects.get()
        assert (response.status_code, response.json()["reference"]) == (201, ticket.reference)
        text = data["text"].strip()
        assert (ticket.requester_name, ticket.requester_email, ticket.topic, ticket.channel) == (
            data["name"].strip(),
            data["email"],
            data["topic"],
            "chat",
        )
        assert ticket.subject == text.splitlines()[0][:120]
        assert ticket.messages.get().body == text


@FIXTURES_OK
@given(data=random_form(["question", "article"]))
def test_any_deflection_post_counts_at_most_one_article(data):
    with rolled_back():
        response = Client().post("/ko/chat/deflected/", data)
        assert response.status_code in {200, 400}
        assert ChatDeflection.objects.count() == (1 if response.status_code == 200 else 0)
