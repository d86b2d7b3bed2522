"""A support request in a real Chromium, customer and agent each in their own browser: the contact form with a
screenshot, the tracking link from the acknowledgement e-mail, the agent's answer written in the admin, the
customer's reply with another file, and "my problem is solved".

Run with: .venv/bin/python -m pytest tests/browser -q   (SCREENSHOTS=1 saves screenshots to test-artifacts/).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from outbox.models import OutgoingEmail
from tests.browser.helpers import PASSWORD, admin_login, screenshot, write_png
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test writes

REFERENCE = re.compile(r"^HC-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{7}$")
DESCRIPTION = "11월 3일에 프리미엄 요금이 두 번 청구되었습니다. 카드 명세서 캡처를 첨부합니다."
AGENT_ANSWER = "안녕하세요 홍길동님, 중복 결제를 확인했습니다. 두 번째 결제는 3영업일 안에 취소됩니다."
CUSTOMER_REPLY = "확인 감사합니다. 취소 문자를 받으면 다시 알려 드릴게요."


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url  # links in e-mail point at this server
    return live_server.url


@pytest.fixture
def agent(transactional_db):
    return get_user_model().objects.create_superuser("jiyoon", "jiyoon@example.com", PASSWORD)


def submit_contact_form(page: Page, site: str, screenshot_file) -> str:
    page.goto(f"{site}/ko/contact/")
    form = page.locator('form[action="/ko/contact/"]')
    form.locator("#id_requester_name").fill("홍길동")
    form.locator("#id_requester_email").fill("hong@example.com")
    form.locator("#id_topic").select_option("payment")
    form.locator("#id_subject").fill("11월 요금이 두 번 결제됐어요")
    form.locator("#id_description").fill(DESCRIPTION)
    form.locator("#id_device").fill("Galaxy S24")
    form.locator("#id_operating_system").fill("Android 15")
    form.locator("#id_app_version").fill("7.2.1")
    form.locator("#id_attachments").set_input_files(screenshot_file)
    screenshot(page, "ticket-contact-form")
    form.locator("input[type=submit]").click()

    expect(page).to_have_url(f"{site}/ko/contact/sent/")
    reference = page.locator("[data-reference]")
    expect(reference).to_have_text(REFERENCE)
    screenshot(page, "ticket-submitted")
    return reference.inner_text().strip()


def test_contact_form_tracking_link_agent_answer_reply_and_solved(page: Page, new_context, site, agent, tmp_path):
    # 1. The customer sends the contact form with a screenshot.
    reference = submit_contact_form(page, site, write_png(tmp_path, "결제내역.png"))
    ticket = Ticket.objects.get(reference=reference)
    assert (ticket.requester_email, ticket.topic, ticket.device, ticket.status) == (
        "hong@example.com",
        "payment",
        "Galaxy S24",
        "new",
    )

    # 2. The tracking link from the acknowledgement e-mail opens the conversation.
    acknowledgement = OutgoingEmail.objects.get(thread=ticket.reference, kind="acknowledgement")
    assert acknowledgement.to == "hong@example.com" and reference in acknowledgement.body
    link = re.search(rf"^{re.escape(site)}/ko/requests/([^/\s]+)/$", acknowledgement.body, re.MULTILINE)
    assert link is not None, acknowledgement.body
    assert Ticket.from_tracking_token(link.group(1)) == ticket  # signed with a timestamp: compare what it opens
    tracking_url = link.group(0)
    page.goto(tracking_url)
    expect(page.locator("h1")).to_have_text("11월 요금이 두 번 결제됐어요")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "new")
    conversation = page.locator("ol.conversation > li")
    expect(conversation).to_have_count(1)
    expect(conversation.first.locator(".message-body")).to_have_text(DESCRIPTION)
    expect(conversation.first.get_by_role("link", name=re.compile("결제내역.png"))).to_be_visible()

    # 3. An agent answers in the admin, in a browser of their own.
    admin = admin_login(new_context, site, "jiyoon")
    admin.goto(f"{site}/admin/tickets/ticket/{ticket.pk}/change/")
    expect(admin.locator(".ticket-conversation")).to_contain_text(DESCRIPTION)
    preview = admin.locator(".ticket-conversation img[alt='결제내역.png']")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.complete && img.naturalWidth") > 0  # a picture, not a broken icon
    admin.locator("#id_reply").fill(AGENT_ANSWER)
    expect(admin.locator("input[name=reply_kind][value=public]")).to_be_checked()
    screenshot(admin, "ticket-admin-reply")
    admin.locator("input[name=_save]").click()
    expect(admin).to_have_url(f"{site}/admin/tickets/ticket/")
    expect(admin.locator("ul.messagelist")).to_be_visible()

    answer = Message.objects.get(ticket=ticket, author_kind="agent")
    assert answer.body == AGENT_ANSWER and answer.author == agent and not answer.is_internal
    queued = OutgoingEmail.objects.get(thread=ticket.reference, kind="reply")
    assert queued.to == "hong@example.com" and AGENT_ANSWER in queued.body and f"[{reference}]" in queued.subject

    # 4. Back in the customer's browser: the answer is there.
    page.reload()
    expect(conversation).to_have_count(2)
    agent_card = conversation.nth(1)
    expect(agent_card).to_have_class(re.compile(r"\bborder-primary\b"))  # shown as the agent's
    expect(agent_card.locator(".message-body")).to_have_text(AGENT_ANSWER)
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "open")

    # 5. The customer replies with another file.
    reply_form = page.locator('form[action$="/reply/"]')
    reply_form.locator("textarea[name=body]").fill(CUSTOMER_REPLY)
    reply_form.locator("input[name=attachments]").set_input_files(
        write_png(tmp_path, "취소문자.png", rgb=(200, 30, 30))
    )
    reply_form.locator("[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/ko/requests/[^/]+/#latest$"))
    expect(conversation).to_have_count(3)
    latest = page.locator("#latest")
    expect(latest.locator(".message-body")).to_have_text(CUSTOMER_REPLY)
    expect(latest.get_by_role("link", name=re.compile("취소문자.png"))).to_be_visible()
    expect(page.locator("main .alert-success")).to_be_visible()
    screenshot(page, "ticket-tracking-after-reply")

    # 6. "My problem is solved".
    page.locator('form[action$="/solved/"] button[type=submit]').click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "solved")
    expect(page.locator('form[action$="/solved/"]')).to_have_count(0)
    expect(page.locator('a[href$="/survey/"]')).to_be_visible()
    screenshot(page, "ticket-solved")

    ticket.refresh_from_db()
    assert ticket.status == "solved" and ticket.solved_at is not None
    customer_files = [a.filename for m in ticket.messages.filter(author_kind="customer") for a in m.attachments.all()]
    assert customer_files == ["결제내역.png", "취소문자.png"]
    assert OutgoingEmail.objects.filter(thread=ticket.reference, kind="survey").count() == 1


def test_a_tampered_tracking_link_is_refused(page: Page, site, tmp_path):
    """A link whose signature does not match shows a "not found" page, not the conversation."""
    reference = submit_contact_form(page, site, write_png(tmp_path, "화면.png"))
    token = Ticket.objects.get(reference=reference).tracking_token()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = page.goto(f"{site}/ko/requests/{tampered}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text(DESCRIPTION)).to_have_count(0)
