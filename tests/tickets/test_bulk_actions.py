"""The ticket list's bulk actions: assign to an agent, change status or priority, export to CSV,
each for the people who work tickets only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from outbox.models import OutgoingEmail
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

LIST = "/admin/tickets/ticket/"


def make(subject: str = "결제 문의", email: str = "hong@example.com", **fields) -> Ticket:
    return Ticket.objects.create(subject=subject, requester_email=email, requester_name="홍길동", **fields)


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(user)
    return client


def run(client: Client, action: str, tickets, **answer):
    data = {"action": action, "_selected_action": [t.pk for t in tickets]}
    if answer:
        data.update(apply="yes", **answer)
    return client.post(LIST, data)


def offered(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.DOTALL).group(1)
    return [label for value, label in re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select) if value]


def action_names(html: str) -> list[str]:
    select = re.search(r'<select name="action"[^>]*>(.*?)</select>', html, re.DOTALL).group(1)
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


def test_a_supervisor_assigns_to_someone_who_works_tickets(supervisor, agent_member, editor, finance_member):
    tickets = [make(), make("환불 문의")]
    client = logged_in(supervisor)
    page = run(client, "assign_to_agent", tickets).content.decode()
    assert offered(page, "assignee") == ["agent-kim", "supervisor-choi"]  # no editor, no finance clerk
    response = run(client, "assign_to_agent", tickets, assignee=agent_member.pk)
    assert response.status_code == 302
    assert [t.assignee_id for t in Ticket.objects.order_by("pk")] == [agent_member.pk, agent_member.pk]
    messages = [m.message for m in response.wsgi_request._messages]
    assert messages == ["문의 2건을 agent-kim에게 배정했습니다."]
    assert Ticket.history.filter(assignee=agent_member, history_user=supervisor).count() == 2


def test_an_agent_cannot_hand_tickets_to_someone_else(agent_member, supervisor):
    ticket = make()
    client = logged_in(agent_member)
    names = action_names(client.get(LIST).content.decode())
    assert "assign_to_agent" not in names and "assign_to_me" in names
    run(client, "assign_to_agent", [ticket], assignee=supervisor.pk)
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_staff_of_other_teams_run_no_ticket_action(stranger, agent_member):
    ticket = make()
    client = logged_in(stranger)
    for action in ("change_status", "change_priority", "export_csv", "merge_tickets"):
        assert run(client, action, [ticket], status="solved", priority="urgent").status_code == 403
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("new", "normal")


def test_changing_status_to_solved_asks_each_customer_for_a_rating(agent_member):
    tickets = [make(), make(email="kim@example.com"), make(status="solved")]
    response = run(logged_in(agent_member), "change_status", tickets, status="solved")
    assert [m.message for m in response.wsgi_request._messages] == ["문의 2건의 상태를 ‘해결됨’(으)로 바꿨습니다."]
    assert set(Ticket.objects.values_list("status", flat=True)) == {"solved"}
    assert sorted(OutgoingEmail.objects.filter(kind="survey").values_list("to", flat=True)) == [
        "hong@example.com",
        "kim@example.com",
    ]


def test_the_status_page_asks_first_and_changes_nothing(agent_member):
    ticket = make()
    page = run(logged_in(agent_member), "change_status", [ticket])
    assert page.status_code == 200
    assert offered(page.content.decode(), "status") == ["새 문의", "처리 중", "고객 답변 대기", "해결됨", "종료됨"]
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_changing_priority_moves_the_service_level(agent_member):
    ticket = make()
    before = ticket.first_response_due
    run(logged_in(agent_member), "change_priority", [ticket], priority="urgent")
    ticket.refresh_from_db()
    assert ticket.priority == "urgent" and ticket.first_response_due < before


def test_a_bad_answer_shows_the_question_again(agent_member):
    ticket = make()
    page = run(logged_in(agent_member), "change_priority", [ticket], priority="whenever")
    assert page.status_code == 200 and "whenever" in page.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == "normal"


def test_the_csv_holds_the_columns_of_the_list_in_utf8_with_a_bom(agent_member):
    ticket = make(
        '=HYPERLINK("x") 요금이 두 번', status="solved", created_at=timezone.now() - timedelta(days=3, hours=1)
    )
    response = run(logged_in(agent_member), "export_csv", [ticket])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="tickets-\d{8}-\d{4}\.csv"', response["Content-Disposition"])
    expected = (
        "\ufeff참조 번호,제목,요청자,상태,우선순위,담당자,경과 기간,SLA 기한,기한 초과\r\n"
        f'{ticket.reference},"\'=HYPERLINK(""x"") 요금이 두 번",홍길동,해결됨,보통,-,3일,—,—\r\n'
    )
    assert response.content == expected.encode("utf-8")


def run_on_all(client: Client, action: str, **answer):
    """The action on "select all": every row the list shows, not only the ticked ones."""
    data = {"action": action, "select_across": "1", "_selected_action": [Ticket.objects.first().pk], **answer}
    return client.post(LIST, data)


def shown_messages(response) -> list[str]:
    return [m.message for m in response.wsgi_request._messages]


def test_an_export_of_more_rows_than_the_limit_is_refused_with_how_to_narrow_it(agent_member, settings):
    settings.HELPCENTER_CSV_EXPORT_ROWS = 2
    for number in range(3):
        make(f"결제 문의 {number}")
    client = logged_in(agent_member)
    response = run_on_all(client, "export_csv")
    assert response.status_code == 302 and response["Content-Type"].startswith("text/html")
    assert shown_messages(response) == [
        "CSV 내보내기는 한 번에 최대 2행까지입니다. 더 많이 선택되었어요. 필터나 검색(상태, 기간)으로 "
        "목록을 좁혀 나눠서 내보내 주세요."
    ]
    Ticket.objects.filter(subject="결제 문의 2").delete()
    exported = run_on_all(client, "export_csv")
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert exported.content.decode("utf-8").count("\r\n") == 3  # the headings and both tickets


def test_a_merge_of_more_tickets_than_the_limit_is_refused_and_nothing_moves(agent_member, settings):
    settings.TICKETS_MERGE_LIMIT = 2
    tickets = [make(f"결제 문의 {number}") for number in range(3)]
    response = run_on_all(logged_in(agent_member), "merge_tickets", apply="yes", kept=tickets[0].pk)
    assert response.status_code == 302
    assert shown_messages(response) == [
        "한 번에 병합할 수 있는 문의는 최대 2건입니다. 한 고객의 중복 문의만 선택해 주세요(고객의 이메일 주소로 "
        "검색하면 찾을 수 있어요)."
    ]
    assert list(Ticket.objects.filter(merged_into__isnull=False)) == []
    assert list(Ticket.objects.order_by("pk").values_list("status", flat=True)) == ["new", "new", "new"]


BULK_CHANGE_REFUSED = (
    "일괄 변경은 한 번에 최대 2건까지 할 수 있는데, 그보다 많이 선택되었어요. 필터나 검색으로 목록을 좁혀 나눠서 "
    "적용해 주세요."
)


@pytest.mark.parametrize(
    ("action", "answer"),
    [
        ("change_status", {"apply": "yes", "status": "solved"}),
        ("change_priority", {"apply": "yes", "priority": "urgent"}),
        ("assign_to_agent", {"apply": "yes"}),
        ("assign_to_me", {}),
        ("mark_solved", {}),
        ("issue_new_link", {}),
    ],
)
def test_a_bulk_change_of_more_rows_than_the_limit_changes_nothing_and_says_why(
    supervisor, agent_member, settings, action, answer
):
    settings.HELPCENTER_BULK_CHANGE_ROWS = 2
    for number in range(3):
        make(f"결제 문의 {number}")
    if action == "assign_to_agent":
        answer = {**answer, "assignee": agent_member.pk}
    response = run_on_all(logged_in(supervisor), action, **answer)
    assert response.status_code == 302
    assert shown_messages(response) == [BULK_CHANGE_REFUSED]
    assert set(Ticket.objects.values_list("status", "priority", "assignee")) == {("new", "normal", None)}
    assert not OutgoingEmail.objects.exists()


def test_a_bulk_change_up_to_the_limit_is_made(agent_member, settings):
    settings.HELPCENTER_BULK_CHANGE_ROWS = 2
    make(), make("환불 문의")
    response = run_on_all(logged_in(agent_member), "change_priority", apply="yes", priority="urgent")
    assert shown_messages(response) == ["문의 2건의 우선순위를 ‘긴급’(으)로 바꿨습니다."]
