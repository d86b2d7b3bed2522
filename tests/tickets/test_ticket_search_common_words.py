"""A search for a common word on SQLite (tickets/search.py, _sqlite_matching): the list walks the
newest tickets and reads each one's document instead of listing every match first, and shows
exactly what the list of matches would have shown (same tickets, same order, same count)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpcenter import roles
from tests.tickets.test_ticket_search import LIST, member
from tickets import search
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner and its FTS5 table")


@pytest.fixture
def agent(db):
    return member("alice", roles.AGENTS)


@pytest.fixture
def tickets_over_days():
    """Seven refund tickets on seven days (two solved), and three about something else."""
    made = {}
    now = timezone.now()
    for day in range(7):
        made[f"refund-{day}"] = Ticket.objects.create(
            subject=f"환불 문의 {day}",
            requester_email=f"refund{day}@example.com",
            created_at=now - timedelta(days=day),
        )
        made[f"refund-{day}"].add_customer_message("해지했는데 환불을 아직 못 받았어요.")
    # After the messages: a customer's message reopens a solved ticket.
    Ticket.objects.filter(pk__in=[made["refund-2"].pk, made["refund-5"].pk]).update(status="solved")
    Ticket.objects.exclude(status="solved").update(status="open")
    for day in range(3):
        made[f"login-{day}"] = Ticket.objects.create(
            subject="로그인 문의", requester_email=f"login{day}@example.com", created_at=now - timedelta(days=day)
        )
        made[f"login-{day}"].add_customer_message("비밀번호를 바꾼 뒤로 들어갈 수 없습니다.")
    return made


def listed(client, params: dict) -> tuple[list[str], str, list[str]]:
    """(references in the order shown, the count the page says, the page's SQL)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    references = [ticket.reference for ticket in response.context["cl"].result_list]
    return references, response.context["cl"].result_count.shown, [q["sql"] for q in queries.captured_queries]


QUERIES = [
    {"q": "환불"},
    {"q": "환불을"},
    {"q": "환불 문의"},
    {"q": "환불", "status__exact": "open"},
    {"q": "환불", "o": "-1"},  # sorted by reference, newest last
    {"q": "비밀번호"},
]


@pytest.mark.parametrize("params", QUERIES)
def test_a_common_word_lists_the_same_tickets_in_the_same_order_as_a_rare_one(
    client, agent, tickets_over_days, monkeypatch, params
):
    client.force_login(agent)
    as_rare = listed(client, params)[:2]
    monkeypatch.setattr(search, "SQLITE_COMMON_FROM", 2)  # every word here is now common
    as_common = listed(client, params)[:2]
    assert as_common == as_rare
    assert as_rare[0]  # each query finds something


def test_the_newest_refund_tickets_come_first_with_their_count(client, agent, tickets_over_days, monkeypatch):
    client.force_login(agent)
    expected = [tickets_over_days[f"refund-{day}"].reference for day in range(7)]
    assert listed(client, {"q": "환불"})[:2] == (expected, "7")
    monkeypatch.setattr(search, "SQLITE_COMMON_FROM", 2)
    assert listed(client, {"q": "환불"})[:2] == (expected, "7")
    open_ones = [tickets_over_days[f"refund-{day}"].reference for day in (0, 1, 3, 4, 6)]
    assert listed(client, {"q": "환불", "status__exact": "open"})[:2] == (open_ones, "5")


def _plans(sql_statements: list[str]) -> list[str]:
    """SQLite's query plan of every statement of a page that reads the ticket table."""
    plans = []
    with connection.cursor() as cursor:
        for sql in sql_statements:
            if '"tickets_ticket"' in sql and sql.lstrip().upper().startswith("SELECT"):
                # Django writes the parameters into the SQLite statements it captures.
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plans.append(" / ".join(row[-1] for row in cursor.fetchall()))
    return plans


@sqlite_only
@pytest.mark.parametrize("common_from", [2, search.SQLITE_COMMON_FROM])
def test_no_page_of_results_lists_every_match_before_picking_the_newest(
    client, agent, tickets_over_days, monkeypatch, common_from
):
    monkeypatch.setattr(search, "SQLITE_COMMON_FROM", common_from)
    client.force_login(agent)
    _references, _count, statements = listed(client, {"q": "환불"})
    plans = _plans(statements)
    assert plans
    assert [plan for plan in plans if "LIST SUBQUERY" in plan] == []


@sqlite_only
def test_a_common_word_walks_the_newest_tickets_and_reads_their_documents_by_key(
    client, agent, tickets_over_days, monkeypatch
):
    monkeypatch.setattr(search, "SQLITE_COMMON_FROM", 2)
    client.force_login(agent)
    _references, _count, statements = listed(client, {"q": "환불"})
    page_sql = [sql for sql in statements if "ORDER BY" in sql and '"tickets_ticket"."reference"' in sql]
    assert len(page_sql) == 1
    plan = _plans(page_sql)[0]
    assert "SCAN tickets_ticket USING INDEX tickets_ticket_created_at" in plan
    assert "CORRELATED SCALAR SUBQUERY" in plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan
    assert "tickets_search_fts" not in page_sql[0]


def test_a_common_and_a_rare_search_take_the_same_number_of_queries(client, agent, tickets_over_days, monkeypatch):
    client.force_login(agent)
    client.get(LIST, {"q": "환불"})  # the per-person caches
    rare = len(listed(client, {"q": "환불"})[2])
    monkeypatch.setattr(search, "SQLITE_COMMON_FROM", 2)
    assert len(listed(client, {"q": "환불"})[2]) == rare


def test_a_common_word_takes_as_many_queries_for_fifty_results_as_for_five(client, agent, monkeypatch):
    from tests.tickets.test_ticket_search import search_queries

    monkeypatch.setattr(search, "SQLITE_COMMON_FROM", 2)
    client.force_login(agent)
    shown_five, with_five = search_queries(client, "환불", 5)
    shown_fifty, with_fifty = search_queries(client, "환불", 45)
    assert (shown_five, shown_fifty) == (5, 50)
    assert with_five == with_fifty
