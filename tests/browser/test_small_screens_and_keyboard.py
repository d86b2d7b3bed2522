"""The public pages on a 375 px phone and from the keyboard, in a real Chromium.

Nothing scrolls sideways, the navigation folds behind a menu toggle (which works without JavaScript
too), Escape in the search box closes the suggestions without wiping the text, focus is plainly
visible, and the contact page promises live suggestions only when the script that makes them runs.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.refunds.conftest import make_claim
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
FAQ = {
    "categories": [{"slug": "refund", "name": {"ko": "환불·결제", "en": "Refunds & payments"}}],
    "articles": [
        {
            "slug": "refund-policy",
            "category": "refund",
            "translations": {
                "ko": {
                    "title": "환불 정책 안내 (환불이 되는 경우와 안 되는 경우)",
                    "body": (
                        "결제 후 **7일 이내**이고 이용하지 않았다면 전액 환불됩니다. 자세한 내용은 "
                        "https://help.example.com/ko/faq/articles/refund-policy-for-app-store-and-google-play-purchases/"
                        " 를 보세요.\n\n"
                        "| 결제 수단 | 환불 기간 | 비고 |\n|---|---|---|\n"
                        "| 신용카드·체크카드 | 3–5 영업일 | 카드사 사정에 따라 달라질 수 있어요 |\n"
                        "| 휴대폰 결제 | 당월 즉시, 익월 이후 계좌 환불 | 통신사 정책을 따릅니다 |\n"
                    ),
                },
                "en": {"title": "Our refund policy", "body": "A full refund within **7 days** if unused."},
            },
        },
        {
            "slug": "password-reset",
            "category": "refund",
            "translations": {"ko": {"title": "비밀번호 재설정 방법", "body": "비밀번호 찾기를 누르세요."}},
        },
    ],
}


@pytest.fixture
def site(live_server, tmp_path, transactional_db):
    path = tmp_path / "faq.json"
    path.write_text(json.dumps(FAQ, ensure_ascii=False), encoding="utf-8")
    call_command("import_faq", str(path), stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def phone(new_context) -> Page:
    return new_context(viewport=PHONE).new_page()


def private_pages() -> list[str]:
    ticket = Ticket.objects.create(
        subject="11월 요금이 두 번 결제됐어요", requester_name="홍길동", requester_email="hong@example.com"
    )
    Message.objects.create(ticket=ticket, author_kind=Message.Author.CUSTOMER, body="11월 3일에 두 번 청구되었습니다.")
    return [ticket.tracking_path(), make_claim().status_path()]


def assert_fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert viewport == 375
    assert width <= viewport, f"{page.url} is {width} px wide on a {viewport} px screen"


def test_no_page_scrolls_sideways_at_375px(phone: Page, site):
    for path in [
        "/ko/",
        "/ko/faq/articles/refund-policy/",
        "/en/faq/articles/refund-policy/",
        "/ko/contact/",
        "/en/contact/",
        "/ko/refunds/",
        "/en/refunds/",
        "/ko/faq/search/?q=환불",
        *private_pages(),
    ]:
        phone.goto(site + path)
        expect(phone.locator("main")).to_be_visible()
        assert_fits(phone)


def test_the_menu_toggle_opens_the_navigation_on_a_phone(phone: Page, site):
    phone.goto(f"{site}/ko/faq/articles/refund-policy/")
    header = phone.locator("header nav")
    contact = header.get_by_role("link", name="문의하기")
    expect(contact).to_be_hidden()
    assert header.bounding_box()["height"] < 80  # one row: the name and the toggle
    toggle = header.get_by_role("button", name="메뉴")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()
    expect(contact).to_be_visible()
    expect(header.get_by_role("link", name="English")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    contact.click()
    expect(phone).to_have_url(f"{site}/ko/contact/")


def test_the_menu_toggle_works_without_javascript(new_context, site):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(f"{site}/ko/")
    refunds = page.locator("header nav").get_by_role("link", name="환불 신청")
    expect(refunds).to_be_hidden()
    page.locator("header nav").get_by_role("button", name="메뉴").click()
    expect(page).to_have_url(f"{site}/ko/#site-nav")
    expect(refunds).to_be_visible()


def test_on_a_wide_screen_the_navigation_is_one_row_without_a_toggle(page: Page, site):
    page.goto(f"{site}/ko/")
    header = page.locator("header nav")
    expect(header.get_by_role("link", name="문의하기")).to_be_visible()
    expect(header.get_by_role("button", name="메뉴")).to_be_hidden()


def test_escape_closes_the_suggestions_and_keeps_the_text(page: Page, site):
    page.goto(f"{site}/ko/")
    box = page.get_by_role("search").locator("input[name=q]")
    box.press_sequentially("비밀번호", delay=30)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()

    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("비밀번호")
    box.press("Escape")  # with the list already closed: the text still stays
    expect(box).to_have_value("비밀번호")
    expect(box).to_be_focused()


def outline(page: Page) -> dict:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor}; }"
    )


STRONG_RING = {"style": "solid", "width": "3px", "color": "rgb(26, 115, 232)"}


def test_focus_on_links_and_fields_is_plainly_visible(page: Page, site):
    page.goto(f"{site}/ko/")
    nav_link = page.locator("header nav").get_by_role("link", name="도움말 문서")
    nav_link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, as :focus-visible needs
    expect(nav_link).to_be_focused()
    assert outline(page) == STRONG_RING

    page.get_by_role("search").locator("input[name=q]").click()
    assert outline(page) == STRONG_RING

    page.goto(f"{site}/ko/contact/")
    page.get_by_label("이름").first.click()
    assert outline(page) == STRONG_RING


def test_the_contact_page_promises_live_suggestions_only_with_javascript(new_context, site):
    hint = "제목을 입력하면 관련 도움말 문서가 여기에 표시됩니다."
    without = new_context(java_script_enabled=False).new_page()
    without.goto(f"{site}/ko/contact/")
    expect(without.get_by_text(hint)).to_be_hidden()
    expect(without.get_by_role("link", name="전체 도움말 문서 보기")).to_be_visible()

    with_script = new_context().new_page()
    with_script.goto(f"{site}/ko/contact/")
    expect(with_script.get_by_text(hint)).to_be_visible()
    with_script.locator("input[data-faq-suggest]").press_sequentially("비밀번호", delay=30)
    suggestions = with_script.locator("[data-faq-suggestions] ul")
    expect(suggestions.get_by_role("link", name="비밀번호 재설정 방법")).to_be_visible()
    expect(with_script.get_by_text(hint)).to_be_hidden()
    assert re.search(r"/ko/contact/", with_script.url)
