from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faq import search
from faq.models import Article, ArticleTranslation, SearchTerm, Synonym

pytestmark = pytest.mark.django_db


def slugs(query: str, language: str = "ko") -> list[str]:
    return [hit.article.slug for hit in search.search(query, language)]


def test_particles_and_endings_find_the_same_word(corpus):
    for query in ["환불", "환불을", "환불은", "환불이", "환불은요"]:
        assert slugs(query)[0] == "refund-policy", query


def test_words_written_without_spaces(corpus):
    assert slugs("비밀번호재설정")[0] == "reset-password"
    assert slugs("환불신청")[0] == "request-refund"


def test_english_word_forms(corpus):
    assert slugs("refunds", "en")[0] == "refund-policy"
    assert slugs("resetting passwords", "en")[0] == "reset-password"
    assert slugs("requesting a refund", "en")[0] == "request-refund"


def test_titles_weigh_more_than_bodies(corpus):
    # 신청 appears in both refund articles' bodies, but only one has it in the title.
    assert slugs("신청")[0] == "request-refund"


def test_initial_consonants_find_title_words(corpus):
    assert slugs("ㅎㅂ")[0] in {"refund-policy", "request-refund"}
    assert slugs("ㅂㅁㅂㅎ")[0] == "reset-password"


def test_korean_typed_in_english_keyboard_mode(corpus):
    assert slugs("ghksqnf")[0] in {"refund-policy", "request-refund"}
    assert slugs("qlalfqjsgh")[0] == "reset-password"


def test_korean_typed_on_the_english_page_is_answered_from_the_korean_articles(corpus):
    for query in ["ghksqnf", "ㅎㅂ", "환불"]:
        found = search.answer(query, "en")
        assert found.language == "ko" and found.from_other_language, query
        assert [hit.translation.language for hit in search.hits_for(found.ids, found.query)] == ["ko", "ko"], query
    assert search.answer("refund", "en").language == "en"
    assert search.answer("qlalfqjsgh", "en").ids[:1] == [search.answer("비밀번호", "ko").ids[0]]


def test_synonyms_maintained_in_the_admin_take_effect_at_once(corpus, without_lexicon):
    assert slugs("비번") == []
    Synonym.objects.create(term="비번", expands_to="비밀번호")
    assert slugs("비번 찾기")[0] == "reset-password"


def test_two_way_synonyms_work_both_ways(corpus, without_lexicon):
    Synonym.objects.create(term="튕김", expands_to="종료", bidirectional=True)
    assert slugs("앱 튕김")[0] == "app-crashes"
    Synonym.objects.create(term="money back", expands_to="refund")
    assert slugs("money back", "en")[0] in {"refund-policy", "request-refund"}
    assert slugs("money", "en") == []  # the phrase, not each of its words


def test_only_published_articles_in_that_language(corpus):
    assert "app-crashes" not in slugs("app", "en")  # written in Korean only
    Article.objects.get(slug="reset-password").unpublish()
    assert slugs("비밀번호") == []
    Article.objects.get(slug="reset-password").publish()
    assert slugs("비밀번호")[0] == "reset-password"


def test_index_follows_edits_and_deletions(corpus):
    item = ArticleTranslation.objects.get(article__slug="app-crashes", language="ko")
    item.body += " 블루투스 이어폰에서도 같은 방법을 써 보세요."
    item.save()
    assert slugs("블루투스") == ["app-crashes"]
    Article.objects.get(slug="app-crashes").delete()
    assert slugs("블루투스") == []
    assert not SearchTerm.objects.filter(term="블루").exists()


def test_category_filter(corpus):
    from faq.models import Category

    account = Category.objects.get(slug="account")
    hits = search.search("환불 비밀번호", "ko", category_id=account.pk)
    assert [hit.article.slug for hit in hits] == ["reset-password"]


def test_snippets_mark_the_words_found_and_escape_the_rest(corpus):
    item = ArticleTranslation.objects.get(article__slug="refund-policy", language="ko")
    item.body = "<b>굵게</b> 환불을 원하시면 " + item.body
    item.save()
    hit = search.search("환불을", "ko")[0]
    assert "<mark>환불</mark>" in hit.snippet_html
    assert "<b>" not in hit.snippet_html
    assert "<mark>환불</mark>" in hit.title_html


def test_a_query_reads_only_its_own_terms_through_the_index(corpus):
    parsed = search.parse_query("환불", "ko")
    with CaptureQueriesContext(connection) as queries:
        search.ranked_article_ids(parsed)
    assert len(queries) <= 3
    sql = queries[-1]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "faq_searchterm_lookup" in plan and "SCAN faq_searchterm " not in plan + " "
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "faq_searchterm_lookup" in plan


def test_query_count_does_not_grow_with_results(corpus):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as few:
        search.search("환불", "ko")
    cache.clear()
    with CaptureQueriesContext(connection) as more:
        search.search("환불 비밀번호 앱 신청 정책", "ko")
    assert len(more) == len(few)


def test_document_frequencies_are_counted_once_until_the_index_changes(corpus):
    search.search("환불", "ko")
    with CaptureQueriesContext(connection) as warm:
        search.search("환불", "ko")
    assert not any("COUNT(*)" in query["sql"] for query in warm.captured_queries)
    Article.objects.get(slug="request-refund").unpublish()
    assert [hit.article.slug for hit in search.search("환불", "ko")] == ["refund-policy"]


def test_empty_and_junk_queries_find_nothing_without_error(corpus):
    for query in ["", "   ", "!!!", "ㅋ", "<script>", "a" * 5000]:
        assert isinstance(search.search(query, "ko"), list)


def test_snippets_keep_korean_ranges_written_with_a_tilde(corpus):
    item = ArticleTranslation.objects.get(article__slug="refund-policy", language="ko")
    item.body = "환불은 승인 후 영업일 기준 5~10일 안에 들어와요. ~~취소선~~ 표시"
    item.save()
    snippet = search.search("환불", "ko")[0].snippet_text
    assert "5~10일" in snippet and "~~" not in snippet
