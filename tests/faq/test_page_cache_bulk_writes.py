"""Cached public pages and the FAQ search after bulk writes (QuerySet.update, bulk_update,
bulk_create), which send no post_save: the next anonymous visitor sees the change
(helpcenter/bulkwrites.py, faq/signals.py)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from faq.models import Article, ArticleTranslation, Category, ContactChannel, Synonym
from helpcenter.models import ContentGeneration
from tests.faq.test_page_cache import ARTICLE, CATEGORY, _page, chat_channel  # noqa: F401 - a fixture
from tests.faq.test_search_page import result_links

pytestmark = pytest.mark.django_db
SEARCH = "/ko/faq/search/"


def results(query: str) -> list[str]:
    """The articles the search results page links to, as an anonymous visitor gets it (shared from
    the cache)."""
    response = Client().get(SEARCH, {"q": query})
    assert response.status_code == 200
    return result_links(response.content.decode())


def test_articles_unpublished_in_bulk_leave_the_pages_and_the_search_at_once(client, corpus, chat_channel):  # noqa: F811
    assert "환불 신청 방법과 준비할 것" in _page(client, CATEGORY["ko"])
    assert "/ko/faq/articles/request-refund/" in results("환불 신청")
    Article.objects.filter(slug="request-refund").update(status=Article.Status.DRAFT)
    assert "환불 신청 방법과 준비할 것" not in _page(client, CATEGORY["ko"])
    assert "/ko/faq/articles/request-refund/" not in results("환불 신청")
    assert "/ko/faq/articles/refund-policy/" in results("환불 신청")


def test_a_body_rewritten_in_bulk_shows_rendered_on_the_next_request(client, corpus, chat_channel):  # noqa: F811
    assert "영수증 사본" not in _page(client, ARTICLE["ko"])
    ArticleTranslation.objects.filter(article__slug="refund-policy", language="ko").update(
        body="환불에는 **영수증 사본**이 필요합니다."
    )
    assert "<strong>영수증 사본</strong>" in _page(client, ARTICLE["ko"])
    assert results("영수증") == [ARTICLE["ko"]]


def test_categories_renamed_with_bulk_update_show_everywhere(client, corpus, chat_channel):  # noqa: F811
    assert "환불·취소" not in _page(client, "/ko/faq/")
    category = Category.objects.get(slug="refund")
    category.name_ko = "환불·취소"
    Category.objects.bulk_update([category], ["name_ko"])
    for path in ("/ko/", "/ko/faq/", CATEGORY["ko"], ARTICLE["ko"]):
        assert "환불·취소" in _page(client, path), path


def test_a_contact_channel_changed_in_bulk_shows_on_the_next_request(client, corpus, chat_channel):  # noqa: F811
    assert "1588-0000" not in _page(client, "/ko/")
    ContactChannel.objects.bulk_create(
        [ContactChannel(kind="phone", label_ko="전화 상담", label_en="Phone", value="1588-0000", position=5)]
    )
    assert "1588-0000" in _page(client, "/ko/")
    ContactChannel.objects.filter(kind="phone").update(is_active=False)
    assert "1588-0000" not in _page(client, "/ko/")


def test_synonyms_created_in_bulk_change_the_cached_results_at_once(client, corpus, chat_channel, without_lexicon):  # noqa: F811
    assert results("돈 돌려줘") == []
    Synonym.objects.bulk_create([Synonym(term="돈 돌려", expands_to="환불")])
    assert results("돈 돌려줘") == [ARTICLE["ko"], "/ko/faq/articles/request-refund/"]


def test_counting_views_and_votes_keeps_every_cached_page(client, corpus, chat_channel, django_assert_num_queries):  # noqa: F811
    before = ContentGeneration.objects.get(pk=1).number
    with django_assert_num_queries(1):
        Article.objects.filter(slug="refund-policy").update(view_count=F("view_count") + 3)
    Article.objects.filter(slug="refund-policy").update(helpful_yes=F("helpful_yes") + 1)
    assert ContentGeneration.objects.get(pk=1).number == before


def test_generated_load_data_articles_show_though_their_category_existed(client, corpus, chat_channel):  # noqa: F811
    sizes = {"tickets": 1, "messages": 1, "claims": 1, "articles": 3, "stdout": StringIO()}
    call_command("generate_load_data", seed=1, **sizes)
    first = set(Article.objects.published().filter(slug__startswith="load-").values_list("slug", flat=True))
    page = _page(client, "/ko/faq/categories/load-data/")  # now cached
    call_command("generate_load_data", seed=2, **sizes)  # the category is there already: no save() of it
    published = set(Article.objects.published().filter(slug__startswith="load-").values_list("slug", flat=True))
    assert len(published) > len(first)
    page = _page(client, "/ko/faq/categories/load-data/")
    shown = {slug for slug in published if f"/ko/faq/articles/{slug}/" in page}
    assert shown == published
