"""The agents' ticket search (tickets/search.py) through the ticket list: Korean particles and
missing spaces, English in any case, e-mail and reference, every message, the finds marked and
escaped, the documents kept up to date, and only for those who work tickets."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpcenter import roles
from tests.unannounced import update_unannounced
from tickets import search
from tickets.models import Message, Ticket, TicketSearchDocument

pytestmark = pytest.mark.django_db
LIST = "/admin/tickets/ticket/"


def member(username: str, group: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def agent(db):
    return member("alice", roles.AGENTS)


def new_ticket(subject: str, message: str = "", email: str = "hong@example.com") -> Ticket:
    ticket = Ticket.objects.create(subject=subject, requester_email=email)
    if message:
        ticket.add_customer_message(message)
    return ticket


def found(client, query: str) -> list[str]:
    """The references the list shows for a search, in the order shown."""
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    return [ticket.reference for ticket in response.context["cl"].result_list]


@pytest.fixture
def tickets(agent):
    return {
        "refund": new_ticket("문의드립니다", "지난주에 해지했는데 환불을 아직 못 받았어요."),
        "cancel": new_ticket("결제 취소 부탁드립니다", "어제 결제한 건입니다.", email="kim@example.com"),
        "english": new_ticket("Refund please", "I was CHARGED twice for Premium.", email="Lee.Park@Example.com"),
        "other": new_ticket(
            "로그인이 안 돼요", "비밀번호를 바꾼 뒤로 앱에 들어갈 수 없습니다.", email="choi@example.com"
        ),
    }


def test_a_word_is_found_whatever_particle_follows_it(client, agent, tickets):
    client.force_login(agent)
    for query in ("환불", "환불이", "환불은", "환불을"):
        assert found(client, query) == [tickets["refund"].reference], query


def test_a_query_typed_without_spaces_finds_the_spaced_words(client, agent, tickets):
    client.force_login(agent)
    assert found(client, "결제취소") == [tickets["cancel"].reference]
    assert found(client, "결제 취소") == [tickets["cancel"].reference]


def test_english_is_found_in_any_letter_case_and_form(client, agent, tickets):
    client.force_login(agent)
    assert found(client, "REFUNDS") == [tickets["english"].reference]
    assert found(client, "charge") == [tickets["english"].reference]


def test_every_word_must_be_found(client, agent, tickets):
    client.force_login(agent)
    assert found(client, "환불 비밀번호") == []
    assert found(client, "비밀번호 앱") == [tickets["other"].reference]


def test_an_email_address_finds_that_requesters_tickets_in_any_case(client, agent, tickets):
    client.force_login(agent)
    assert found(client, "lee.park@example.com") == [tickets["english"].reference]
    assert found(client, "KIM@EXAMPLE.COM") == [tickets["cancel"].reference]
    assert found(client, "nobody@example.com") == []


def test_a_reference_finds_its_ticket(client, agent, tickets):
    client.force_login(agent)
    reference = tickets["other"].reference
    assert found(client, reference) == [reference]
    assert found(client, reference.lower()) == [reference]


def test_a_later_message_and_a_new_subject_are_searchable(client, agent, tickets):
    client.force_login(agent)
    ticket = tickets["other"]
    ticket.add_agent_reply(agent, "재생 문제는 앱을 다시 설치하면 해결됩니다.")
    assert found(client, "재설치") == []
    assert found(client, "설치하면") == [ticket.reference]
    ticket.subject = "계정 잠금"
    ticket.save()
    assert found(client, "계정") == [ticket.reference]
    assert found(client, "로그인") == []  # the old subject no longer matches


def test_a_deleted_message_is_no_longer_found(client, agent, tickets):
    client.force_login(agent)
    Message.objects.filter(ticket=tickets["refund"]).delete()
    assert found(client, "환불") == []


def _document_statements(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "tickets_ticketsearchdocument" in query["sql"]]


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_a_deleted_ticket_does_not_rewrite_its_document_for_each_of_its_messages(client, agent, how):
    ticket = new_ticket("환불 문의", "첫 번째 메시지")
    for number in range(2, 6):
        ticket.add_customer_message(f"{number} 번째 메시지")
    other = new_ticket("다른 문의", "환불 메시지는 남아요")
    with CaptureQueriesContext(connection) as captured:
        if how == "instance":
            Ticket.objects.get(pk=ticket.pk).delete()
        else:
            Ticket.objects.filter(pk=ticket.pk).delete()
    # Its document goes with it (one cascade DELETE), and is never rewritten on the way.
    assert not [sql for sql in _document_statements(captured) if sql.startswith("UPDATE")]
    assert not TicketSearchDocument.objects.filter(ticket_id=ticket.pk).exists()
    client.force_login(agent)
    assert found(client, "환불") == [other.reference]

    # A message deleted on its own still rewrites its ticket's document, right after.
    Message.objects.filter(ticket=other).delete()
    assert found(client, "환불") == []


def test_the_finds_are_marked_in_the_subject_and_a_snippet(client, agent, tickets):
    client.force_login(agent)
    page = client.get(LIST, {"q": "결제취소"}).content.decode()
    assert (
        '<span class="console-subject" title="결제 취소 부탁드립니다"><mark>결제</mark> <mark>취소</mark> 부탁드립니다</span>'
        in page
    )
    page = client.get(LIST, {"q": "환불이"}).content.decode()
    assert '<span class="console-snippet">지난주에 해지했는데 <mark>환불</mark>을 아직 못 받았어요.</span>' in page


def test_markup_in_a_message_is_shown_escaped(client, agent):
    ticket = new_ticket("환불 문의", '<script>alert("환불")</script> 환불 요청합니다')
    client.force_login(agent)
    page = client.get(LIST, {"q": "환불"}).content.decode()
    assert found(client, "환불") == [ticket.reference]
    assert "<script>alert" not in page
    assert (
        '<span class="console-snippet">&lt;script&gt;alert(&quot;<mark>환불</mark>&quot;)&lt;/script&gt; '
        "<mark>환불</mark> 요청합니다</span>"
    ) in page


def test_a_query_of_nothing_searchable_finds_nothing_and_does_not_fail(client, agent, tickets):
    client.force_login(agent)
    for query in ("%", "_", "the", "ㅎㅂ", "'; DROP TABLE tickets_ticket; --"):
        assert found(client, query) == [], query
    assert Ticket.objects.count() == 4


@pytest.mark.parametrize("group", [roles.EDITORS, roles.FINANCE])
def test_an_editor_or_finance_member_cannot_search_tickets(client, tickets, group):
    client.force_login(member("stranger", group))
    assert client.get(LIST, {"q": "환불"}).status_code == 403


def test_the_search_reads_one_document_per_ticket_not_every_message(client, agent, tickets):
    client.force_login(agent)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, {"q": "환불"})
    searched = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"]]
    assert searched and all('"tickets_message"' not in sql for sql in searched)


def test_rebuild_writes_every_document_again(tickets):
    TicketSearchDocument.objects.all().delete()
    update_unannounced(Ticket.objects.filter(pk=tickets["refund"].pk), subject="재생 오류")  # as raw SQL would
    assert search.rebuild(chunk=3) == 4
    assert list(search.matching(Ticket.objects.all(), "재생").values_list("pk", flat=True)) == [tickets["refund"].pk]


def search_queries(client, query: str, count: int) -> tuple[int, int]:
    for number in range(count):
        new_ticket(f"환불 문의 {number}", f"환불을 요청합니다 {number}", email="many@example.com")
    cache.clear()  # the saved views' counts are cached: both sizes count them afresh
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": query})
    return len(response.context["cl"].result_list), len(queries)


@pytest.mark.parametrize("query", ["환불", "many@example.com"])
def test_a_search_takes_as_many_queries_for_fifty_results_as_for_five(client, agent, query):
    client.force_login(agent)
    shown_five, with_five = search_queries(client, query, 5)
    shown_fifty, with_fifty = search_queries(client, query, 45)
    assert (shown_five, shown_fifty) == (5, 50)
    assert with_five == with_fifty


def test_the_document_holds_terms_not_the_text(tickets):
    text = TicketSearchDocument.objects.get(ticket=tickets["refund"]).text
    assert re.search(r" 환불 ", text) and "환불을" not in text


def test_the_rebuild_command_says_how_many_tickets_it_indexed(tickets):
    from io import StringIO

    from django.core.management import call_command

    TicketSearchDocument.objects.all().delete()
    out = StringIO()
    call_command("rebuild_ticket_search", stdout=out)
    assert out.getvalue().startswith("Indexed 4 tickets in ")
    assert TicketSearchDocument.objects.count() == 4


def test_a_requesters_name_finds_their_tickets(client, agent):
    ticket = Ticket.objects.create(subject="문의", requester_email="kim@example.com", requester_name="김민준")
    Ticket.objects.create(subject="문의", requester_email="lee@example.com", requester_name="이서연")
    client.force_login(agent)
    assert found(client, "김민준") == [ticket.reference]
