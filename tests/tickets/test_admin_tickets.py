from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from outbox.models import OutgoingEmail
from tests.tickets.conftest import form_data, upload
from tickets.models import CannedReply, Message, SatisfactionResponse, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data(attachments=[upload()]))
    return Ticket.objects.get()


def change_data(ticket: Ticket, **overrides) -> dict:
    data = {
        "status": ticket.status,
        "priority": ticket.priority,
        "topic": ticket.topic,
        "channel": ticket.channel,
        "assignee": ticket.assignee_id or "",
        "requester_name": ticket.requester_name,
        "requester_email": ticket.requester_email,
        "language": ticket.language,
        "subject": ticket.subject,
        "device": ticket.device,
        "operating_system": ticket.operating_system,
        "app_version": ticket.app_version,
        "error_message": ticket.error_message,
        "callback_number": "",
        "callback_time": "",
        "reply": "",
        "canned_reply": "",
        "reply_kind": "public",
    }
    data.update(overrides)
    return data


def url(ticket: Ticket) -> str:
    return f"/admin/tickets/ticket/{ticket.pk}/change/"


def test_the_ticket_page_shows_the_whole_conversation_with_attachments(admin_client, ticket):
    html = admin_client.get(url(ticket)).content.decode()
    assert "11월 3일에" in html and "screenshot.png" in html
    attachment = ticket.messages.get().attachments.get()
    response = admin_client.get(f"/admin/tickets/ticket/attachment/{attachment.pk}/")
    assert response.status_code == 200


def test_an_agent_reply_is_emailed_threaded_and_tagged(admin_client, admin_user, ticket):
    response = admin_client.post(
        url(ticket), change_data(ticket, reply="안녕하세요 {{ name }}님, {{ reference }} 확인했습니다.")
    )
    assert response.status_code == 302
    reply = ticket.messages.get(author_kind="agent")
    assert reply.body == f"안녕하세요 홍길동님, {ticket.reference} 확인했습니다." and reply.author == admin_user
    call_command("send_queued_mail", stdout=open("/dev/null", "w"))
    sent = [m for m in mail.outbox if "확인했습니다" in m.body][0]
    assert f"[{ticket.reference}]" in sent.subject and sent.extra_headers["In-Reply-To"]
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.first_responded_at is not None


def test_internal_notes_are_never_sent(admin_client, ticket):
    admin_client.post(url(ticket), change_data(ticket, reply="환불 대상인지 재무팀 확인 필요", reply_kind="internal"))
    note = ticket.messages.get(author_kind="agent")
    assert note.is_internal
    assert not OutgoingEmail.objects.filter(kind="reply").exists()
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None


def test_canned_replies_fill_in_placeholders(admin_client, ticket):
    canned = CannedReply.objects.create(
        title="중복 결제", body="{{name}}님, 요청 {{ reference }}의 중복 결제를 확인 중입니다."
    )
    admin_client.post(url(ticket), change_data(ticket, canned_reply=canned.pk))
    assert (
        ticket.messages.get(author_kind="agent").body
        == f"홍길동님, 요청 {ticket.reference}의 중복 결제를 확인 중입니다."
    )


def test_assignment_status_and_solving_ask_for_a_rating(admin_client, admin_user, ticket):
    admin_client.post(url(ticket), change_data(ticket, assignee=admin_user.pk, status="solved"))
    ticket.refresh_from_db()
    assert ticket.assignee == admin_user and ticket.status == "solved"
    assert OutgoingEmail.objects.filter(kind="survey").count() == 1


def test_raising_priority_moves_the_due_times(admin_client, ticket):
    before = ticket.first_response_due
    admin_client.post(url(ticket), change_data(ticket, priority="urgent"))
    ticket.refresh_from_db()
    assert ticket.first_response_due < before


