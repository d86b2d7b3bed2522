"""Votes from the shared article page: no CSRF cookie, but nothing a forged cross-site form can send."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from faq.models import Article, ArticleVote

pytestmark = pytest.mark.django_db
ARTICLE = "/ko/faq/articles/refund-policy/"
VOTE = ARTICLE + "vote/"
TOKEN = re.compile(r'name="page_token" value="([^"]+)"')


@pytest.fixture
def browser() -> Client:
    # A browser that enforces CSRF as a real one is protected (the test client is let through otherwise).
    return Client(enforce_csrf_checks=True)


def _token(browser: Client, path: str = ARTICLE) -> str:
    return TOKEN.search(browser.get(path).content.decode())[1]


def _counts() -> tuple[int, int]:
    article = Article.objects.get(slug="refund-policy")
    return article.helpful_yes, ArticleVote.objects.count()


def test_a_vote_from_the_page_itself_is_counted(browser, corpus):
    token = _token(browser)
    response = browser.post(VOTE, {"helpful": "yes", "page_token": token}, HTTP_SEC_FETCH_SITE="same-origin")
    assert (response.status_code, response["Location"]) == (302, ARTICLE + "#feedback")
    assert _counts() == (1, 1)


def test_a_browser_without_fetch_metadata_is_judged_by_its_origin(browser, corpus):
    token = _token(browser)
    response = browser.post(VOTE, {"helpful": "yes", "page_token": token}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302 and _counts() == (1, 1)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://shop.testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/page.html"},
    ],
)
def test_a_forged_cross_site_vote_is_refused_even_with_a_genuine_token(browser, corpus, headers):
    token = _token(browser)  # the attacker can read the public page too
    response = browser.post(VOTE, {"helpful": "yes", "page_token": token}, **headers)
    assert response.status_code == 403
    assert "<h1>요청을 확인하지 못했어요</h1>" in response.content.decode()
    assert _counts() == (0, 0)


@pytest.mark.parametrize("token", ["", "faq.vote:refund-policy:1kXyZ:forged-signature", "made-up"])
def test_a_vote_with_a_missing_or_forged_token_is_refused(browser, corpus, token):
    response = browser.post(VOTE, {"helpful": "yes", "page_token": token}, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 403
    assert _counts() == (0, 0)


def test_a_token_made_for_another_article_is_refused(browser, corpus):
    other = _token(browser, "/ko/faq/articles/reset-password/")
    response = browser.post(VOTE, {"helpful": "yes", "page_token": other}, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 403
    assert _counts() == (0, 0)


def test_a_page_left_open_too_long_asks_to_vote_again(browser, corpus, monkeypatch):
    token = _token(browser)
    from helpcenter import crossorigin

    monkeypatch.setattr(crossorigin, "PAGE_TOKEN_MAX_AGE", -1)
    response = browser.post(
        VOTE, {"helpful": "yes", "page_token": token}, HTTP_SEC_FETCH_SITE="same-origin", follow=True
    )
    assert "페이지를 연 지 오래되어 답을 받지 못했습니다. 다시 한 번 선택해 주세요." in response.content.decode()
    assert 'name="helpful" value="yes"' in response.content.decode()
    assert _counts() == (0, 0)
