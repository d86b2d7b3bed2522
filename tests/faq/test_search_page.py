from __future__ import annotations

import re

import pytest

from faq.models import Article, Category, ContactChannel, SearchQueryStat
from faq.portable import import_document

pytestmark = pytest.mark.django_db


def result_links(html: str) -> list[str]:
    """The result titles' links (without the ?from_search= the analytics count), in page order."""
    return re.findall(r'<h2 class="h5 mb-1"><a href="([^"?]+)(?:\?from_search=[^"]*)?">', html)


def test_results_are_ranked_and_highlighted(client, corpus):
    html = client.get("/ko/faq/search/", {"q": "환불을"}).content.decode()
    assert result_links(html) == ["/ko/faq/articles/refund-policy/", "/ko/faq/articles/request-refund/"]
    assert '<p role="status">“환불을” 검색 결과 2건</p>' in html
    assert "<mark>환불</mark>" in html
    assert 'href="/ko/faq/articles/refund-policy/?from_search=%ED%99%98%EB%B6%88%EC%9D%84"' in html


def test_filtering_by_category(client, corpus):
    html = client.get("/ko/faq/search/", {"q": "환불 비밀번호", "category": "account"}).content.decode()
    assert "/ko/faq/articles/reset-password/" in html
    assert "/ko/faq/articles/refund-policy/" not in html


def test_an_unknown_category_is_a_form_error_not_a_crash(client, corpus):
    response = client.get("/ko/faq/search/", {"q": "환불", "category": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_zero_results_offer_the_contact_options(client, corpus):
    ContactChannel.objects.create(kind="phone", label_ko="전화 상담", value="1588-0000", hours_ko="평일 10:00–18:00")
    html = client.get("/ko/faq/search/", {"q": "우주여행"}).content.decode()
    assert "zero-results" in html
    assert "1588-0000" in html and "평일 10:00–18:00" in html


def test_results_are_paginated(client, corpus, settings):
    settings.FAQ_SEARCH_PAGE_SIZE = 2
    category = Category.objects.get(slug="refund")
    import_document(
        {
            "articles": [
                {
                    "slug": f"refund-case-{i}",
                    "category": category.slug,
                    "translations": {"ko": {"title": f"환불 사례 {i}", "body": "환불 사례를 안내합니다."}},
                }
                for i in range(5)
            ]
        }
    )
    first = client.get("/ko/faq/search/", {"q": "환불"}).content.decode()
    assert '<p role="status">“환불” 검색 결과 7건</p>' in first
    assert len(result_links(first)) == 2
    pages = first[first.index('<nav aria-label="검색 결과 페이지">') :]
    assert '<span class="page-link">4페이지 중 1페이지</span>' in pages
    assert "page=2" in pages and ">다음<" in pages and ">이전<" not in pages[: pages.index("</nav>")]
    third = client.get("/ko/faq/search/", {"q": "환불", "page": 4})
    assert third.status_code == 200
    assert third.content.decode().count('<li class="mb-4">') == 1


def test_searches_are_counted_without_personal_data(client, corpus):
    client.get("/ko/faq/search/", {"q": "  환불을  "})
    client.get("/ko/faq/search/", {"q": "환불을"})
    client.get("/ko/faq/search/", {"q": "우주여행"})
    stat = SearchQueryStat.objects.get(query="환불을", language="ko")
    assert stat.searches == 2 and stat.last_result_count > 0
    empty = SearchQueryStat.objects.get(query="우주여행")
    assert empty.last_result_count == 0 and empty.zero_result_searches == 1
    assert {f.name for f in SearchQueryStat._meta.get_fields()} == {
        "id",
        "query",
        "language",
        "searches",
        "last_result_count",
        "zero_result_searches",
        "results_opened",
        "last_searched_at",
    }


def test_unpublishing_removes_an_article_from_results(client, corpus):
    Article.objects.get(slug="reset-password").unpublish()
    html = client.get("/ko/faq/search/", {"q": "비밀번호"}).content.decode()
    assert "zero-results" in html


def test_a_misspelling_is_corrected_and_the_page_says_so(client, corpus):
    html = client.get("/ko/faq/search/", {"q": "환뷸"}).content.decode()
    assert (
        '<p class="search-correction" role="status">환불(으)로 검색한 결과입니다 — '
        '<a href="?q=%ED%99%98%EB%B7%B8&amp;category=&amp;spell=0">환뷸(으)로 검색하기</a></p>'
    ) in html
    assert "/ko/faq/articles/refund-policy/" in result_links(html)
    assert "<mark>환불</mark>" in html


def test_searching_for_the_word_as_typed_turns_correction_off(client, corpus):
    html = client.get("/ko/faq/search/", {"q": "환뷸", "spell": "0"}).content.decode()
    assert "search-correction" not in html
    assert '<h2 class="h5">“환뷸”에 대한 검색 결과가 없습니다</h2>' in html
    assert "/ko/faq/articles/refund-policy/" not in html


def test_a_word_that_finds_enough_is_searched_as_typed(client, corpus):
    html = client.get("/ko/faq/search/", {"q": "비밀번호"}).content.decode()
    assert "search-correction" not in html
    assert "/ko/faq/articles/reset-password/" in result_links(html)


@pytest.mark.parametrize("query", ["ㅎㅂ", "ghksqnf", "환불"])
def test_korean_on_the_english_page_is_answered_from_the_korean_articles(client, corpus, query):
    html = client.get("/en/faq/search/", {"q": query}).content.decode()
    assert (
        '<p class="search-other-language alert alert-info" role="note">These answers come from our Korean articles.</p>'
        in html
    )
    assert '<ol class="list-unstyled search-results" start="1" lang="ko">' in html
    assert "/ko/faq/articles/refund-policy/" in result_links(html)
    assert "/en/faq/articles/refund-policy/" not in result_links(html)


def test_english_on_the_korean_page_finds_the_english_articles_when_the_korean_ones_cannot(client, corpus):
    html = client.get("/ko/faq/search/", {"q": "withdrawn"}).content.decode()
    assert '<p class="search-other-language alert alert-info" role="note">영어 도움말에서 찾은 답변입니다.</p>' in html
    assert "/en/faq/articles/refund-policy/" in result_links(html)
    english = client.get("/en/faq/search/", {"q": "refund"}).content.decode()
    assert "search-other-language" not in english