def test_an_agent_logs_a_phone_call(admin_client):
    page = admin_client.get("/admin/tickets/ticket/add/").content.decode()
    assert 'name="reply"' in page and 'name="reply_kind"' not in page
    response = admin_client.post(
        "/admin/tickets/ticket/add/",
        {
            "channel": "phone",
            "requester_name": "박영희",
            "requester_email": "park@example.com",
            "subject": "해지 문의 전화",
            "topic": "subscription",
            "priority": "normal",
            "assignee": "",
            "callback_number": "010-2222-3333",
            "reply": "다음 달부터 해지하고 싶다고 함",
        },  # exactly the fields the add page shows
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket = Ticket.objects.get()
    assert ticket.channel == "phone" and ticket.messages.get().body == "다음 달부터 해지하고 싶다고 함"


def test_the_list_filters_by_status_priority_channel_topic_assignee_age_and_overdue(admin_client, ticket):
    old = Ticket.objects.create(subject="오래된 문의", requester_email="old@example.com", priority="high")
    Ticket.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=10), first_response_due=timezone.now() - timedelta(days=9)
    )
    overdue = admin_client.get("/admin/tickets/ticket/", {"sla": "overdue"}).content.decode()
    assert "오래된 문의" in overdue and ticket.reference not in overdue
    aged = admin_client.get("/admin/tickets/ticket/", {"age": "7d"}).content.decode()
    assert "오래된 문의" in aged and ticket.reference not in aged
    for params in [
        {"status__exact": "new"},
        {"priority__exact": "high"},
        {"channel__exact": "web"},
        {"topic__exact": "payment"},
        {"q": "hong@example.com"},
    ]:
        assert admin_client.get("/admin/tickets/ticket/", params).status_code == 200
    found = admin_client.get("/admin/tickets/ticket/", {"q": "11월 3일"}).content.decode()
    assert ticket.reference in found


def test_satisfaction_per_ticket_and_per_agent(admin_client, admin_user, ticket, client):
    ticket.assignee = admin_user
    ticket.save()
    from tickets import actions

    actions.solve(ticket)
    client.post(f"/ko/requests/{ticket.tracking_token()}/survey/", {"rating": "5", "comment": "최고"})
    assert SatisfactionResponse.objects.get().agent == admin_user
    html = admin_client.get("/admin/tickets/satisfactionresponse/").content.decode()
    assert "admin" in html and "5.00" in html
    assert "5/5 최고" in admin_client.get(url(ticket)).content.decode()


def test_deflections_are_listed_for_the_admin(admin_client, client, corpus):
    client.get("/ko/contact/suggestion/refund-policy/")
    html = admin_client.get("/admin/tickets/suggestionclick/").content.decode()
    assert "refund-policy" in html


def test_staff_without_permission_see_nothing(client, ticket):
    user = get_user_model().objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(url(ticket)).status_code == 403
    assert Message.objects.count() == 1


def test_another_team_can_neither_read_nor_answer_tickets(client, ticket, stranger):
    client.force_login(stranger)
    attachment = ticket.messages.get().attachments.get()
    assert client.get("/admin/tickets/ticket/").status_code == 403
    assert client.get(url(ticket)).status_code == 403
    assert client.get(f"/admin/tickets/ticket/attachment/{attachment.pk}/").status_code == 403
    assert client.post(url(ticket), change_data(ticket, reply="제3자의 답변")).status_code == 403
    assert client.get("/admin/tickets/ticket/add/").status_code == 403
    assert list(ticket.messages.values_list("author_kind", flat=True)) == ["customer"]
    assert not OutgoingEmail.objects.filter(kind="reply").exists()


def test_an_agent_reads_answers_and_downloads(client, ticket, agent_member, stranger):
    client.force_login(agent_member)
    attachment = ticket.messages.get().attachments.get()
    assert client.get("/admin/tickets/ticket/").status_code == 200
    assert client.get(f"/admin/tickets/ticket/attachment/{attachment.pk}/").status_code == 200
    response = client.post(url(ticket), change_data(ticket, reply="확인했습니다."))
    assert response.status_code == 302
    assert ticket.messages.get(author_kind="agent").author == agent_member
    client.force_login(stranger)  # and the stranger still gets nothing of it
    assert client.get(url(ticket)).status_code == 403


