"""Property-based tests of the public ticket forms: the contact form, the call-back form, the
ticket look-up, the reply box and the satisfaction survey. Whatever is posted, the answer is a page
or a redirect (never a 500), and a valid submission is stored exactly once, as typed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outbox.models import OutgoingEmail
from tests.properties import EMAIL, plain_text, random_form, rolled_back
from tickets.models import Message, SatisfactionResponse, Ticket

pytestmark = pytest.mark.django_db
FIXTURES_OK = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
CONTACT_FIELDS = ["requester_name", "requester_email", "topic", "subject", "description", "device"]
CONTACT_FIELDS += ["operating_system", "app_version", "error_message", "website", "submission_token"]


def post(path: str, data: dict, **extra):
    response = Client().post(path, data, **extra)
    assert response.status_code in {200, 302, 400, 403, 404, 405, 413, 429}, response.status_code
    return response


@FIXTURES_OK
@given(data=random_form(CONTACT_FIELDS))
def test_any_contact_form_post_gets_a_page_and_never_half_a_ticket(data):
    with rolled_back():
        response = post(reverse("tickets:new"), data)
        # Either a ticket with its first message and acknowledgement, or nothing at all.
        assert Ticket.objects.count() == Message.objects.count() == OutgoingEmail.objects.count()
        assert Ticket.objects.count() == (1 if response.status_code == 302 else 0)


@FIXTURES_OK
@given(data=random_form([f"callback-{name}" for name in ["requester_name", "requester_email", "callback_number"]]))
def test_any_callback_form_post_gets_a_page(data):
    with rolled_back():
        response = post(reverse("tickets:callback"), data)
        assert Ticket.objects.count() == (1 if response.status_code == 302 else 0)


VALID_CONTACT = st.fixed_dictionaries(
    {
        "requester_name": plain_text(100),
        "requester_email": EMAIL,
        "topic": st.sampled_from(Ticket.Topic.values),
        "subject": plain_text(200),
        "description": plain_text(2000, lines=True),
        "submission_token": st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=8, max_size=64),
    }
)


@FIXTURES_OK
@given(data=VALID_CONTACT)
def test_a_valid_contact_form_is_stored_once_as_typed_even_when_sent_twice(data):
    with rolled_back():
        client = Client()
        first = client.post(reverse("tickets:new"), data)
        second = client.post(reverse("tickets:new"), data)  # a double click
        assert (first.status_code, first["Location"]) == (302, reverse("tickets:submitted"))
        assert second.status_code == 302
        ticket = Ticket.objects.get()
        assert (ticket.requester_name, ticket.requester_email, ticket.topic, ticket.subject) == (
            data["requester_name"].strip(),
            data["requester_email"],
            data["topic"],
            data["subject"].strip(),
        )
        assert ticket.messages.get().body == data["description"].strip()
        assert OutgoingEmail.objects.filter(kind="acknowledgement").count() == 1


@pytest.fixture
def ticket(db) -> Ticket:
    return Ticket.objects.create(subject="결제 문의", requester_email="hong@example.com", requester_name="홍길동")


@FIXTURES_OK
@given(data=random_form(["reference", "email"]))
def test_any_lookup_post_gets_the_same_answer_and_sends_no_stranger_a_link(ticket, data):
    with rolled_back():
        response = post(reverse("tickets:lookup"), data)
        links = OutgoingEmail.objects.filter(kind="link")
        assert links.count() <= 1
        assert all(link.to == "hong@example.com" for link in links)
        if response.status_code == 302:
            assert response["Location"] == reverse("tickets:lookup")


@FIXTURES_OK
@given(
    reference_case=st.sampled_from([str.upper, str.lower, str.title]),
    padding=st.sampled_from(["", " ", "  "]),
    email_case=st.sampled_from([str.upper, str.lower]),
)
def test_the_owner_gets_one_fresh_link_however_they_type_the_reference(ticket, reference_case, padding, email_case):
    with rolled_back():
        reference = padding + reference_case(ticket.reference) + padding
        response = post(reverse("tickets:lookup"), {"reference": reference, "email": email_case("hong@example.com")})
        assert response.status_code == 302
        assert list(OutgoingEmail.objects.filter(kind="link").values_list("to", flat=True)) == ["hong@example.com"]


@FIXTURES_OK
@given(data=random_form(["body", "attachments"]))
def test_any_reply_post_gets_a_page_and_adds_at_most_one_message(ticket, data):
    with rolled_back():
        before = ticket.messages.count()
        response = post(reverse("tickets:reply", args=[ticket.tracking_token()]), data)
        assert ticket.messages.count() - before == (1 if response.status_code == 302 else 0)


@FIXTURES_OK
@given(data=random_form(["rating", "comment"]), query=st.sampled_from(["", "?rating=5", "?rating=x", "?rating=%00"]))
def test_any_survey_post_gets_a_page_and_stores_at_most_one_answer(ticket, data, query):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.SOLVED)
    with rolled_back():
        response = post(reverse("tickets:survey", args=[ticket.tracking_token()]) + query, data)
        assert SatisfactionResponse.objects.count() == (1 if response.status_code == 302 else 0)


@FIXTURES_OK
@given(rating=st.integers(1, 5), comment=st.one_of(st.just(""), plain_text(2000, lines=True)))
def test_a_valid_survey_answer_is_stored_once_as_given(ticket, rating, comment):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.SOLVED)
    with rolled_back():
        path = reverse("tickets:survey", args=[ticket.tracking_token()])
        client = Client()
        answers = [client.post(path, {"rating": str(rating), "comment": comment}) for _ in range(2)]
        # The second post finds the first answer and shows it, as the page does once answered.
        assert [response.status_code for response in answers] == [302, 200]
        answer = SatisfactionResponse.objects.get()
        assert (answer.ticket_id, answer.rating, answer.comment) == (ticket.pk, rating, comment.strip())
