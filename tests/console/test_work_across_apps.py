"""Work across the apps from the ticket page: open a refund claim prefilled from the ticket, turn an
answer into an FAQ draft, and find FAQ links (and canned replies) for the reply box."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from faq.models import Article
from outbox.models import OutgoingEmail
from refunds.from_ticket import reason_in
from refunds.models import RefundClaim
from tests.console.conftest import member
from tests.refunds.conftest import make_claim
from tickets.models import CannedReply, Message, Ticket

pytestmark = pytest.mark.django_db

ADD_CLAIM = "/admin/refunds/refundclaim/add/"


@pytest.fixture
def hong_ticket(db) -> Ticket:
    ticket = Ticket.objects.create(
        subject="11월 요금이 두 번 결제됐어요",
        requester_name="홍길동",
        requester_email="hong@example.com",
        topic="payment",
        language="ko",
    )
    ticket.add_customer_message("11월 3일에 프리미엄 요금이 카드로 두 번 청구되었습니다.")
    return ticket


def ticket_page(client, ticket: Ticket) -> str:
    response = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


# --- open a refund claim from a ticket ----------------------------------------------------------


def claim_post(ticket: Ticket, **overrides) -> dict:
    data = {
        "ticket": ticket.pk,
        "email": "hong@example.com",
        "username": "홍길동",
        "subscription_type": "premium_individual",
        "charge_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "amount": "10900",
        "currency": "KRW",
        "payment_method": "card",
        "reason": "duplicate_charge",
        "description": "11월 3일에 프리미엄 요금이 카드로 두 번 청구되었습니다.",
    }
    data.update(overrides)
    return data


def test_the_ticket_page_offers_a_refund_claim_to_those_who_may_file_one(client, hong_ticket):
    client.force_login(member("agent", "Agents"))
    link = f'<a class="button" href="/admin/refunds/refundclaim/add/?ticket={hong_ticket.pk}" data-open-claim>환불 신청서 작성</a>'
    assert link in ticket_page(client, hong_ticket)


def test_the_claim_form_starts_from_the_ticket(client, hong_ticket):
    client.force_login(member("agent", "Agents"))
    response = client.get(ADD_CLAIM, {"ticket": hong_ticket.pk})
    assert response.status_code == 200
    initial = response.context["adminform"].form.initial
    assert {name: initial[name] for name in ("ticket", "email", "username", "reason", "payment_method")} == {
        "ticket": hong_ticket.pk,
        "email": "hong@example.com",
        "username": "홍길동",
        "reason": "duplicate_charge",
        "payment_method": "card",
    }
    page = response.content.decode()
    assert '<input type="email" name="email" value="hong@example.com"' in page
    assert "11월 3일에 프리미엄 요금이 카드로 두 번 청구되었습니다.</textarea>" in page
    assert '<option value="duplicate_charge" selected>' in page
    assert re.search(r'<input type="text" name="currency" value="(\w*)"', page).group(1) == "KRW"


def test_the_claim_starts_from_the_customers_first_words_in_time_not_in_storage(client, hong_ticket):
    """Mail fetched late is stored after what the customer wrote next: the form takes the words
    written first (the earliest message), whatever order the rows were stored in."""
    later = hong_ticket.add_customer_message("확인해 보니 앱스토어로 결제한 거였어요.")
    Message.objects.filter(pk=later.pk).update(
        created_at=hong_ticket.messages.earliest("created_at").created_at - timedelta(hours=1)
    )
    client.force_login(member("agent", "Agents"))
    initial = client.get(ADD_CLAIM, {"ticket": hong_ticket.pk}).context["adminform"].form.initial
    assert (initial["description"], initial["payment_method"]) == (
        "확인해 보니 앱스토어로 결제한 거였어요.",
        "app_store",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("요금이 두번 빠져나갔어요", "duplicate_charge"),
        ("결제한 적 없는 금액이 청구됐어요", "unrecognised_charge"),
        ("어제 산 이용권을 사용하지 않았는데 청약철회 할게요", "withdrawal_within_7_days"),
        ("재생이 안 돼서 한 달 내내 못 봤어요", "service_unavailable"),
        ("해지했는데 남은 기간 환불해 주세요", "other"),
    ],
)
def test_the_reason_is_guessed_from_the_customers_words(text, reason):
    assert reason_in(text) == reason


def test_an_agent_files_the_claim_for_the_customer(client, hong_ticket):
    agent = member("agent", "Agents")
    client.force_login(agent)
    response = client.post(f"{ADD_CLAIM}?ticket={hong_ticket.pk}", claim_post(hong_ticket))
    claim = RefundClaim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/refunds/refundclaim/{claim.pk}/change/"
    assert (claim.ticket, claim.email, claim.status, claim.language) == (
        hong_ticket,
        "hong@example.com",
        "submitted",
        "ko",
    )
    event = claim.events.get()
    assert (event.action, event.actor) == ("submit", agent)
    mail = OutgoingEmail.objects.get(kind="refund-filed")
    assert mail.to == "hong@example.com" and claim.reference in mail.subject
    page = client.get(response["Location"]).content.decode()
    assert f"환불 신청 {claim.reference}을(를) 접수했고 고객에게 이메일을 보냈습니다." in page
    assert (
        f'연결된 문의: <a href="/admin/tickets/ticket/{hong_ticket.pk}/change/" data-opened-from>{hong_ticket.reference}</a>'
        in page
    )


def test_a_second_claim_for_the_same_charge_is_refused_with_its_reference(client, hong_ticket):
    client.force_login(member("agent", "Agents"))
    existing = make_claim(charge_date=timezone.localdate() - timedelta(days=2), amount=Decimal("10900"))
    response = client.post(ADD_CLAIM, claim_post(hong_ticket))
    assert response.status_code == 200
    assert RefundClaim.objects.count() == 1
    assert f"이 결제에 대한 환불 신청 {existing.reference}이(가) 이미 진행 중입니다. 그 신청에 내용을 더해 주세요." in (
        response.content.decode()
    )


@pytest.mark.parametrize("group", ["Refund reviewers", "Finance", "Editors"])
def test_those_who_may_not_file_claims_get_no_form(client, hong_ticket, group):
    client.force_login(member("stranger", group))
    assert client.get(ADD_CLAIM, {"ticket": hong_ticket.pk}).status_code == 403
    assert client.post(ADD_CLAIM, claim_post(hong_ticket)).status_code == 403
    assert RefundClaim.objects.count() == 0


# --- an answer becomes an FAQ draft --------------------------------------------------------------


@pytest.fixture
def answered(hong_ticket) -> Message:
    hong_ticket.add_agent_reply(None, "안녕하세요. 중복 결제는 3영업일 안에 자동으로 취소됩니다.")
    hong_ticket.add_agent_reply(None, "내부 메모: 카드사 확인 필요", internal=True)
    return hong_ticket.messages.get(author_kind="agent", is_internal=False)


def draft_url(message: Message) -> str:
    return f"/admin/console/message/{message.pk}/faq-draft/"


def test_a_supervisor_turns_an_answer_into_an_unpublished_article(client, answered, corpus):
    client.force_login(member("supervisor", "Supervisors"))
    page = ticket_page(client, answered.ticket)
    assert (
        f'formaction="{draft_url(answered)}" formmethod="post" formnovalidate data-faq-draft="{answered.pk}">이 답변으로 FAQ 초안 만들기</button>'
        in page
    )
    assert page.count("data-faq-draft=") == 1  # not on the customer's message, not on the internal note
    response = client.post(draft_url(answered))
    article = Article.objects.get(slug=f"draft-{answered.ticket.reference.lower()}-{answered.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/faq/article/{article.pk}/change/"
    translation = article.translations.get()
    assert (article.status, translation.language, translation.title, translation.body) == (
        "draft",
        "ko",
        "11월 요금이 두 번 결제됐어요",
        "안녕하세요. 중복 결제는 3영업일 안에 자동으로 취소됩니다.",
    )
    opened = client.get(response["Location"])
    assert opened.status_code == 200
    assert f"{answered.ticket.reference}의 답변으로 FAQ 초안을 만들었습니다." in opened.content.decode()
    again = client.post(draft_url(answered))
    assert again["Location"] == response["Location"]
    assert Article.objects.filter(slug__startswith="draft-").count() == 1
    assert "이 답변으로 만든 FAQ 초안이 이미 있습니다." in client.get(again["Location"]).content.decode()


def test_the_draft_is_in_the_language_of_the_ticket(client, answered, corpus):
    Ticket.objects.filter(pk=answered.ticket_id).update(language="en")
    client.force_login(member("supervisor", "Supervisors"))
    client.post(draft_url(answered))
    assert Article.objects.get(slug__startswith="draft-").translations.get().language == "en"


@pytest.mark.parametrize("group", ["Agents", "Editors", "Refund reviewers"])
def test_those_without_faq_writing_and_ticket_reading_cannot_draft(client, answered, corpus, group):
    client.force_login(member("stranger", group))
    assert client.post(draft_url(answered)).status_code == 403
    assert not Article.objects.filter(slug__startswith="draft-").exists()
    if group == "Agents":
        assert "data-faq-draft=" not in ticket_page(client, answered.ticket)


def test_only_an_agents_public_answer_becomes_a_draft(client, answered, corpus):
    client.force_login(member("supervisor", "Supervisors"))
    note = answered.ticket.messages.get(is_internal=True)
    customer = answered.ticket.messages.get(author_kind="customer")
    assert client.post(draft_url(note)).status_code == 404
    assert client.post(draft_url(customer)).status_code == 404
    assert client.get(draft_url(answered)).status_code == 405


# --- FAQ links and canned replies beside the reply box ------------------------------------------


def test_the_reply_box_has_an_faq_search_that_works_without_script(client, hong_ticket):
    client.force_login(member("agent", "Agents"))
    page = ticket_page(client, hong_ticket)
    assert '<input type="search" id="faq-link-q" name="q" form="faq-link-search" autocomplete="off">' in page
    assert (
        '<form id="faq-link-search" class="console-faq-search-form" method="get" action="/admin/console/faq-links/" '
        'target="_blank"><input type="hidden" name="lang" value="ko"></form>'
    ) in page
    # The search form is outside the ticket's form: Enter in the search box never saves the ticket.
    assert page.index('id="faq-link-search"') > page.index("</form>", page.index('id="ticket_form"'))
    assert '<script src="/static/js/reply-tools.js" defer></script>' in page


def test_the_faq_search_understands_korean_and_answers_json_with_public_links(client, corpus, settings):
    settings.SITE_URL = "https://help.example.com"
    client.force_login(member("agent", "Agents"))
    response = client.get("/admin/console/faq-links/", {"q": "비밀번호를잊었어요", "lang": "ko", "format": "json"})
    assert response.status_code == 200
    results = json.loads(response.content)["results"]
    assert results[0] == {
        "title": "비밀번호 재설정 방법",
        "url": "https://help.example.com/ko/faq/articles/reset-password/",
    }


def test_without_script_the_search_is_a_page_of_links(client, corpus, settings):
    settings.SITE_URL = "https://help.example.com"
    client.force_login(member("agent", "Agents"))
    page = client.get("/admin/console/faq-links/", {"q": "비밀번호", "lang": "ko"}).content.decode()
    assert (
        "<li><strong>비밀번호 재설정 방법</strong><br>"
        '<a href="https://help.example.com/ko/faq/articles/reset-password/">'
        "https://help.example.com/ko/faq/articles/reset-password/</a></li>"
    ) in page
    nothing = client.get("/admin/console/faq-links/", {"q": "qqqzzz", "lang": "ko"}).content.decode()
    assert "“qqqzzz”에 답하는 게시된 문서가 없습니다." in nothing


def test_the_faq_link_search_is_refused_to_those_without_faq_access(client, corpus):
    client.force_login(member("finance", "Finance"))
    assert client.get("/admin/console/faq-links/", {"q": "환불", "format": "json"}).status_code == 403


def test_a_canned_reply_is_filled_in_for_the_ticket(client, hong_ticket):
    reply = CannedReply.objects.create(title="인사", body="{{ name }}님, {{ reference }} 문의 확인했습니다.")
    client.force_login(member("agent", "Agents"))
    response = client.get(f"/admin/console/ticket/{hong_ticket.pk}/canned/{reply.pk}/")
    assert json.loads(response.content) == {"text": f"홍길동님, {hong_ticket.reference} 문의 확인했습니다."}
    client.force_login(member("finance", "Finance"))
    assert client.get(f"/admin/console/ticket/{hong_ticket.pk}/canned/{reply.pk}/").status_code == 403