def test_assign_to_me_assigns_the_selected_tickets_to_the_agent_who_asked(client, ticket, agent_member, admin_user):
    other = Ticket.objects.create(subject="다른 문의", requester_email="kim@example.com", assignee=admin_user)
    untouched = Ticket.objects.create(subject="선택 안 함", requester_email="lee@example.com")
    client.force_login(agent_member)
    response = client.post(
        "/admin/tickets/ticket/",
        {"action": "assign_to_me", "_selected_action": [ticket.pk, other.pk]},
        follow=True,
    )
    assert "문의 2건을 나에게 배정했습니다." in response.content.decode()
    assigned = dict(Ticket.objects.values_list("pk", "assignee__username"))
    assert assigned == {ticket.pk: "agent-kim", other.pk: "agent-kim", untouched.pk: None}


def test_a_stranger_cannot_assign_tickets(client, ticket, stranger):
    client.force_login(stranger)
    response = client.post("/admin/tickets/ticket/", {"action": "assign_to_me", "_selected_action": [ticket.pk]})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_the_message_header_names_the_sender_not_a_message_id(tmp_path, admin_client):
    raw = (
        "From: 홍길동 <hong@example.com>\r\nTo: help@example.com\r\nSubject: 결제 문의\r\n"
        "Message-ID: <CAF3x9Yh7k2QmZ@mail.gmail.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n두 번 결제됐어요.\r\n"
    ).encode()
    path = tmp_path / "m.eml"
    path.write_bytes(raw)
    call_command("ingest_email", str(path), stdout=open("/dev/null", "w"))
    html = admin_client.get(url(Ticket.objects.get())).content.decode()
    assert "CAF3x9Yh7k2QmZ" not in html
    assert "hong@example.com에서 이메일로" in html


def overdue_cell(html: str, reference: str) -> str:
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{reference}(?:(?!</tr>).)*</tr>", html, re.DOTALL).group(0)
    return re.search(r'<td class="field-overdue">(.*?)</td>', row, re.DOTALL).group(1)


def test_the_overdue_column_says_overdue_only_when_it_is(admin_client, ticket):
    late = Ticket.objects.create(subject="오래된 문의", requester_email="old@example.com")
    Ticket.objects.filter(pk=late.pk).update(first_response_due=timezone.now() - timedelta(hours=1))
    done = Ticket.objects.create(subject="해결된 문의", requester_email="done@example.com", status="solved")
    html = admin_client.get("/admin/tickets/ticket/").content.decode()
    assert overdue_cell(html, ticket.reference) == "기한 내"
    assert overdue_cell(html, late.reference) == '<strong class="ticket-overdue">기한 초과</strong>'
    assert overdue_cell(html, done.reference) == "—"
    assert "icon-no.svg" not in html and "icon-yes.svg" not in html


def test_closing_and_reopening_in_the_admin_keep_the_times_right(admin_client, ticket):
    response = admin_client.post(url(ticket), change_data(ticket, status="closed"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.closed_at is not None
    admin_client.post(url(ticket), change_data(ticket, status="open"))
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.closed_at is None and ticket.solved_at is None


@pytest.mark.parametrize("page", ["/admin/tickets/cannedreply/", "/admin/tickets/attachment/"])
def test_the_ticket_side_pages_are_for_agents_only(client, agent_member, stranger, page):
    client.force_login(agent_member)
    assert client.get(page).status_code == 200
    client.force_login(stranger)
    assert client.get(page).status_code == 403


@pytest.mark.parametrize("page", ["/admin/tickets/satisfactionresponse/", "/admin/tickets/suggestionclick/"])
def test_satisfaction_and_deflections_are_for_supervisors(client, supervisor, agent_member, stranger, page):
    client.force_login(supervisor)
    assert client.get(page).status_code == 200
    for other in (agent_member, stranger):
        client.force_login(other)
        assert client.get(page).status_code == 403
