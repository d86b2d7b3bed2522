"""The FAQ as a customer uses it, in a real Chromium: search, suggestions, reading, voting, keyboard, no-JS.

Run with: .venv/bin/python -m pytest tests/browser -q   (SCREENSHOTS=1 also saves full-page screenshots
of the home page, a results page and an article page to test-artifacts/).
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from faq.models import Article, ArticleVote, ContactChannel

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test writes

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

FAQ = {
    "categories": [
        {"slug": "refund", "name": {"ko": "환불·결제", "en": "Refunds & payments"}},
        {"slug": "account", "name": {"ko": "계정", "en": "Account"}},
    ],
    "articles": [
        {
            "slug": "refund-policy",
            "category": "refund",
            "tags": ["환불", "취소"],
            "translations": {
                "ko": {
                    "title": "환불 정책 안내",
                    "body": (
                        "이용권을 결제한 뒤 **7일 이내**이고 한 곡도 듣지 않았다면 전액 환불을 받을 수 있어요.\n\n"
                        "## 환불 신청 방법\n\n"
                        "1. 앱에서 **내 정보 → 이용권 관리**로 이동하세요.\n"
                        "2. **환불 요청**을 누르고 사유를 선택하세요.\n\n"
                        "| 결제 수단 | 환불 기간 |\n|---|---|\n| 신용카드 | 3–5 영업일 |\n| 휴대폰 결제 | 당월 즉시 |\n"
                    ),
                },
                "en": {
                    "title": "Our refund policy",
                    "body": "You can get a full refund within **7 days** of paying if you have not played anything.",
                },
            },
        },
        {
            "slug": "duplicate-charge",
            "category": "refund",
            "tags": ["결제"],
            "translations": {
                "ko": {
                    "title": "같은 이용권이 두 번 결제되었어요",
                    "body": "중복 결제는 확인 후 자동으로 취소돼요. 3일이 지나도 그대로라면 문의해 주세요.",
                },
                "en": {
                    "title": "I was charged twice",
                    "body": "Duplicate charges are cancelled automatically once we have checked them.",
                },
            },
        },
        {
            "slug": "password-reset",
            "category": "account",
            "tags": ["로그인"],
            "translations": {
                "ko": {
                    "title": "비밀번호 재설정 방법",
                    "body": "로그인 화면에서 **비밀번호 찾기**를 누르면 가입한 이메일로 재설정 링크를 보내 드려요.",
                },
                "en": {
                    "title": "How to reset your password",
                    "body": "Tap **Forgot password** on the sign-in screen and we will e-mail you a reset link.",
                },
            },
        },
        {
            "slug": "delete-account",
            "category": "account",
            "tags": ["탈퇴"],
            "translations": {
                "ko": {
                    "title": "계정 탈퇴하기",
                    "body": "탈퇴하면 플레이리스트와 보관함이 모두 삭제되며 되돌릴 수 없어요.",
                },
            },
        },
    ],
}


@pytest.fixture
def faq(tmp_path, transactional_db):
    path = tmp_path / "faq.json"
    path.write_text(json.dumps(FAQ, ensure_ascii=False), encoding="utf-8")
    call_command("import_faq", str(path), stdout=io.StringIO())
    ContactChannel.objects.create(
        kind=ContactChannel.Kind.EMAIL, label_ko="이메일 문의", label_en="E-mail us", value="help@example.com"
    )
    ContactChannel.objects.create(
        kind=ContactChannel.Kind.PHONE,
        label_ko="전화 상담",
        label_en="Call us",
        value="1588-0000",
        hours_ko="평일 10:00–18:00",
    )


@pytest.fixture
def site(live_server, faq):
    return live_server.url


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def search_box(page: Page):
    return page.get_by_role("search").locator("input[name=q]")


def article_url(site: str, slug: str, language: str = "ko") -> str:
    return f"{site}/{language}/faq/articles/{slug}/"


def test_search_open_article_and_vote_yes(page: Page, site):
    page.goto(site + "/")
    expect(page).to_have_url(f"{site}/ko/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    screenshot(page, "home")

    box = search_box(page)
    box.fill("환불을")  # a particle glued to the word, as Koreans type it
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/ko/faq/search/\?q="))
    results = page.locator("ol.search-results > li")
    expect(results.first).to_be_visible()
    first_link = results.first.get_by_role("link")
    expect(first_link).to_have_text("환불 정책 안내")
    expect(first_link.locator("mark").first).to_have_text("환불")
    expect(search_box(page)).to_have_value("환불을")
    screenshot(page, "search-results")

    first_link.click()
    expect(page).to_have_url(article_url(site, "refund-policy"))
    expect(page.get_by_role("heading", level=1)).to_have_text("환불 정책 안내")
    breadcrumb = page.locator("nav ol.breadcrumb")
    expect(breadcrumb).to_contain_text("환불·결제")
    expect(breadcrumb.locator("[aria-current=page]")).to_have_text("환불 정책 안내")
    screenshot(page, "article")

    feedback = page.locator("section#feedback")
    feedback.locator("button[name=helpful][value=yes]").click()

    expect(page).to_have_url(article_url(site, "refund-policy") + "#feedback")
    expect(feedback.get_by_role("status")).to_be_visible()
    expect(feedback.locator("form")).to_have_count(0)
    votes = ArticleVote.objects.filter(article__slug="refund-policy")
    assert votes.count() == 1
    vote = votes.get()
    assert vote.helpful is True and vote.language == "ko" and vote.comment == ""
    article = Article.objects.get(slug="refund-policy")
    assert (article.helpful_yes, article.helpful_no) == (1, 0)

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("환불 정책 안내")
    expect(feedback.get_by_role("status")).to_be_visible()
    expect(feedback.locator("form")).to_have_count(0)
    expect(page.locator("button[name=helpful]")).to_have_count(0)
    assert ArticleVote.objects.filter(article__slug="refund-policy").count() == 1


def test_vote_no_then_say_what_was_missing(page: Page, site):
    page.goto(article_url(site, "password-reset"))
    expect(page.get_by_role("heading", level=1)).to_have_text("비밀번호 재설정 방법")

    feedback = page.locator("section#feedback")
    expect(feedback.locator("textarea")).to_have_count(0)  # nothing to type before the visitor says "no"
    feedback.locator("button[name=helpful][value=no]").click()

    expect(page).to_have_url(article_url(site, "password-reset") + "#feedback")
    box = feedback.get_by_label("어떤 내용이 부족했나요?")
    expect(box).to_be_visible()
    expect(feedback.locator("button[name=helpful]")).to_have_count(0)
    box.fill("이메일이 오지 않아요. 스팸함에도 없어요.")
    feedback.get_by_role("button", name="의견 보내기").click()

    expect(page.get_by_text("감사합니다! 보내 주신 의견으로 문서를 더 좋게 고치겠습니다.")).to_be_visible()
    expect(feedback.get_by_role("status")).to_have_text("이 문서가 도움이 되었는지 알려 주셔서 감사합니다.")
    expect(feedback.locator("form")).to_have_count(0)
    vote = ArticleVote.objects.get(article__slug="password-reset")
    assert vote.helpful is False
    assert vote.comment == "이메일이 오지 않아요. 스팸함에도 없어요."
    article = Article.objects.get(slug="password-reset")
    assert (article.helpful_yes, article.helpful_no) == (0, 1)


def test_suggestions_as_you_type_and_keyboard_choice(page: Page, site):
    page.goto(f"{site}/ko/")
    box = search_box(page)
    box.press_sequentially("비밀번호", delay=30)

    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    option = listbox.get_by_role("option").filter(has_text="비밀번호 재설정 방법")
    expect(option).to_have_count(1)
    expect(box).to_have_attribute("aria-expanded", "true")

    box.press("ArrowDown")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    expect(listbox.get_by_role("option").first).to_contain_text("비밀번호 재설정 방법")
    box.press("Enter")

    expect(page).to_have_url(article_url(site, "password-reset"))
    expect(page.get_by_role("heading", level=1)).to_have_text("비밀번호 재설정 방법")


def assert_skip_link_focused_and_working(page: Page) -> None:
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("href", "#main")  # its text may still be English: not compiled
    expect(focused).to_be_visible()  # visually hidden until focused, then shown
    expect(focused).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()


def test_first_tab_on_an_article_reaches_skip_link(page: Page, site):
    page.goto(article_url(site, "refund-policy"))
    page.keyboard.press("Tab")
    assert_skip_link_focused_and_working(page)


def test_first_tab_on_the_home_page_reaches_skip_link(page: Page, site):
    page.goto(f"{site}/ko/")
    page.keyboard.press("Tab")
    assert_skip_link_focused_and_working(page)


def test_search_without_results_offers_contact_options(page: Page, site):
    page.goto(f"{site}/ko/")
    box = search_box(page)
    box.fill("우주여행 예약")
    box.press("Enter")

    zero = page.locator(".zero-results")
    expect(zero).to_be_visible()
    expect(zero).to_contain_text("우주여행 예약")
    expect(page.locator("ol.search-results")).to_have_count(0)
    expect(zero.get_by_role("link", name="이메일 문의")).to_have_attribute("href", "mailto:help@example.com")
    expect(zero.get_by_role("link", name="전화 상담")).to_have_attribute("href", "tel:15880000")


def test_language_switcher_opens_the_same_article_in_english(page: Page, site):
    page.goto(article_url(site, "refund-policy"))
    page.locator("header").get_by_role("link", name="English").click()

    expect(page).to_have_url(article_url(site, "refund-policy", "en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Our refund policy")


def test_search_and_vote_work_without_javascript(new_context, site):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{site}/ko/")
    box = search_box(page)
    box.fill("중복 결제")
    box.press("Enter")  # the browser's own implicit submission, no script involved

    expect(page).to_have_url(re.compile(r"/ko/faq/search/\?q="))
    expect(page.get_by_role("listbox")).to_have_count(0)  # the suggestion list is made by script only
    first_link = page.locator("ol.search-results > li").first.get_by_role("link")
    expect(first_link).to_have_text("같은 이용권이 두 번 결제되었어요")
    first_link.click()

    expect(page).to_have_url(article_url(site, "duplicate-charge"))
    feedback = page.locator("section#feedback")
    feedback.locator("button[name=helpful][value=yes]").click()

    expect(page).to_have_url(article_url(site, "duplicate-charge") + "#feedback")
    expect(feedback.get_by_role("status")).to_be_visible()
    expect(feedback.locator("form")).to_have_count(0)
    assert ArticleVote.objects.filter(article__slug="duplicate-charge", helpful=True).count() == 1
    assert Article.objects.get(slug="duplicate-charge").helpful_yes == 1
