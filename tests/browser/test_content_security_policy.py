"""The Content Security Policy in a real Chromium: the public pages and the admin work under it, with
no script and no style refused. Chromium reports each refusal on the console ("Refused to apply
inline style because it violates the following Content Security Policy directive ...")."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from helpcenter.roles import set_up_roles
from refunds.models import Evidence, RefundClaim
from refunds.setup import ensure_policy_rules
from tests.browser.helpers import PASSWORD, admin_login, png_bytes
from tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test writes


@pytest.fixture
def site(live_server, settings, tmp_path, corpus):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url
    set_up_roles()
    ensure_policy_rules()
    return live_server.url


def watch_for_refusals(page: Page) -> list[str]:
    refusals: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refusals.append(message.text))
    page.on("pageerror", lambda error: refusals.append(f"page error: {error}"))
    return refusals


def test_the_watch_sees_a_refused_inline_style(page: Page, site):
    # Without this the other tests could pass because nothing was listening.
    refusals = watch_for_refusals(page)
    page.goto(f"{site}/ko/")
    page.evaluate("document.body.setAttribute('style', 'background: red')")
    page.wait_for_timeout(200)
    assert len(refusals) == 1 and refusals[0].startswith(
        "Applying inline style violates the following Content Security Policy directive"
    )


def test_public_pages_work_under_the_policy(page: Page, site):
    refusals = watch_for_refusals(page)
    page.goto(f"{site}/ko/")
    search = page.locator("input[data-suggest-url]").first
    search.fill("환불")
    expect(page.locator(".suggestions [role=option]").first).to_be_visible()  # the suggestion script ran
    for path in ["/ko/faq/", "/ko/faq/categories/refund/", "/ko/faq/articles/refund-policy/", "/ko/faq/search/?q=환불"]:
        page.goto(site + path)
        expect(page.locator("h1").first).to_be_visible()
    page.goto(f"{site}/ko/contact/")
    page.locator("input[data-faq-suggest]").fill("환불 신청")
    expect(page.locator("[data-faq-suggestions] li a").first).to_be_visible()  # contact-suggestions.js ran
    page.goto(f"{site}/ko/refunds/")
    page.locator("select[data-policy-hints]").select_option("duplicate_charge")
    expect(page.locator("#policy-hint")).to_be_visible()  # policy-hints.js ran
    page.goto(f"{site}/ko/requests/find/")
    page.goto(f"{site}/ko/no-such-page/")
    assert refusals == []


def test_the_admin_works_under_the_policy(new_context, site, tmp_path):
    get_user_model().objects.create_superuser("admin", "admin@example.com", PASSWORD)
    ticket = Ticket.objects.create(subject="결제 오류", requester_email="hong@example.com", requester_name="홍길동")
    message = Message.objects.create(ticket=ticket, author_kind="customer", body="두 번 결제됐어요.\n확인 부탁드려요.")
    Message.objects.create(ticket=ticket, author_kind="agent", body="확인 중입니다.", is_internal=True)
    attachment = Attachment(message=message, filename="명세서.png", content_type="image/png", size=100)
    attachment.file.save("x.png", SimpleUploadedFile("x.png", png_bytes()))
    claim = RefundClaim.file(
        RefundClaim(
            email="hong@example.com",
            username="hong123",
            subscription_type="premium_individual",
            charge_date=timezone.localdate() - datetime.timedelta(days=3),
            amount=Decimal("10900"),
            payment_method="card",
            reason="duplicate_charge",
            description="11월 요금이 두 번 청구됐어요.",
        )
    )
    Evidence.store(claim, SimpleUploadedFile("card.png", png_bytes()), "image/png")

    page = admin_login(new_context, site, "admin")
    refusals = watch_for_refusals(page)
    for path in [
        "/admin/",
        "/admin/tickets/ticket/",
        f"/admin/tickets/ticket/{ticket.pk}/change/",
        "/admin/refunds/refundclaim/",
        f"/admin/refunds/refundclaim/{claim.pk}/change/",
        "/admin/tickets/satisfactionresponse/",
        "/admin/faq/article/add/",
        "/admin/auth/user/add/",
    ]:
        page.goto(site + path)
        expect(page.locator("#content")).to_be_visible()
    # The admin's own scripts run: the assignee autocomplete (select2) opens and searches ...
    page.goto(f"{site}/admin/tickets/ticket/{ticket.pk}/change/")
    page.locator(".field-assignee .select2-selection").click()
    page.locator(".select2-search__field").fill("adm")
    expect(page.locator(".select2-results__option", has_text="admin")).to_be_visible()
    page.keyboard.press("Escape")
    # ... and the theme toggle switches.
    page.goto(f"{site}/admin/refunds/refundclaim/{claim.pk}/change/")
    expect(page.locator("#evidence img")).to_have_js_property("naturalWidth", 48)  # the image is not refused
    theme_before = page.evaluate("document.documentElement.dataset.theme")
    page.locator("button.theme-toggle").first.click()
    assert page.evaluate("document.documentElement.dataset.theme") != theme_before
    assert refusals == []
