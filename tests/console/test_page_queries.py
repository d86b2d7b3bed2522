"""The pages bench/console.py measures take as many queries with many rows as with few: each saved
view and filter of the ticket list, a ticket page with a long conversation, the claim list. (The
dashboard, the default list and the searches have their own tests beside them.) And no filtered
list counts past console.pagination.COUNT_UP_TO."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from console.models import SavedView
from tests.console.conftest import member, ticket
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db
LIST = "/admin/tickets/ticket/"
FILTERS = [
    "status__exact=new",
    "status__exact=open",
    "priority__exact=urgent",
    "channel__exact=email",
    "topic__exact=refund",
    "age=7d",
    "sla=overdue",
    "queue=mine",
    "queue=unassigned",
    "queue=past-sla",
    "queue=waiting",
]


def add_tickets(count: int, user) -> None:
    for number in range(count):
        ticket(
            f"환불 문의 {number}",
            assignee=user if number % 2 else None,
            status=["new", "open", "pending"][number % 3],
            priority="urgent",
            channel="email",
            topic="refund",
            days_old=10,
        )


def queries_for(client, url: str) -> tuple[int, int]:
    """(rows shown, queries) of one list page, with the cached view counts forgotten."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.context["cl"].result_list), len(queries)


def change_page_queries(client, url: str) -> int:
    """The queries of one object's page, after a first visit has warmed the per-person caches."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def two_sizes(client, url: str, user) -> tuple[tuple[int, int], tuple[int, int]]:
    add_tickets(6, user)
    few = queries_for(client, url)
    add_tickets(114, user)
    return few, queries_for(client, url)


@pytest.mark.parametrize("querystring", FILTERS)
def test_each_filter_takes_the_same_queries_for_many_tickets_as_for_few(client, querystring):
    agent = member("alice", "Agents")
    client.force_login(agent)
    (few_rows, few), (many_rows, many) = two_sizes(client, f"{LIST}?{querystring}", agent)
    assert few_rows < many_rows
    assert few == many


def test_each_shared_view_takes_the_same_queries_for_many_tickets_as_for_few(client):
    agent = member("alice", "Agents")
    client.force_login(agent)
    views = list(SavedView.objects.filter(owner=None, list=SavedView.List.TICKETS))
    assert len(views) >= 4
    add_tickets(6, agent)
    few = {view.name: queries_for(client, view.changelist_url())[1] for view in views}
    add_tickets(114, agent)
    many = {view.name: queries_for(client, view.changelist_url())[1] for view in views}
    assert few == many


def test_a_ticket_page_takes_the_same_queries_for_a_long_conversation(client):
    agent = member("alice", "Agents")
    client.force_login(agent)
    short, long = ticket("짧은 대화", assignee=agent), ticket("긴 대화", assignee=agent)
    short.add_customer_message("환불을 요청합니다.")
    for number in range(20):
        long.add_customer_message(f"환불을 요청합니다 {number}.")
        long.add_agent_reply(agent, f"확인하겠습니다 {number}.")

    def page_queries(item) -> int:
        return change_page_queries(client, f"/admin/tickets/ticket/{item.pk}/change/")

    assert page_queries(short) == page_queries(long)


def test_the_claim_list_takes_the_same_queries_for_fifty_claims_as_for_five(client):
    reviewer = member("rita", "Refund reviewers")
    client.force_login(reviewer)

    def claim_list_queries(count: int, start: int) -> tuple[int, int]:
        for number in range(start, start + count):
            make_claim(email=f"claimant{number}@example.com")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/admin/refunds/refundclaim/")
        assert response.status_code == 200
        return len(response.context["cl"].result_list), len(queries)

    five = claim_list_queries(5, 0)
    fifty = claim_list_queries(45, 5)
    assert (five[0], fifty[0]) == (5, 50)
    assert five[1] == fifty[1]


def test_a_filtered_list_and_a_search_stop_counting_at_their_caps_and_say_so(client, monkeypatch):
    monkeypatch.setattr("console.pagination.COUNT_UP_TO", 5)
    monkeypatch.setattr("console.pagination.SEARCH_COUNT_UP_TO", 10)
    agent = member("alice", "Agents")
    client.force_login(agent)
    add_tickets(12, agent)
    searched = client.get(LIST, {"q": "환불"}).content.decode()
    assert "결과 10+건" in searched
    assert "10+ 문의" in searched
    filtered = client.get(LIST, {"priority__exact": "urgent"}).content.decode()
    assert "5+ 문의" in filtered
    exact = client.get(LIST, {"status__exact": "new"}).content.decode()
    assert "4 문의" in exact and "4+" not in exact


def test_the_claim_list_reads_no_date_of_every_claim_and_counts_once(client):
    reviewer = member("rita", "Refund reviewers")
    client.force_login(reviewer)
    make_claim(email="claimant@example.com")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/refunds/refundclaim/").content.decode()
    claim_sql = [q["sql"] for q in queries.captured_queries if '"refunds_refundclaim"' in q["sql"]]
    assert [sql for sql in claim_sql if "DISTINCT" in sql and "created_at" in sql] == []
    assert len([sql for sql in claim_sql if "COUNT(" in sql]) == 1
    assert "1 환불 신청" in page


def test_the_overdue_filter_reads_the_lists_own_rows_and_finds_the_same_as_the_queue(client):
    agent = member("alice", "Agents")
    client.force_login(agent)
    add_tickets(6, agent)
    ticket("제때 답한 문의", status="open", days_old=0)
    with CaptureQueriesContext(connection) as queries:
        overdue = client.get(LIST, {"sla": "overdue"})
    # (Read before the next request: each one starts a fresh query log.)
    ticket_sql = [q["sql"] for q in queries.captured_queries if 'FROM "tickets_ticket"' in q["sql"]]
    shown = {item.pk for item in overdue.context["cl"].result_list}
    # The six ten-day-old tickets, found by the conditions on the rows themselves: SQLite lists a
    # `pk IN (every overdue ticket)` subquery in full before the page or its count can use it.
    assert len(shown) == 6
    assert [sql for sql in ticket_sql if 'IN (SELECT U0."id"' in sql] == []
    assert shown == {item.pk for item in client.get(LIST, {"queue": "past-sla"}).context["cl"].result_list}
    on_time = {item.pk for item in client.get(LIST, {"sla": "on-time"}).context["cl"].result_list}
    assert len(on_time) == 1 and not on_time & shown


def test_the_filters_counts_and_the_unassigned_queue_have_their_index_and_statistics():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "tickets_ticket")
        assert indexes["tickets_topic_by_created"]["columns"] == ["topic", "created_at"]
        assert indexes["tickets_channel_by_created"]["columns"] == ["channel", "created_at"]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT stxkind, array(SELECT attname FROM pg_attribute WHERE attrelid = stxrelid "
                "AND attnum = ANY(stxkeys) ORDER BY attnum) FROM pg_statistic_ext WHERE stxname = %s",
                ["tickets_status_assignee"],
            )
            assert cursor.fetchall() == [(["m"], ["status", "assignee_id"])]


def test_a_claim_page_takes_the_same_queries_for_a_long_history_with_files(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reviewer = member("rita", "Refund reviewers")
    client.force_login(reviewer)
    short, long = make_claim(email="short@example.com"), make_claim(email="long@example.com")
    for number in range(3):
        long.request_info(reviewer, f"명세서 {number}을 보내 주세요.")
        long.provide_info("첨부합니다.", files=[(SimpleUploadedFile(f"명세서{number}.png", b"\x89PNG"), "image/png")])

    def page_queries(claim) -> int:
        return change_page_queries(client, f"/admin/refunds/refundclaim/{claim.pk}/change/")

    assert (long.events.count(), long.evidence.count()) == (7, 3)
    assert page_queries(short) == page_queries(long)
