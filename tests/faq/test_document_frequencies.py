"""Document frequencies are kept beside the index (DocumentFrequency), never counted by a search:
after every kind of write they are exactly what counting the index would give."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from faq import search
from faq.models import Article, ArticleTranslation, DocumentFrequency, SearchTerm, Tag
from tests.unannounced import update_unannounced

pytestmark = pytest.mark.django_db


def counted_from_the_index() -> dict[tuple[str, str], int]:
    rows = SearchTerm.objects.values("language", "term").annotate(n=Count("id")).values_list("language", "term", "n")
    return {(language, term): n for language, term, n in rows}


def kept() -> dict[tuple[str, str], int]:
    """The kept frequencies, without terms no article holds any more (a count that fell to 0)."""
    rows = DocumentFrequency.objects.exclude(documents=0).values_list("language", "term", "documents")
    return {(language, term): documents for language, term, documents in rows}


def test_the_frequencies_match_the_index_after_the_import(corpus):
    assert kept() == counted_from_the_index()
    assert kept()["ko", "환불"] == 2  # refund-policy and request-refund
    assert not DocumentFrequency.objects.filter(documents__lt=0).exists()


def test_edits_that_add_and_remove_terms_keep_them_exact(corpus):
    refund = Article.objects.get(slug="refund-policy")
    korean = ArticleTranslation.objects.get(article=refund, language="ko")
    before = kept()
    korean.body += " 영수증은 메일로 보내 드려요."  # a new term, and 환불 again (a weight, not a count)
    korean.save()
    assert kept()["ko", "영수증"] == 1
    assert kept()["ko", "환불"] == before["ko", "환불"]
    korean.body = "카드 결제만 남았어요."  # most of its terms gone
    korean.save()
    assert kept() == counted_from_the_index()
    assert ("ko", "영수증") not in kept()
    refund.tags.add(Tag.objects.create(name="중복결제"))
    assert kept() == counted_from_the_index()


def test_unpublishing_deleting_and_bulk_writes_keep_them_exact(corpus):
    Article.objects.get(slug="app-crashes").unpublish()
    assert kept() == counted_from_the_index()
    Article.objects.get(slug="reset-password").delete()  # the cascade alone would remove its rows unseen
    assert kept() == counted_from_the_index()
    assert ("en", "password") not in kept()
    ArticleTranslation.objects.filter(language="en").update(title="Refund help")  # a bulk write
    assert kept() == counted_from_the_index()
    Article.objects.all().delete()  # a queryset's deletion, every article at once
    assert counted_from_the_index() == {}
    assert kept() == {}


def test_a_rebuild_counts_them_afresh_even_from_a_wrong_table(corpus):
    DocumentFrequency.objects.update(documents=77)
    DocumentFrequency.objects.create(language="ko", term="유령", documents=5)
    assert search.rebuild_index() == 4
    assert kept() == counted_from_the_index()
    assert ("ko", "유령") not in kept()


def test_a_save_that_changes_no_term_writes_no_frequency(corpus):
    refund = Article.objects.get(slug="refund-policy")
    korean = ArticleTranslation.objects.get(article=refund, language="ko")
    update_unannounced(ArticleTranslation.objects.filter(pk=korean.pk), body=korean.body + " 환불")  # a weight only
    with CaptureQueriesContext(connection) as captured:
        search.request_index(refund.pk)
    assert not any("faq_documentfrequency" in query["sql"] for query in captured.captured_queries)
    assert kept() == counted_from_the_index()


def test_a_search_reads_the_kept_frequencies_and_never_counts_the_index(corpus):
    search.search("결제", "ko")  # the vocabulary and synonyms are read once per process
    search.forget_document_counts()
    with CaptureQueriesContext(connection) as cold:
        hits = search.search("환불 신청", "ko")
    assert [hit.article.slug for hit in hits] == ["request-refund", "refund-policy"]
    sql = [query["sql"] for query in cold.captured_queries]
    assert any("FROM faq_documentfrequency" in statement for statement in sql)
    assert not any("COUNT(*)" in statement and "faq_searchterm" in statement for statement in sql)
