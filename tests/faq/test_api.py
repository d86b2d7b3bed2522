from __future__ import annotations

import pytest

from faq.models import Article, SearchQueryStat
from faq.portable import import_document

pytestmark = pytest.mark.django_db


def test_it_returns_ranked_results_with_the_contracted_keys(client, corpus):
    response = client.get("/api/faq/search", {"q": "환불을", "lang": "ko"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    results = response.json()["results"]
    assert results[0]["slug"] == "refund-policy"
    assert set(results[0]) == {"slug", "title", "url", "snippet"}
    assert results[0]["url"] == "/ko/faq/articles/refund-policy/"
    assert results[0]["title"] == "환불 정책 안내"
    assert "<mark>" not in results[0]["snippet"] and "환불" in results[0]["snippet"]


def test_it_answers_in_the_language_asked(client, corpus):
    results = client.get("/api/faq/search", {"q": "refund", "lang": "en"}).json()["results"]
    assert results[0]["title"] == "Our refund policy"
    assert results[0]["url"] == "/en/faq/articles/refund-policy/"
    assert client.get("/api/faq/search", {"q": "refund", "lang": "en"}).json()["language"] == "en"


def test_korean_on_the_english_api_is_answered_from_the_korean_articles(client, corpus):
    answer = client.get("/api/faq/search", {"q": "앱", "lang": "en"}).json()
    assert answer["language"] == "ko"
    assert [r["url"] for r in answer["results"]] == ["/ko/faq/articles/app-crashes/"]


def test_a_misspelling_is_corrected_and_said(client, corpus):
    answer = client.get("/api/faq/search", {"q": "환뷸", "lang": "ko"}).json()
    assert answer["corrected"] == "환불"
    assert [r["slug"] for r in answer["results"]][:2] == ["refund-policy", "request-refund"]
    exact = client.get("/api/faq/search", {"q": "환뷸", "lang": "ko", "spell": "0"}).json()
    assert exact == {"results": [], "language": "ko", "corrected": None}


def test_it_returns_at_most_ten_published_articles(client, corpus):
    import_document(
        {
            "articles": [
                {
                    "slug": f"refund-{i}",
                    "category": "refund",
                    "translations": {"ko": {"title": f"환불 안내 {i}", "body": "환불"}},
                }
                for i in range(15)
            ]
        }
    )
    Article.objects.filter(slug="refund-policy").update(status="draft")
    from faq.search import index_article

    index_article(Article.objects.get(slug="refund-policy"))
    results = client.get("/api/faq/search", {"q": "환불", "lang": "ko"}).json()["results"]
    assert len(results) == 10
    assert "refund-policy" not in [r["slug"] for r in results]


def test_same_ranking_as_the_search_page(client, corpus):
    api = [r["url"] for r in client.get("/api/faq/search", {"q": "환불 신청", "lang": "ko"}).json()["results"]]
    html = client.get("/ko/faq/search/", {"q": "환불 신청"}).content.decode()
    positions = [html.index(f'href="{url}?from_search=') for url in api]
    assert positions == sorted(positions)


def test_bad_input_is_answered_not_crashed(client, corpus):
    nothing = {"results": [], "language": "ko", "corrected": None}
    assert client.get("/api/faq/search", {"q": "", "lang": "ko"}).json() == nothing
    assert client.get("/api/faq/search", {"lang": "ko"}).json() == nothing
    assert client.get("/api/faq/search", {"q": "환불", "lang": "xx"}).status_code == 400
    assert client.get("/api/faq/search", {"q": "환" * 10000, "lang": "ko"}).status_code == 200
    assert client.post("/api/faq/search", {"q": "환불"}).status_code == 405


def test_suggestions_are_not_counted_as_searches(client, corpus):
    client.get("/api/faq/search", {"q": "환", "lang": "ko", "suggest": "1"})
    client.get("/api/faq/search", {"q": "환불", "lang": "ko"})
    assert list(SearchQueryStat.objects.values_list("query", flat=True)) == ["환불"]
