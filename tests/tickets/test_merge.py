"""Merging duplicate tickets: the conversation moves in time order with its files, the duplicates
close as merged and point to the kept ticket, the customer is told the new reference, and every
old way in (link, reference, mail thread, console page) leads to the kept ticket."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import OutgoingEmail
from tests.tickets.conftest import form_data, upload
from tests.tickets.test_bulk_actions import logged_in, run
from tests.tickets.test_history import changes
from tests.tickets.test_ingest_email import ingest, mail
from tickets import actions
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def opened_by_links_in(text: str) -> list[Ticket]:
    """The tickets the private links in a text open (each link is a fresh random token)."""
    return [Ticket.from_tracking_token(token) for token in re.findall(r"/requests/([\w-]+)/", text)]


@pytest.fixture
def duplicates(client, agent_member) -> tuple[Ticket, Ticket]:
    """The same customer wrote twice; an agent answered the first."""
    client.post("/ko/contact/", form_data(description="11월 3일에 두 번 결제됐어요."))
    first = Ticket.objects.get()
    Ticket.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=3))
    Message.objects.filter(ticket=first).update(created_at=timezone.now() - timedelta(hours=3))
    actions.agent_reply(first, agent_member, "확인 중입니다.")
    Message.objects.filter(ticket=first, author_kind="agent").update(created_at=timezone.now() - timedelta(hours=2))
    client.post(
        "/ko/contact/",
        form_data(subject="결제 두 번", description="아직 답이 없어서 다시 씁니다.", attachments=[upload()]),
    )
    second = Ticket.objects.exclude(pk=first.pk).get()
    OutgoingEmail.objects.all().delete()
    return Ticket.objects.get(pk=first.pk), second


def merge(agent, kept: Ticket, *tickets: Ticket):
    return run(logged_in(agent), "merge_tickets", tickets, kept=kept.pk)


def test_the_page_asks_which_ticket_to_keep(agent_member, duplicates):
    first, second = duplicates
    page = run(logged_in(agent_member), "merge_tickets", duplicates).content.decode()
    assert re.findall(r'name="kept" value="(\d+)"', page) == [str(first.pk), str(second.pk)]
    assert Ticket.objects.filter(merged_into__isnull=False).count() == 0


def test_the_conversation_moves_in_time_order_with_its_files(agent_member, duplicates):
    first, second = duplicates
    response = merge(agent_member, first, first, second)
    assert [m.message for m in response.wsgi_request._messages] == [
        f"{second.reference}을(를) {first.reference}(으)로 병합했습니다. 고객에게 새 참조 번호를 안내했습니다."
    ]
    conversation = [(m.author_kind, m.body) for m in first.messages.all()]
    assert conversation == [
        ("customer", "11월 3일에 두 번 결제됐어요."),
        ("agent", "확인 중입니다."),
        ("customer", "아직 답이 없어서 다시 씁니다."),
        ("system", f"이 문의로 병합됨: {second.reference}"),
    ]
    assert first.messages.get(body="아직 답이 없어서 다시 씁니다.").attachments.get().filename == "screenshot.png"
    second.refresh_from_db()
    assert (second.status, second.merged_into, second.messages.count()) == ("closed", first, 0)


def test_the_customer_is_told_the_new_reference(agent_member, duplicates):
    first, second = duplicates
    merge(agent_member, first, first, second)
    notice = OutgoingEmail.objects.get()
    assert (notice.kind, notice.to, notice.auto_submitted) == ("merged", "hong@example.com", "auto-generated")
    assert notice.subject == f"문의가 {first.reference} 하나로 합쳐졌습니다 [{first.reference}]"
    assert f"보내 주신 문의 {second.reference}을(를) {first.reference} 하나로 합쳤습니다." in notice.body
    assert opened_by_links_in(notice.body) == [first]


def test_the_old_private_link_opens_the_kept_ticket(client, agent_member, duplicates):
    first, second = duplicates
    old_link = second.tracking_path()
    merge(agent_member, first, first, second)
    response = client.get(old_link)
    assert response.status_code == 302
    assert opened_by_links_in(response["Location"]) == [first]
    page = client.get(response["Location"]).content.decode()
    assert "아직 답이 없어서 다시 씁니다." in page and "확인 중입니다." in page
    client.post(old_link + "reply/", {"body": "옛 링크로 답장합니다."})
    assert first.messages.filter(body="옛 링크로 답장합니다.").exists()


def test_the_old_reference_sends_the_kept_tickets_link(client, agent_member, duplicates):
    first, second = duplicates
    merge(agent_member, first, first, second)
    client.post("/ko/requests/find/", {"reference": second.reference, "email": "hong@example.com"})
    assert opened_by_links_in(OutgoingEmail.objects.get(kind="link").body) == [first]


def test_mail_to_the_old_reference_or_thread_lands_on_the_kept_ticket(tmp_path, agent_member, duplicates):
    first, second = duplicates
    old_message_id = "<second-ticket-mail@example.com>"
    Message.objects.filter(ticket=second).update(message_id=old_message_id)
    merge(agent_member, first, first, second)
    assert ingest(tmp_path, mail("<r1@example.com>", subject=f"Re: [{second.reference}]", body="제목으로 답장")) == (
        f"appended {first.reference}"
    )
    assert ingest(
        tmp_path, mail("<r2@example.com>", body="스레드로 답장", extra=f"In-Reply-To: {old_message_id}\r\n")
    ) == (f"appended {first.reference}")
    assert Ticket.objects.count() == 2


def test_the_console_page_of_the_old_reference_opens_the_kept_ticket(agent_member, duplicates):
    first, second = duplicates
    merge(agent_member, first, first, second)
    response = logged_in(agent_member).get(f"/admin/tickets/ticket/{second.pk}/change/")
    assert response.status_code == 302 and response["Location"] == f"/admin/tickets/ticket/{first.pk}/change/"


def test_tickets_of_different_requesters_are_not_merged(agent_member, duplicates):
    first, _second = duplicates
    other = Ticket.objects.create(subject="결제 문의", requester_email="kim@example.com")
    response = run(logged_in(agent_member), "merge_tickets", [first, other])
    assert [m.message for m in response.wsgi_request._messages] == [
        "같은 고객의 문의만 병합할 수 있습니다. 선택한 문의의 이메일: hong@example.com, kim@example.com"
    ]
    response = merge(agent_member, first, first, other)
    assert Ticket.objects.filter(merged_into__isnull=False).count() == 0
    assert not OutgoingEmail.objects.exists()


def test_one_ticket_alone_is_not_merged(agent_member, duplicates):
    first, _second = duplicates
    response = merge(agent_member, first, first)
    assert [m.message for m in response.wsgi_request._messages] == ["병합할 문의를 두 개 이상 선택하세요."]


def test_the_history_records_the_merge_with_the_agent(agent_member, duplicates):
    first, second = duplicates
    merge(agent_member, first, first, second)
    record = second.history.first()
    assert (record.history_user, record.merged_into_id) == (agent_member, first.pk)
    html = logged_in(agent_member).get(f"/admin/tickets/ticket/{second.pk}/history/").content.decode()
    newest = changes(html)[:3]
    assert "병합된 문의: — → " + str(first) in newest and "상태: 새 문의 → 종료됨" in newest
    assert f"{first.reference}(으)로 병합됨" in html
    assert (
        f"{second.reference} 병합"
        in logged_in(agent_member).get(f"/admin/tickets/ticket/{first.pk}/history/").content.decode()
    )


def test_agents_search_finds_the_moved_words_on_the_kept_ticket_only(agent_member, duplicates):
    from tickets import search

    first, second = duplicates
    merge(agent_member, first, first, second)
    # "다시 씁니다" was written on the duplicate; it now lives on the kept ticket alone.
    found = search.matching(Ticket.objects.all(), "씁니다").values_list("pk", flat=True)
    assert list(found) == [first.pk]
