"""The agents' search after bulk writes (QuerySet.update, bulk_update, bulk_create), which send no
post_save: the next search shows the change, whoever made it (helpcenter/bulkwrites.py)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.tickets.test_ticket_search import agent, found, member, new_ticket, tickets  # noqa: F401 - fixtures
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def test_subjects_changed_in_bulk_are_found_at_once_and_the_old_words_are_not(client, agent, tickets):  # noqa: F811
    client.force_login(agent)
    Ticket.objects.filter(pk__in=[tickets["refund"].pk, tickets["other"].pk]).update(subject="재생 오류")
    assert sorted(found(client, "재생")) == sorted([tickets["refund"].reference, tickets["other"].reference])
    assert found(client, "비밀번호") == [tickets["other"].reference]  # still in its message
    assert found(client, "문의드립니다") == []


def test_a_requester_name_changed_with_bulk_update_is_found(client, agent, tickets):  # noqa: F811
    client.force_login(agent)
    ticket = tickets["cancel"]
    ticket.requester_name = "박영희"
    Ticket.objects.bulk_update([ticket], ["requester_name"])
    assert found(client, "박영희") == [ticket.reference]


def test_messages_moved_to_another_ticket_are_found_there_and_no_longer_in_the_old_one(client, agent, tickets):  # noqa: F811
    client.force_login(agent)
    moved, target = tickets["refund"], tickets["other"]
    Message.objects.filter(ticket=moved).update(ticket=target)
    assert found(client, "해지") == [target.reference]
    assert found(client, "비밀번호") == [target.reference]


def test_a_message_text_rewritten_in_bulk_is_found(client, agent, tickets):  # noqa: F811
    client.force_login(agent)
    Message.objects.filter(ticket=tickets["cancel"]).update(body="영수증을 다시 보내 주세요")
    assert found(client, "영수증") == [tickets["cancel"].reference]
    assert found(client, "어제") == []


def test_messages_created_in_bulk_are_found(client, agent, tickets):  # noqa: F811
    client.force_login(agent)
    Message.objects.bulk_create(
        [Message(ticket=tickets["english"], author_kind=Message.Author.CUSTOMER, body="The invoice never came")]
    )
    assert found(client, "invoice") == [tickets["english"].reference]


def test_a_bulk_write_of_fields_the_search_does_not_read_costs_no_extra_query(tickets, django_assert_num_queries):  # noqa: F811
    with django_assert_num_queries(1):
        Ticket.objects.filter(pk=tickets["refund"].pk).update(status=Ticket.Status.PENDING)
    with django_assert_num_queries(1):
        Message.objects.filter(ticket=tickets["refund"]).update(message_id="<x@example.com>")


def test_an_erased_customer_is_no_longer_found(client, agent, tickets):  # noqa: F811
    client.force_login(agent)
    call_command("customer_data", "erase", "kim@example.com", "--yes", stdout=StringIO())
    assert found(client, "kim@example.com") == []
    assert found(client, "결제취소") == []


def test_a_stranger_to_tickets_finds_nothing_after_a_bulk_write_either(client, tickets):  # noqa: F811
    Ticket.objects.filter(pk=tickets["refund"].pk).update(subject="재생 오류")
    client.force_login(member("editor", "Editors"))
    assert client.get("/admin/tickets/ticket/", {"q": "재생"}).status_code == 403
