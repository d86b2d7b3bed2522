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

    search.search("환불", "ko")  # spelling correction reads the vocabulary once per process
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


def test_snippets_keep_korean_ranges_written_with_a_tilde(corpus):
    item = ArticleTranslation.objects.get(article__slug="refund-policy", language="ko")
    item.body = "환불은 승인 후 영업일 기준 5~10일 안에 들어와요. ~~취소선~~ 표시"
    item.save()
    snippet = search.search("환불", "ko")[0].snippet_text
    assert "5~10일" in snippet and "~~" not in snippet


def test_nothing_found_is_an_empty_list(corpus):
    for query in ["", "   ", "!!!", "ㅋ", "<script>", "a" * 5000, "퓌퀘뷁", "xylophone"]:
        assert search.search(query, "ko") == [], query
        assert search.answer(query, "ko").corrected is None, query


def test_a_misspelt_word_is_searched_as_the_nearest_frequent_one(corpus):
    for typed, meant in [("환뷸", "환불"), ("비밀번흐", "비밀번호"), ("환뷸을 신청", "환불을 신청")]:
        found = search.answer(typed, "ko")
        assert found.corrected == meant, typed
        assert [hit.article.slug for hit in search.hits_for(found.ids, found.query)][0] in {
            "refund-policy",
            "request-refund",
            "reset-password",
        }
    english = search.answer("passwrod", "en")
    assert english.corrected == "password"
    assert [hit.article.slug for hit in search.hits_for(english.ids, english.query)] == ["reset-password"]


def test_correction_can_be_turned_off(corpus):
    found = search.answer("환뷸", "ko", correct=False)
    assert (found.corrected, found.ids) == (None, [])


def test_a_word_that_finds_enough_is_not_corrected(corpus):
    from faq.portable import import_document

    import_document(
        {
            "articles": [
                {
                    "slug": f"unlock-{i}",
                    "category": "account",
                    "translations": {"ko": {"title": f"잠금 해제 {i}", "body": "계정 잠금을 해제하세요."}},
                }
                for i in range(3)
            ]
            + [
                {
                    "slug": f"cancel-{i}",
                    "category": "refund",
                    "translations": {"ko": {"title": f"구독 해지 {i}", "body": "해지는 언제든 할 수 있어요."}},
                }
                for i in range(6)
            ]
        }
    )
    found = search.answer("해제", "ko")
    assert found.corrected is None
    assert sorted(hit.article.slug for hit in search.hits_for(found.ids, found.query)) == [
        "unlock-0",
        "unlock-1",
        "unlock-2",
    ]
    assert search.answer("헤지", "ko").corrected == "해지"


def test_synonym_words_are_not_corrected(corpus):
    Synonym.objects.get_or_create(term="비번", expands_to="비밀번호")  # the shipped lexicon has it too
    assert search.answer("비번", "ko").corrected is None


def test_negation_and_intent_words_do_not_decide_the_ranking(corpus, without_lexicon):
    from faq.portable import import_document

    import_document(
        {
            "articles": [
                {
                    "slug": "app-wont-open",
                    "category": "playback",
                    "translations": {"ko": {"title": "앱이 열리지 않아요", "body": "앱을 지우고 다시 설치해 보세요."}},
                },
                {
                    "slug": "app-guide",
                    "category": "playback",
                    "translations": {
                        "ko": {
                            "title": "앱 이용 안내",
                            "body": "앱을 안 쓰는 동안에도 안내 메일이 와요. 안 쓰면 안 와요. 왜 그런지 어떻게 끄는지 안내해요.",
                        }
                    },
                },
            ]
        }
    )
    assert slugs("앱이 안 열려요")[0] == "app-wont-open"
    assert slugs("왜 앱이 안 열려요 어떻게 해요")[0] == "app-wont-open"
    parsed = search.parse_query("어떻게 환불 받고 싶어요 please", "ko")
    assert parsed.terms["환불"] == 1.0
    assert {term: weight for term, weight in parsed.terms.items() if weight < 0.5} == {
        "어떻": 0.1,
        "싶": 0.1,
        "pleas": 0.1,
    }
    assert "안" not in search.parse_query("앱이 안 열려요", "ko").highlight_words


def test_rebuilding_keeps_the_index_and_its_b_trees(corpus):
    from django.core.management import call_command

    before = sorted(SearchTerm.objects.values_list("language", "term", "article_id", "weight"))
    call_command("rebuild_faq_index", stdout=open("/dev/null", "w"))
    assert sorted(SearchTerm.objects.values_list("language", "term", "article_id", "weight")) == before
    test_a_query_reads_only_its_own_terms_through_the_index(corpus)


def test_a_hit_is_its_article_translation_and_category_as_the_orm_would_load_them(corpus):
    """Hits are built from one raw query (the fields a hit shows): what it shows is read there, and
    every other field still loads on access with the value and type the ORM gives it."""
    (hit,) = [hit for hit in search.search("환불 신청", "ko") if hit.article.slug == "request-refund"]
    stored = ArticleTranslation.objects.select_related("article__category").get(
        article__slug="request-refund", language="ko"
    )
    with CaptureQueriesContext(connection) as shown:
        assert (hit.translation.pk, hit.translation.title, hit.translation.language) == (
            stored.pk,
            stored.title,
            "ko",
        )
        assert hit.article.category.name == stored.article.category.name
        assert hit.url == stored.get_absolute_url()
    assert len(shown) == 0
    with CaptureQueriesContext(connection) as deferred:
        assert hit.translation.body_html == stored.body_html
        assert hit.translation.updated_at == stored.updated_at and hit.translation.updated_at.tzinfo is not None
        assert hit.article.created_at == stored.article.created_at
        assert hit.article.category.position == stored.article.category.position
    assert len(deferred) == 4  # one read per deferred field, as .only() would do
