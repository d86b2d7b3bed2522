"""One customer, one page (console.customers): every ticket, chat and claim of an address, their
satisfaction and one timeline, for what each viewer may read, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat.models import Chat
from console.customers import EVENTS_PER_PAGE, ROWS_PER_PAGE
from refunds.models import ClaimFeedback
from tests.console.conftest import member, ticket
from tests.refunds.conftest import make_claim
from tickets.models import Message, SatisfactionResponse

pytestmark = pytest.mark.django_db

PAGE = "/admin/console/customer/"


def chat_for(email: str, *, rating: int | None = None, ended: bool = False) -> Chat:
    chat, _token = Chat.start(name="홍길동", email=email, topic="payment", text="채팅으로 문의드려요", language="ko")
    if ended:
        Chat.objects.filter(pk=chat.pk).update(state=Chat.State.ENDED, ended_at=timezone.now(), rating=rating)
    return chat


def rows(page: str, kind: str) -> list[str]:
    return re.findall(rf'<tr data-{kind}="([^"]+)">', page)


def timeline(page: str) -> list[tuple[str, str]]:
    """(reference, label) of each timeline entry, in page order."""
    return re.findall(r'<li class="console-event [^"]+">.*?<a href="[^"]+">([^<]+)</a> <strong>([^<]+)</strong>', page)


@pytest.fixture
def customer(db):
    """Hong's history: two tickets (one rated), a chat rated 4, a claim with feedback; and a stranger's."""
    now = timezone.now()
    first = ticket("로그인이 안 돼요", requester_email="Hong@Example.com", days_old=3)
    first.add_customer_message("비밀번호를 바꿔도 로그인이 안 됩니다.")
    Message.objects.filter(ticket=first).update(created_at=now - timedelta(days=3))
    second = ticket("요금이 두 번 나갔어요", requester_email="hong@example.com", status="solved", days_old=1)
    Message.objects.create(
        ticket=second, author_kind="agent", body="중복 결제를 취소했습니다.", created_at=now - timedelta(days=1)
    )
    SatisfactionResponse.objects.create(ticket=second, rating=5, comment="빨라요")
    chat = chat_for("HONG@example.com", rating=4, ended=True)
    claim = make_claim(email="hong@EXAMPLE.com")
    ClaimFeedback.objects.create(claim=claim, clarity=4, speed=2, agrees_with_decision="yes")
    ticket("남의 문의", requester_email="kim@example.com")
    make_claim(email="kim@example.com", amount=Decimal("5000"))
    return {"tickets": [first, second], "chat": chat, "claim": claim}


def test_an_agent_sees_every_ticket_and_chat_of_the_address_in_any_case(client, customer):
    agent = member("agent", "Agents")
    client.force_login(agent)
    customer["chat"].__class__.objects.filter(pk=customer["chat"].pk).update(agent=agent)
    response = client.get(PAGE, {"email": "HONG@example.COM"})
    page = response.content.decode()
    assert response.status_code == 200
    chat_ticket = customer["chat"].ticket.reference
    first, second = (item.reference for item in customer["tickets"])
    assert rows(page, "ticket") == [chat_ticket, second, first]
    assert rows(page, "chat") == [chat_ticket]
    assert '<h2 id="tickets-heading">문의 3건</h2>' in page
    assert '<li data-satisfaction="survey">문의 만족도 설문: 5점 만점에 5.0점 (답변 1건)</li>' in page
    assert '<li data-satisfaction="chat">채팅 평가: 5점 만점에 4.0점 (평가 1건)</li>' in page
    # An agent reads claims too (the claim page shows their tickets); the reviewers decide them.
    assert rows(page, "claim") == [customer["claim"].reference]
    assert "kim@example.com" not in page and "남의 문의" not in page


def test_the_timeline_is_newest_first_across_tickets_chats_and_claims(client, customer):
    client.force_login(member("supervisor", "Supervisors"))
    page = client.get(PAGE, {"email": "hong@example.com"}).content.decode()
    chat_ticket = customer["chat"].ticket.reference
    first, second = (item.reference for item in customer["tickets"])
    assert timeline(page) == [
        (customer["claim"].reference, "환불 신청 접수"),
        (chat_ticket, "채팅 종료"),
        (chat_ticket, "고객"),
        (chat_ticket, "채팅 시작"),
        (second, "상담원"),
        (first, "고객"),
    ]
    assert '<span class="console-event-text">중복 결제를 취소했습니다.</span>' in page


def test_a_refund_reviewer_sees_claims_and_their_feedback_but_no_ticket(client, customer):
    client.force_login(member("reviewer", "Refund reviewers"))
    page = client.get(PAGE, {"email": "hong@example.com"}).content.decode()
    assert rows(page, "claim") == [customer["claim"].reference]
    assert rows(page, "ticket") == [] and rows(page, "chat") == []
    assert 'id="customer-tickets"' not in page and 'id="customer-chats"' not in page
    assert '<li data-satisfaction="refunds">환불 만족도: 5점 만점에 명확성 4.0점, 속도 2.0점 (답변 1건)</li>' in page
    assert timeline(page) == [(customer["claim"].reference, "환불 신청 접수")]
    assert "로그인이 안 돼요" not in page


def test_an_editor_is_refused(client, customer):
    client.force_login(member("editor", "Editors"))
    assert client.get(PAGE, {"email": "hong@example.com"}).status_code == 403
    assert client.get(PAGE).status_code == 403


def test_a_chat_another_agent_holds_is_not_shown_to_an_agent(client, customer):
    other = member("other", "Agents")
    Chat.objects.filter(pk=customer["chat"].pk).update(agent=other)
    client.force_login(member("agent", "Agents"))
    page = client.get(PAGE, {"email": "hong@example.com"}).content.decode()
    assert rows(page, "chat") == []
    assert "채팅 종료" not in page


def test_a_bad_address_gets_a_clear_answer(client):
    client.force_login(member("agent", "Agents"))
    response = client.get(PAGE, {"email": "not-an-address"})
    assert response.status_code == 400
    assert "“not-an-address”은(는) 이메일 주소가 아닙니다." in response.content.decode()


def test_the_ticket_claim_and_chat_pages_link_to_the_customer(client, customer):
    client.force_login(member("supervisor", "Supervisors"))
    link = '<a class="button" href="/admin/console/customer/?email=Hong%40Example.com" data-customer-page>'
    page = client.get(f"/admin/tickets/ticket/{customer['tickets'][0].pk}/change/").content.decode()
    assert link + "Hong@Example.com의 모든 기록</a>" in page
    claim = customer["claim"]
    page = client.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").content.decode()
    assert '<a href="/admin/console/customer/?email=hong%40EXAMPLE.com" data-customer-page>' in page
    page = client.get(f"/admin/chat/chat/{customer['chat'].pk}/change/").content.decode()
    assert '<a href="/admin/console/customer/?email=HONG%40example.com" data-customer-page>' in page


def many(count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        item = ticket(f"문의 {number}", requester_email="hong@example.com", days_old=number / 100)
        Message.objects.create(ticket=item, author_kind="customer", body=f"본문 {number}")
        if number % 3 == 0:
            SatisfactionResponse.objects.create(ticket=item, rating=4)
        if number % 5 == 0:
            make_claim(amount=Decimal(1000 + number))


def page_queries(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE, {"email": "hong@example.com", **params})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_queries_do_not_grow_with_the_customers_history_and_pages_are_cut(client):
    client.force_login(member("supervisor", "Supervisors"))
    chat_for("hong@example.com", rating=5, ended=True)
    many(3)
    few, _page = page_queries(client)
    many(ROWS_PER_PAGE * 2, start=3)
    lots, page = page_queries(client)
    assert few == lots
    assert len(rows(page, "ticket")) == ROWS_PER_PAGE
    assert len(timeline(page)) == EVENTS_PER_PAGE
    assert "문의 44건" in page  # 3 + 40 + the chat's
    older, second_page = page_queries(client, tickets=3)
    assert older == lots
    assert len(rows(second_page, "ticket")) == 44 - 2 * ROWS_PER_PAGE
    assert 'href="?email=hong%40example.com&amp;tickets=2" rel="prev"' in second_page


def test_the_timeline_neither_counts_nor_reads_the_whole_history(client):
    client.force_login(member("supervisor", "Supervisors"))
    chat_for("hong@example.com", rating=5, ended=True)
    many(EVENTS_PER_PAGE * 2)
    stranger = ticket("남의 문의", requester_email="kim@example.com")
    Message.objects.create(ticket=stranger, author_kind="customer", body="김의 새 메시지")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(PAGE, {"email": "hong@example.com"}).content.decode()
    sql = [query["sql"] for query in queries.captured_queries]
    # No COUNT of the customer's messages, claim events or chats for the timeline.
    assert [s for s in sql if "COUNT(" in s and ('"tickets_message"' in s or '"refunds_claimevent"' in s)] == []
    # The excerpts are read for the rows shown only, named one by one.
    excerpts = [s for s in sql if '("tickets_message"."body", 1, ' in s]  # SUBSTR on SQLite, SUBSTRING on PostgreSQL
    assert len(excerpts) == 1 and '"tickets_message"."id" IN (' in excerpts[0]
    assert len(timeline(page)) == EVENTS_PER_PAGE
    assert stranger.reference not in page and "김의 새 메시지" not in page  # the newest event, but not Hong's
    assert '<p class="paginator console-pages">1쪽 · <a href="?email=hong%40example.com&amp;page=2" rel="next">' in page


def test_the_timeline_pages_back_to_its_limit_and_says_where_the_rest_is(client, monkeypatch):
    monkeypatch.setattr("console.customers.EVENTS_PER_PAGE", 2)
    monkeypatch.setattr("console.customers.TIMELINE_PAGES", 3)
    client.force_login(member("supervisor", "Supervisors"))
    many(8)  # 8 messages and 2 claims' events: more than 3 pages of 2
    _count, last = page_queries(client, page=3)
    assert len(timeline(last)) == 2
    assert 'rel="next"' not in last
    assert "타임라인에는 최근 6건까지 표시됩니다. 그 이전 기록은 각 문의와 환불 신청 페이지에서 볼 수 있습니다." in last
    _count, beyond = page_queries(client, page=999)  # an address typed by hand: the last page, not an error
    assert timeline(beyond) == timeline(last)
    _count, first = page_queries(client, page="abc")  # not a number: the first page
    assert timeline(first) == timeline(page_queries(client)[1])
    assert "타임라인에는" not in first and 'rel="prev"' not in first
