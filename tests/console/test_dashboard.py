"""The admin home as each role's dashboard: every number equals the row count of the list it links to."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from faq.models import SearchQueryStat
from tests.console.conftest import member, ticket, tiles
from tests.refunds.conftest import make_claim
from tickets.models import SatisfactionResponse, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_data(alice, bob):
    reviewer, finance = member("reviewer", "Refund reviewers"), member("finance", "Finance")
    ticket("재생이 안 돼요", assignee=alice)
    ticket("로그인 오류", assignee=alice, status="new")
    ticket("오래된 문의", assignee=alice, days_old=10)  # past its SLA
    ticket("해결된 문의", assignee=alice, status="solved")
    ticket("아무도 안 맡은 문의", status="new")
    ticket("오래 방치된 문의", status="new", days_old=10)  # past its SLA
    ticket("고객 답변 기다림", assignee=bob, status="pending")
    solved = ticket("만족도 받은 문의", assignee=bob, status="solved")
    SatisfactionResponse.objects.create(ticket=solved, agent=bob, rating=4)
    make_claim(email="a@example.com")
    make_claim(email="b@example.com")
    make_claim(email="c@example.com").approve(reviewer, "중복 확인")
    SearchQueryStat.objects.create(query="환불금", language="ko", searches=3, last_result_count=0)
    SearchQueryStat.objects.create(query="비밀번호", language="ko", searches=9, last_result_count=2)
    return {"reviewer": reviewer, "finance": finance}


def dashboard_of(client, user) -> dict[str, tuple[int, str]]:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return tiles(response.content.decode())


def assert_each_number_is_its_lists_row_count(client, shown):
    for label, (count, url) in shown.items():
        listing = client.get(url)
        assert listing.status_code == 200, label
        assert listing.context["cl"].result_count == count, label


def test_an_agent_sees_their_queues_and_each_number_is_its_lists_row_count(client, known_data, alice):
    shown = dashboard_of(client, alice)
    assert {label: count for label, (count, _url) in shown.items()} == {
        "내 담당 미해결 문의": 3,
        "미배정": 2,
        "SLA 초과": 2,
        "고객 답변 대기": 1,
    }
    assert_each_number_is_its_lists_row_count(client, shown)


def test_another_agent_counts_their_own_tickets(client, known_data, bob):
    shown = dashboard_of(client, bob)
    assert shown["내 담당 미해결 문의"][0] == 1
    assert_each_number_is_its_lists_row_count(client, shown)


def test_a_reviewer_sees_the_claims_awaiting_a_decision_not_tickets(client, known_data):
    shown = dashboard_of(client, known_data["reviewer"])
    assert {label: count for label, (count, _url) in shown.items()} == {"결정 대기 중인 환불 신청": 2}
    assert_each_number_is_its_lists_row_count(client, shown)


def test_finance_sees_the_claims_awaiting_payment_only(client, known_data):
    shown = dashboard_of(client, known_data["finance"])
    assert {label: count for label, (count, _url) in shown.items()} == {"지급 대기 중인 환불 신청": 1}
    assert_each_number_is_its_lists_row_count(client, shown)


def test_an_editor_sees_the_faq_numbers_and_no_ticket_number(client, known_data):
    editor = member("editor", "Editors")
    client.force_login(editor)
    page = client.get("/admin/").content.decode()
    shown = tiles(page)
    assert {label: count for label, (count, _url) in shown.items()} == {"결과가 없었던 FAQ 검색": 1}
    assert "환불금" in page
    assert "내 담당 미해결 문의" not in page
    assert "최근 30일 일별 접수·해결 문의" not in page
    assert_each_number_is_its_lists_row_count(client, shown)


def test_a_supervisor_sees_every_queue_and_the_satisfaction(client, known_data):
    supervisor = member("supervisor", "Supervisors")
    shown = dashboard_of(client, supervisor)
    assert {label: count for label, (count, _url) in shown.items()} == {
        "내 담당 미해결 문의": 0,
        "미배정": 2,
        "SLA 초과": 2,
        "고객 답변 대기": 1,
        "결정 대기 중인 환불 신청": 2,
        "지급 대기 중인 환불 신청": 1,
        "최근 30일 만족도 응답": 1,
    }
    assert_each_number_is_its_lists_row_count(client, shown)
    page = client.get("/admin/").content.decode()
    assert "4.0점 / 5점" in page


def test_a_staff_member_without_a_role_sees_no_number(client, known_data):
    shown = dashboard_of(client, member("nobody"))
    assert shown == {}


def test_the_charts_are_svg_without_inline_style_or_script(client, known_data):
    supervisor = member("supervisor", "Supervisors")
    client.force_login(supervisor)
    page = client.get("/admin/").content.decode()
    dashboard = page[page.index('<div id="console-dashboard">') : page.index('<div id="content-related">')]
    assert dashboard.count('<svg class="console-chart"') == 2
    assert "style=" not in dashboard
    assert "<script" not in dashboard
    today = timezone.localdate().strftime("%-m/%-d")
    assert (
        f"<title>{today}: {Ticket.objects.filter(created_at__date=timezone.localdate()).count()}</title>" in dashboard
    )
    assert "<title>승인됨: 1</title>" in dashboard


def test_the_chart_counts_today_live_and_the_past_days_from_the_hourly_count(db):
    from datetime import timedelta

    from django.utils import timezone

    from console import charts
    from console.dashboard import DAYS, start_of_window
    from tests.console.conftest import ticket

    ticket("어제 문의", days_old=1)

    def opened(chart) -> list[int]:
        return [bar.value for bar in chart.bars if bar.css_class == "chart-opened"]

    before = opened(charts.tickets_per_day(start_of_window(), DAYS))
    ticket("오늘 문의")
    ticket("그제 문의", days_old=2)  # written straight into a past day: counted at the next hour
    after = opened(charts.tickets_per_day(start_of_window(), DAYS))
    assert after[-1] == before[-1] + 1
    assert after[:-1] == before[:-1]
    assert sum(after) == 2
    assert timezone.localdate() - timedelta(days=DAYS - 1) == timezone.localdate(start_of_window())


def test_the_claims_chart_counts_every_claim_at_most_once_a_minute(client, known_data):
    from django.core.cache import cache

    from console import charts

    client.force_login(member("supervisor", "Supervisors"))
    assert "<title>승인됨: 1</title>" in client.get("/admin/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/").content.decode()
    per_state = '"refunds_refundclaim"."status" AS "status", COUNT('
    assert [q for q in queries.captured_queries if per_state in q["sql"]] == []
    assert "<title>승인됨: 1</title>" in page
    make_claim(email="later@example.com").approve(known_data["reviewer"], "확인")  # counted when the minute is up
    assert "<title>승인됨: 1</title>" in client.get("/admin/").content.decode()
    assert charts.CLAIM_STATES_SECONDS == 60
    cache.delete("console:chart:claims-by-state")
    assert "<title>승인됨: 2</title>" in client.get("/admin/").content.decode()
