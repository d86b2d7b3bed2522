"""What keeping the search index fast must not change: a save's re-index writes only what changed,
a rebuild gives the same index as saves do, and a search reads the database a fixed number of times."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faq import search
from faq.models import Article, ArticleTranslation, Category, SearchTerm, Tag
from tests.unannounced import create_unannounced, update_unannounced

pytestmark = pytest.mark.django_db

_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The SQL that read or wrote data (SQLite logs its BEGIN IMMEDIATE/COMMIT, PostgreSQL does not)."""
    return [query["sql"] for query in captured.captured_queries if not query["sql"].startswith(_TRANSACTION_CONTROL)]


def writes(sql: list[str]) -> list[str]:
    """The statements that wrote (an executemany is logged as "N times: INSERT ...")."""
    bare = [s.split(" times: ", 1)[1] if s.split(" ", 1)[0].isdigit() else s for s in sql]
    return [s for s in bare if s.startswith(("INSERT", "DELETE", "UPDATE", "COPY"))]


def index_rows() -> set[tuple[str, str, int, int, float]]:
    return set(SearchTerm.objects.values_list("language", "term", "article_id", "category_id_copy", "weight"))


def stored_ids(article: Article) -> dict[tuple[str, str], int]:
    return dict(
        ((language, term), pk)
        for pk, language, term in SearchTerm.objects.filter(article=article).values_list("id", "language", "term")
    )


def test_a_save_that_changes_nothing_searchable_reads_three_times_and_writes_nothing(corpus):
    article = Article.objects.get(slug="refund-policy")
    before = index_rows()
    with CaptureQueriesContext(connection) as captured:
        search.request_index(article.pk)
    sql = statements(captured)
    # Its translations with the article's status and category (under the article's row lock), its
    # tags, its stored rows.
    assert len(sql) == 3, sql
    assert writes(sql) == []
    assert index_rows() == before


def test_an_edit_rewrites_only_the_rows_whose_weight_changed(corpus):
    article = Article.objects.get(slug="refund-policy")
    korean = ArticleTranslation.objects.get(article=article, language="ko")
    old_rows = {(row[0], row[1]): row[4] for row in search.posting_rows(article)}
    ids_before = stored_ids(article)

    # Written without save(), so no signal re-indexes it before the measured call.
    # One word already there (환불: its weight grows) and one new (영수증).
    update_unannounced(
        ArticleTranslation.objects.filter(pk=korean.pk), body=korean.body + " 환불 영수증은 메일로 보내 드려요."
    )
    with CaptureQueriesContext(connection) as captured:
        search.request_index(article.pk)

    new_rows = {(row[0], row[1]): row[4] for row in search.posting_rows(Article.objects.get(pk=article.pk))}
    changed = {key for key in new_rows if old_rows.get(key) != new_rows[key]}
    gone = set(old_rows) - set(new_rows)
    assert {"영수증", "환불"} <= {term for _language, term in changed}
    assert ("ko", "환불") in ids_before
    ids_after = stored_ids(article)
    kept = {key for key in ids_after if ids_before.get(key) == ids_after[key]}
    assert kept == set(new_rows) - changed  # every unchanged row is the very row stored before
    assert set(ids_after) == set(new_rows)
    assert {key: weight for key, weight in new_rows.items()} == {
        (language, term): weight
        for language, term, weight in SearchTerm.objects.filter(article=article).values_list(
            "language", "term", "weight"
        )
    }
    sql = statements(captured)
    # Read the texts, tags and stored rows; delete the stale rows; insert the new ones.
    assert not gone
    assert len(sql) == 5, sql
    assert [s.split()[0] for s in writes(sql)] == ["DELETE", "INSERT"]


def test_an_unpublished_article_loses_all_its_rows_and_a_deleted_one_too(corpus):
    draft = Article.objects.get(slug="app-crashes")
    draft.unpublish()
    assert not SearchTerm.objects.filter(article=draft).exists()
    gone = Article.objects.get(slug="reset-password")
    pk = gone.pk
    gone.delete()
    search.request_index(pk)
    assert not SearchTerm.objects.filter(article_id=pk).exists()
    assert search.search("종료", "ko") == []


def test_a_rebuild_gives_the_index_that_saves_kept(corpus):
    # A history of edits, each re-indexed incrementally by the save signals.
    refund = Article.objects.get(slug="refund-policy")
    korean = ArticleTranslation.objects.get(article=refund, language="ko")
    korean.body += "\n\n1. 결제 내역에서 **중복 결제**를 확인해 주세요. 카드사 승인 취소는 영업일 3일이 걸려요."
    korean.save()
    english = ArticleTranslation.objects.get(article=refund, language="en")
    english.title = "Refunds and charged twice"
    english.save()
    refund.tags.add(Tag.objects.create(name="중복결제"))
    crash = Article.objects.get(slug="app-crashes")
    crash.category = Category.objects.exclude(pk=crash.category_id).first()
    crash.save()
    crash.tags.remove(*crash.tags.all()[:1])
    Article.objects.get(slug="reset-password").unpublish()
    incremental = index_rows()
    assert incremental
    assert not {row for row in incremental if row[2] == Article.objects.get(slug="reset-password").pk}

    assert search.rebuild_index() == Article.objects.published().count()
    assert index_rows() == incremental


def test_a_search_reads_the_database_four_times_then_twice_once_its_counts_are_known(corpus):
    search.search("결제", "ko")  # the spelling vocabulary and synonyms are read once per process
    search.forget_document_counts()
    with CaptureQueriesContext(connection) as cold:
        hits = search.search("환불 신청", "ko")
    with CaptureQueriesContext(connection) as warm:
        again = search.search("환불 신청", "ko")
    assert [hit.article.slug for hit in hits] == ["request-refund", "refund-policy"]
    assert [hit.article.slug for hit in again] == ["request-refund", "refund-policy"]
    # Cold: the content generation (is the lexicon still current?), the terms' document counts, the
    # count of articles, the ranking, the hits with their articles and categories.
    assert len(statements(cold)) == 5, statements(cold)
    assert len(statements(warm)) == 3, statements(warm)
    # The hits' articles and categories came with them: using them reads nothing more.
    with CaptureQueriesContext(connection) as using:
        assert [(hit.article.category.slug, hit.url) for hit in again][0][0] == "refund"
    assert len(using) == 0


def test_a_synonym_edited_where_the_cache_is_shared_is_seen_at_the_next_search(corpus, without_lexicon):
    from faq.models import Synonym

    assert search.search("돈 돌려줘", "ko") == []
    create_unannounced(Synonym, [Synonym(term="돈 돌려", expands_to="환불")])  # as another process would
    assert search.search("돈 돌려줘", "ko") == []  # this process still holds its lexicon
    # What the other process's save does: the content generation moves on, in the database.
    from helpcenter import pagecache

    pagecache.advance_generation()
    assert [hit.article.slug for hit in search.search("돈 돌려줘", "ko")] == ["refund-policy", "request-refund"]
