"""An agent's morning in the console, in a real Chromium under the site's Content-Security-Policy: the
dashboard, the "past SLA" queue, taking a ticket, finding another by a word of its message, answering it
with a canned reply and an FAQ link from the search beside the reply box, and the customer's page with
their refund claim.

Run with: .venv/bin/python -m pytest tests/browser/test_agent_console_journey.py -q
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from helpcenter.roles import AGENTS, set_up_roles
from outbox.models import OutgoingEmail
from refunds.models import RefundClaim
from refunds.setup import ensure_policy_rules
from tests.browser.helpers import PASSWORD, admin_login, korean, screenshot
from tickets.models import CannedReply, Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test writes

CANNED = "{{ name }}님, 문의 주셔서 감사합니다. 아래 안내를 확인해 주세요."


@pytest.fixture
def site(live_server, settings, tmp_path, corpus):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url
    set_up_roles()  # a flushed database may have lost what post_migrate made
    ensure_policy_rules()
    return live_server.url


@pytest.fixture
def desk(site):
    """An agent, a ticket past its SLA that nobody has taken, and Hong's ticket and refund claim."""
    agent = get_user_model().objects.create_user("minji", "minji@example.com", PASSWORD, is_staff=True)
    agent.groups.add(Group.objects.get(name=AGENTS))
    now = timezone.now()
    late = Ticket.objects.create(
        subject="앱이 자꾸 꺼져요",
        requester_email="kim@example.com",
        created_at=now - timedelta(days=3),
        first_response_due=now - timedelta(hours=5),
        resolution_due=now + timedelta(days=1),
    )
    late.add_customer_message("동영상을 켜면 앱이 바로 종료됩니다.")
    Ticket.objects.create(subject="요금제 변경 문의", requester_email="lee@example.com")
    hong = Ticket.objects.create(subject="비밀번호 문의", requester_name="홍길동", requester_email="Hong@Example.com")
    hong.add_customer_message("비밀번호를 잊어서 로그인을 못 하고 있어요. 영수증 메일도 못 받았어요.")
    claim = RefundClaim.file(
        RefundClaim(
            email="hong@example.com",
            username="hong123",
            subscription_type="premium_individual",
            charge_date=timezone.localdate() - timedelta(days=2),
            amount=10900,
            payment_method="card",
            reason="duplicate_charge",
            description="두 번 결제됐어요.",
        )
    )
    canned = CannedReply.objects.create(title="로그인 안내", body=CANNED)
    return {"agent": agent, "late": late, "hong": hong, "claim": claim, "canned": canned}


def watch_for_refusals(page: Page) -> list[str]:
    refusals: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refusals.append(message.text))
    page.on("pageerror", lambda error: refusals.append(f"page error: {error}"))
    return refusals


def test_dashboard_past_sla_assign_search_reply_with_faq_link_and_customer_page(new_context, site, desk):
    late, hong, claim = desk["late"], desk["hong"], desk["claim"]
    page = admin_login(new_context, site, "minji")
    refusals = watch_for_refusals(page)

    # 1. The dashboard counts one ticket past its SLA.
    page.goto(f"{site}/admin/")
    tile = page.locator("a.console-tile", has_text=korean("Past SLA"))
    expect(tile.locator(".console-count")).to_have_text("1")
    screenshot(page, "console-dashboard")

    # 2. Following it lists exactly that ticket.
    tile.click()
    expect(page).to_have_url(re.compile(r"/admin/tickets/ticket/\?queue=past-sla$"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(late.reference)
    expect(rows.first).to_contain_text("앱이 자꾸 꺼져요")

    # 3. The agent takes it.
    rows.first.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("assign_to_me")
    page.locator("button[name=index]").click()
    expect(page.locator("ul.messagelist")).to_contain_text(korean("%(count)d tickets assigned to you.") % {"count": 1})
    late.refresh_from_db()
    assert late.assignee == desk["agent"]

    # 4. Hong's ticket, found by a word of the customer's message.
    page.goto(f"{site}/admin/tickets/ticket/")
    page.locator("#searchbar").fill("영수증")
    page.locator("#searchbar").press("Enter")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(hong.reference)
    rows.first.locator("th a, td a").first.click()
    ticket_page = re.compile(rf"/admin/tickets/ticket/{hong.pk}/change/\?_changelist_filters=q%3D")
    expect(page).to_have_url(ticket_page)

    # 5. A canned reply fills the reply box; the FAQ search beside it adds a link where the cursor is.
    reply = page.locator("#id_reply")
    page.locator("#id_canned_reply").select_option(label="로그인 안내")
    greeting = "홍길동님, 문의 주셔서 감사합니다. 아래 안내를 확인해 주세요."
    expect(reply).to_have_value(greeting)
    page.locator("#faq-link-q").fill("비밀번호를잊었어요")
    page.locator("#faq-link-q").press("Enter")
    first_hit = page.locator("#faq-link-results li").first
    expect(first_hit).to_contain_text("비밀번호 재설정 방법")
    expect(page).to_have_url(ticket_page)  # searching neither saved the ticket nor left the page
    first_hit.get_by_role("button", name=korean("Insert link")).click()
    link = f"{site}/ko/faq/articles/reset-password/"
    expected = f"{greeting}\n비밀번호 재설정 방법: {link}"
    expect(reply).to_have_value(expected)
    screenshot(page, "console-reply-with-faq-link")
    page.locator("input[name=_save]").click()
    expect(page.locator("ul.messagelist")).to_contain_text(korean("Reply queued for e-mail."))
    answer = Message.objects.get(ticket=hong, author_kind="agent")
    # A browser sends a textarea's lines with CRLF, and the reply is stored as sent.
    assert (answer.body.splitlines(), answer.author) == (expected.splitlines(), desk["agent"])
    sent = OutgoingEmail.objects.get(thread=hong.reference, to="Hong@Example.com")
    assert link in sent.body

    # 6. The customer's page, from the ticket: both of Hong's records, the refund claim among them.
    page.goto(f"{site}/admin/tickets/ticket/{hong.pk}/change/")
    page.locator("a[data-customer-page]").click()
    expect(page.locator("#customer-tickets tbody tr")).to_have_count(1)
    claim_row = page.locator(f'#customer-claims tr[data-claim="{claim.reference}"]')
    expect(claim_row).to_contain_text(korean(RefundClaim.Status.SUBMITTED.label))
    expect(claim_row).to_contain_text("10,900 KRW")
    expect(page.locator("#customer-timeline li").first).to_contain_text(hong.reference)
    screenshot(page, "console-customer-page")
    assert refusals == []
