"""The ticket list at 1280 px: one line per ticket, badges, relative SLA times, and a number of
queries that does not grow with the rows shown."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.console.conftest import member, ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_each_column_reads_on_one_line(client, alice):
    long_subject = "앱에서 동영상을 재생하면 소리만 나오고 화면은 검게 나옵니다 " * 3
    ticket(long_subject, assignee=alice, priority="urgent", requester_name="홍길동")
    ticket("오래된 문의", days_old=10, status="new")
    client.force_login(alice)
    response = client.get("/admin/tickets/ticket/")
    page = response.content.decode()
    assert f'<span class="console-subject" title="{long_subject}">{long_subject}</span>' in page
    assert '<span class="console-requester" title="hong@example.com">홍길동</span>' in page
    assert '<span class="console-badge console-status-open">처리 중</span>' in page
    assert '<span class="console-badge console-priority-urgent">긴급</span>' in page
    assert 'href="/static/css/console.css"' in page
    assert '<span class="console-overdue" title=' in page
    assert "지남</span>" in page


def list_queries(client, count: int, user, shown: int) -> int:
    for number in range(count):
        ticket(f"문의 {number}", assignee=user if number % 2 else None, status="new" if number % 3 else "open")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/tickets/ticket/")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == shown
    return len(queries)


def test_five_and_fifty_tickets_take_the_same_number_of_queries(client, alice):
    client.force_login(alice)
    with_five = list_queries(client, 5, alice, shown=5)
    with_fifty = list_queries(client, 45, alice, shown=50)
    assert with_five == with_fifty


def dashboard_queries(client, count: int, user) -> int:
    for number in range(count):
        ticket(f"문의 {number}", assignee=user if number % 2 else None, days_old=number % 40)
    cache.clear()  # the chart's past days are cached for an hour: both sizes count them afresh
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    return len(queries)


def test_the_dashboards_queries_do_not_grow_with_the_tickets(client):
    supervisor = member("supervisor", "Supervisors")
    client.force_login(supervisor)
    assert dashboard_queries(client, 5, supervisor) == dashboard_queries(client, 45, supervisor)


def counts_over_every_ticket(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"] and 'FROM "tickets_ticket"' in q["sql"] and "WHERE" not in q["sql"]
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_large_unfiltered_list_is_counted_from_the_planners_estimate(client, alice, monkeypatch):
    monkeypatch.setattr("console.pagination.ESTIMATE_FROM", 3)
    for number in range(4):
        ticket(f"문의 {number}", assignee=alice)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/tickets/ticket/")
    assert counts_over_every_ticket(queries.captured_queries) == []
    assert response.context["cl"].result_count == 4


def test_a_small_or_filtered_list_is_counted_exactly(client, alice):
    for number in range(4):
        ticket(f"문의 {number}", assignee=alice, status="open" if number else "pending")
    client.force_login(alice)
    assert client.get("/admin/tickets/ticket/").context["cl"].result_count == 4
    assert client.get("/admin/tickets/ticket/?status__exact=pending").context["cl"].result_count == 1


def test_the_list_reads_no_column_of_every_ticket_for_its_filters(client, alice, bob):
    ticket("문의", assignee=bob)
    member("carol", "Agents")  # staff with no ticket yet: still someone to filter by
    client.force_login(alice)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/tickets/ticket/").content.decode()
    every_ticket = [q["sql"] for q in queries.captured_queries if 'DISTINCT U0."assignee_id"' in q["sql"]]
    assert [sql for sql in every_ticket if '"tickets_ticket"' in sql] == []
    assert f'href="?assignee__id__exact={bob.pk}"' in page
    assert "carol" in page


@pytest.mark.parametrize(
    ("url", "group"), [("/admin/tickets/ticket/", "Agents"), ("/admin/refunds/refundclaim/", "Refund reviewers")]
)
def test_each_rows_selection_box_is_djangos_markup_without_a_template_per_row(client, url, group):
    from django.contrib import admin
    from django.test.signals import template_rendered

    from tests.refunds.conftest import make_claim

    ticket('<b>굵게</b> "따옴표" 문의')
    claim = make_claim(email="claimant@example.com")
    client.force_login(member("worker", group))
    rendered = []

    def note(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(note)
    try:
        response = client.get(url)
    finally:
        template_rendered.disconnect(note)
    row = response.context["cl"].result_list[0]
    model_admin = response.context["cl"].model_admin
    djangos = admin.ModelAdmin.action_checkbox(model_admin, row)
    assert model_admin.action_checkbox(row) == djangos
    assert djangos in response.content.decode()
    assert "django/forms/widgets/checkbox.html" not in rendered
    if isinstance(row, Ticket):
        assert (
            f'<input type="checkbox" name="_selected_action" value="{row.pk}" class="action-select" '
            f'aria-label="작업에 대한 객체를 선택합니다. - [{row.reference}] &lt;b&gt;굵게&lt;/b&gt; &quot;따옴표&quot; 문의">'
        ) in response.content.decode()
    else:
        assert row == claim
