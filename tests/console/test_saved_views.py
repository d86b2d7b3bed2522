"""Saved views beside the ticket list: the team's five, each person's own, and their counts."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from console.models import SavedView
from tests.console.conftest import member, ticket
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db

VIEW = re.compile(
    r'<a href="([^"]+)"(?: aria-current="page")?><span class="console-view-name">([^<]+)</span> '
    r'<span class="console-view-count">(\d+)</span></a>'
)


def side_bar(client, url: str = "/admin/tickets/ticket/") -> dict[str, int]:
    response = client.get(url)
    assert response.status_code == 200
    return {name: int(count) for _url, name, count in VIEW.findall(response.content.decode())}


@pytest.fixture
def tickets(alice, bob):
    ticket("재생 오류", assignee=alice)
    ticket("결제 오류", assignee=alice, days_old=10)
    ticket("미배정 문의", status="new")
    ticket("답변 기다림", assignee=bob, status="pending")
    make_claim(email="a@example.com")


def test_the_team_views_show_their_counts_for_each_agent(client, tickets, alice, bob):
    client.force_login(alice)
    assert side_bar(client) == {"내 담당": 2, "미배정": 1, "SLA 초과": 1, "고객 답변 대기": 1, "환불 결정 대기": 1}
    cache.clear()
    client.force_login(bob)
    assert side_bar(client)["내 담당"] == 1


def test_a_views_count_is_the_row_count_of_its_list(client, tickets, alice):
    client.force_login(alice)
    page = client.get("/admin/tickets/ticket/").content.decode()
    for url, name, count in VIEW.findall(page):
        assert client.get(url.replace("&amp;", "&")).context["cl"].result_count == int(count), name


def test_an_agent_saves_the_current_filter_as_a_personal_view(client, tickets, alice, bob):
    client.force_login(alice)
    page = client.get("/admin/tickets/ticket/?status__exact=open&p=1").content.decode()
    assert '<input type="hidden" name="querystring" value="status__exact=open">' in page
    response = client.post(
        "/admin/tickets/ticket/save-view/", {"name": "열린 문의", "querystring": "status__exact=open"}
    )
    assert response.status_code == 302
    view = SavedView.objects.get(name="열린 문의")
    assert (view.owner, view.querystring) == (alice, "status__exact=open")
    assert side_bar(client)["열린 문의"] == 2
    cache.clear()
    client.force_login(bob)  # the stranger: another agent does not see it
    assert "열린 문의" not in side_bar(client)


def test_a_view_without_a_name_is_refused_with_a_message(client, tickets, alice):
    client.force_login(alice)
    response = client.post(
        "/admin/tickets/ticket/save-view/", {"name": "", "querystring": "status__exact=open"}, follow=True
    )
    assert "보기 이름을 적어 주세요." in response.content.decode()
    assert not SavedView.objects.filter(owner=alice).exists()


def test_saving_a_view_is_post_only_and_for_those_who_read_tickets(client, tickets, alice):
    client.force_login(alice)
    assert client.get("/admin/tickets/ticket/save-view/").status_code == 405
    client.force_login(member("editor", "Editors"))
    response = client.post("/admin/tickets/ticket/save-view/", {"name": "몰래", "querystring": "status__exact=open"})
    assert response.status_code == 403
    assert not SavedView.objects.filter(name="몰래").exists()


def test_an_agent_cannot_share_a_view_or_change_the_teams(client, tickets, alice):
    client.force_login(alice)
    client.post(
        "/admin/console/savedview/add/",
        {"name": "모두에게", "list": "tickets.ticket", "querystring": "status__exact=new", "position": 1, "owner": ""},
    )
    assert SavedView.objects.get(name="모두에게").owner == alice
    team_view = SavedView.objects.get(name="미배정", owner=None)
    response = client.post(
        f"/admin/console/savedview/{team_view.pk}/change/",
        {"name": "바꿈", "list": "tickets.ticket", "querystring": "", "position": 1},
    )
    assert response.status_code == 403
    team_view.refresh_from_db()
    assert team_view.name == "미배정"


def test_a_supervisor_shares_a_view_with_the_team(client, tickets, alice):
    client.force_login(member("supervisor", "Supervisors"))
    client.post(
        "/admin/console/savedview/add/",
        {"name": "긴급", "list": "tickets.ticket", "querystring": "priority__exact=urgent", "position": 5, "owner": ""},
    )
    assert SavedView.objects.get(name="긴급").owner is None
    client.force_login(alice)
    assert side_bar(client)["긴급"] == 0


def test_a_view_with_filters_the_list_refuses_is_left_out(client, tickets, alice):
    SavedView.objects.create(name="고장", querystring="no_such_field=1", owner=alice)
    client.force_login(alice)
    assert "고장" not in side_bar(client)


def test_a_reviewer_sees_no_ticket_list_and_so_no_ticket_views(client, tickets):
    client.force_login(member("reviewer", "Refund reviewers"))
    assert client.get("/admin/tickets/ticket/").status_code == 403
