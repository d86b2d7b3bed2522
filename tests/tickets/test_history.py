"""The history of changes: who changed what on a ticket, a claim, an article, a rule and a canned
reply, from what to what, readable on the object's history page in Korean and English."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from refunds.models import RefundClaim
from tests.tickets.conftest import form_data, staff_member
from tests.tickets.test_admin_tickets import change_data
from tickets.models import CannedReply, Ticket

pytestmark = pytest.mark.django_db


def changes(html: str) -> list[str]:
    """Each change the history page lists, newest first: "field: old → new"."""
    return [" ".join(item.split()) for item in re.findall(r'<li class="history-change">(.*?)</li>', html, re.DOTALL)]


def users(html: str) -> list[str]:
    return [item.strip() for item in re.findall(r'<td class="history-user">(.*?)</td>', html, re.DOTALL)]


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data())
    return Ticket.objects.get()


def history_url(ticket: Ticket) -> str:
    return f"/admin/tickets/ticket/{ticket.pk}/history/"


def test_an_agents_status_change_reads_as_labels_with_who_in_korean_and_english(client, ticket, agent_member):
    client.force_login(agent_member)
    client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", change_data(ticket, status="solved", priority="high"))
    korean = client.get(history_url(ticket), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "상태: 새 문의 → 해결됨" in changes(korean)
    assert "우선순위: 보통 → 높음" in changes(korean)
    assert users(korean)[0] == "agent-kim"
    assert users(korean)[-1] == "고객센터"  # the customer's web form: no staff member
    english = client.get(history_url(ticket), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Status: New → Solved" in changes(english)


def test_a_customer_reply_by_mail_reopening_the_ticket_is_recorded_without_a_user(ticket):
    ticket.mark_solved()
    ticket.add_customer_message("아직 안 됐어요")
    latest = ticket.history.first()
    assert (latest.status, latest.history_user) == ("open", None)
    assert set(latest.diff_against(latest.prev_record).changed_fields) == {"status", "solved_at"}


def test_assign_to_me_is_recorded_with_the_agent(admin_client, ticket, agent_member, client):
    client.force_login(agent_member)
    client.post("/admin/tickets/ticket/", {"action": "assign_to_me", "_selected_action": [ticket.pk]})
    latest = ticket.history.first()
    assert (latest.assignee_id, latest.history_user) == (agent_member.pk, agent_member)


def test_the_history_page_is_closed_to_staff_of_other_teams(client, ticket, stranger):
    client.force_login(stranger)
    assert client.get(history_url(ticket)).status_code == 403


def test_an_earlier_version_can_be_read_but_never_written_back(admin_client, ticket):
    first = ticket.history.last()
    ticket.mark_solved()
    version_url = f"/admin/tickets/ticket/{ticket.pk}/history/{first.history_id}/"
    assert admin_client.get(version_url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    response = admin_client.post(version_url, change_data(ticket, status="new"))
    assert response.status_code == 405
    ticket.refresh_from_db()
    assert ticket.status == "solved"


def test_a_canned_reply_keeps_its_earlier_text(client, db):
    supervisor = staff_member("supervisor-han", groups=("Supervisors",))
    client.force_login(supervisor)
    reply = CannedReply.objects.create(title="환불 안내", body="환불은 3일 걸립니다.")
    client.post(
        f"/admin/tickets/cannedreply/{reply.pk}/change/", {"title": "환불 안내", "body": "환불은 5일 걸립니다."}
    )
    html = client.get(f"/admin/tickets/cannedreply/{reply.pk}/history/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert changes(html) == ["내용: 환불은 3일 걸립니다. → 환불은 5일 걸립니다."]
    assert users(html)[0] == "supervisor-han"


def test_bulk_inserts_write_no_history_and_still_work(db):
    call_command("generate_load_data", tickets=20, messages=40, claims=2, articles=2, stdout=open("/dev/null", "w"))
    assert Ticket.objects.count() == 20
    assert (Ticket.history.count(), RefundClaim.history.count()) == (0, 0)
