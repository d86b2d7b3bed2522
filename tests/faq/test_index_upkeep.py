"""What keeping the search index fast must not change: a save's re-index writes only what changed,
a rebuild gives the same index as saves do, and a search reads the database a fixed number of times."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from faq import search
from faq.models import Article, ArticleTranslation, Category, SearchTerm, Tag
from faq.search import index as index_module
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
    # Read the texts, tags and stored rows; delete the stale rows; insert the new ones; add the new
    # term (영수증) to the document frequencies (환불's only changed weight: its count stays).
    assert not gone
    assert len(sql) == 6, sql
    assert [s.split()[0] for s in writes(sql)] == ["DELETE", "INSERT", "INSERT"]
    assert "faq_documentfrequency" in writes(sql)[-1]


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


def test_postings_for_gives_as_models_exactly_the_rows_the_index_holds(corpus):
    article = Article.objects.get(slug="refund-policy")
    given = {(t.language, t.term, t.article_id, t.category_id_copy, t.weight) for t in search.postings_for(article)}
    assert given == {row for row in index_rows() if row[2] == article.pk}
    assert {row[0] for row in given} == {"ko", "en"}


_real_chunk_postings = index_module._chunk_postings


def _chunk_postings_noting_the_process(chunk, as_copy_text):
    """_chunk_postings, leaving a file named after the process that ran it (forked workers inherit
    the directory's name from the environment)."""
    Path(os.environ["ANALYSED_IN"], str(os.getpid())).touch()
    return _real_chunk_postings(chunk, as_copy_text)


@pytest.fixture
def analysing_processes(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ANALYSED_IN", str(tmp_path))
    monkeypatch.setattr(index_module, "_chunk_postings", _chunk_postings_noting_the_process)
    monkeypatch.setattr(index_module, "REBUILD_CHUNK", 1)  # one article a chunk: spread over the workers
    return tmp_path


def test_a_rebuild_on_two_processes_writes_exactly_the_rows_each_article_would_have(corpus, analysing_processes):
    published = list(Article.objects.published().prefetch_related("translations", "tags"))
    one_by_one = {row for article in published for row in search.posting_rows(article)}
    assert index_rows() == one_by_one  # what the import's saves wrote

    assert search.rebuild_index(processes=2) == len(published) == 4
    assert index_rows() == one_by_one
    workers = {path.name for path in analysing_processes.iterdir()}
    assert workers and str(os.getpid()) not in workers  # analysed elsewhere, written here

    # The rebuilt table takes a save's rows as before.
    refund = Article.objects.get(slug="refund-policy")
    korean = ArticleTranslation.objects.get(article=refund, language="ko")
    korean.body += " 영수증은 메일로 보내 드려요."
    korean.save()
    assert ("ko", "영수증") in {(row[0], row[1]) for row in index_rows() if row[2] == refund.pk}
    assert [hit.article.slug for hit in search.search("영수증", "ko")] == ["refund-policy"]


def test_a_small_help_center_is_rebuilt_in_its_own_process(corpus, analysing_processes, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert search.rebuild_index() == 4
    assert {path.name for path in analysing_processes.iterdir()} == {str(os.getpid())}

    # From PARALLEL_FROM_ARTICLES published articles on, every core analyses.
    for path in analysing_processes.iterdir():
        path.unlink()
    monkeypatch.setattr(index_module, "PARALLEL_FROM_ARTICLES", 4)
    assert search.rebuild_index() == 4
    workers = {path.name for path in analysing_processes.iterdir()}
    assert workers and str(os.getpid()) not in workers


def test_a_rebuilt_index_still_refuses_rows_of_articles_that_do_not_exist(corpus):
    assert search.rebuild_index() == 4
    assert search.rebuild_index() == 4  # over a full index too
    ghost = SearchTerm.objects.create(language="ko", term="유령", article_id=999_999, category_id_copy=1, weight=1.0)
    with pytest.raises(IntegrityError), transaction.atomic():  # PostgreSQL: only the savepoint fails
        connection.check_constraints(table_names=[SearchTerm._meta.db_table])
    ghost.delete()  # the test's own end checks the keys again


def test_the_numbers_of_numbered_steps_are_not_indexed_but_numbers_in_the_text_are(corpus):
    refund = Article.objects.get(slug="refund-policy")
    korean = ArticleTranslation.objects.get(article=refund, language="ko")
    korean.body = "1. 결제 내역을 여세요.\n2) 영업일 3일 안에 환불돼요.\n   10. 기기 5대까지 돼요."
    korean.save()
    terms = set(SearchTerm.objects.filter(article=refund, language="ko").values_list("term", flat=True))
    assert {"1", "2", "10"}.isdisjoint(terms)
    assert {"3", "5", "결제", "환불", "기기"} <= terms
    assert [hit.article.slug for hit in search.search("5대", "ko")] == ["refund-policy"]


def test_on_postgresql_an_edit_waits_for_the_server_twice_before_its_commit(corpus, monkeypatch):
    """The three reads go together (one wait for their answers), then the delete and the insert
    with the pipeline's closing sync (the second): not one wait per statement."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs in this process: there is no round trip to save")
    connection.ensure_connection()
    real_pipeline = connection.connection.pipeline
    batches: list[list[str]] = []

    @contextmanager
    def noted_pipeline():
        with CaptureQueriesContext(connection) as captured, real_pipeline() as pipeline:
            yield pipeline
        batches.append([query["sql"].split(" times: ", 1)[-1].split()[0] for query in captured.captured_queries])

    monkeypatch.setattr(connection.connection, "pipeline", noted_pipeline)
    article = Article.objects.get(slug="refund-policy")
    korean = ArticleTranslation.objects.get(article=article, language="ko")
    # Unannounced, so that the re-index below is the only one (a bulk update re-indexes by itself).
    update_unannounced(
        ArticleTranslation.objects.filter(pk=korean.pk), body=korean.body + " 환불 영수증은 메일로 보내 드려요."
    )
    search.request_index(article.pk)
    assert batches == [["SELECT", "SELECT", "SELECT", "DELETE", "INSERT", "INSERT"]]  # the last: 영수증's frequency
    assert [hit.article.slug for hit in search.search("영수증", "ko")] == ["refund-policy"]


def test_a_new_article_with_a_thousand_terms_is_indexed_by_its_save(corpus):
    """More rows than COPY_FROM_ROWS: inside a save's pipeline they are inserted, not copied."""
    refund = Article.objects.get(slug="refund-policy")
    korean = ArticleTranslation.objects.get(article=refund, language="ko")
    korean.body = " ".join(f"단어{number}" for number in range(1200))
    korean.save()
    terms = set(SearchTerm.objects.filter(article=refund, language="ko").values_list("term", flat=True))
    assert len(terms) > index_module.COPY_FROM_ROWS
    assert [hit.article.slug for hit in search.search("단어1199", "ko")] == ["refund-policy"]


def test_the_spelling_vocabulary_of_a_language_is_every_term_of_its_articles_and_no_other(corpus):
    refund = Article.objects.get(slug="refund-policy")
    korean = ArticleTranslation.objects.get(article=refund, language="ko")
    korean.body += " 앱스토어 receipt 영수증"  # a Latin word in a Korean article is Korean vocabulary
    korean.save()
    for language in ("ko", "en"):
        held = SearchTerm.objects.filter(language=language).values_list("term", flat=True).distinct()
        assert sorted(index_module.vocabulary(language)) == sorted(held)
    korean_terms, english_terms = set(index_module.vocabulary("ko")), set(index_module.vocabulary("en"))
    assert {"영수증", "receipt"} <= korean_terms
    assert "영수증" not in english_terms
    assert "duplic" in english_terms and "duplic" not in korean_terms  # "duplicate", stemmed


def test_the_vocabulary_walk_probes_the_index_and_never_reads_the_table(corpus):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's plan for a small table is a sequential scan whatever the indexes")
    with CaptureQueriesContext(connection) as captured:
        index_module.vocabulary("en")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + captured.captured_queries[-1]["sql"].replace("'en'", "?"), ["en"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "faq_searchterm_lookup" in plan
    assert "SCAN faq_searchterm" not in plan.replace("SCAN faq_searchterm USING COVERING INDEX", "")


def test_on_postgresql_a_rebuild_writes_its_rows_already_visible_to_everyone(corpus):
    """COPY FREEZE: no hint bits left to set by the first searches, nothing for VACUUM to mark
    before index-only scans work. The index builds after the load count the table's pages the
    visibility map has as all-visible (pg_class.relallvisible): every one of them."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's COPY FREEZE")
    assert search.rebuild_index() == 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpages, relallvisible FROM pg_class WHERE relname = %s", [SearchTerm._meta.db_table])
        pages, all_visible = cursor.fetchone()
    assert pages > 0 and all_visible == pages
    # And the rebuilt table takes a save's rows as before, not frozen.
    refund = Article.objects.get(slug="refund-policy")
    korean = ArticleTranslation.objects.get(article=refund, language="ko")
    korean.body += " 영수증은 메일로 보내 드려요."
    korean.save()
    assert [hit.article.slug for hit in search.search("영수증", "ko")] == ["refund-policy"]


def test_on_postgresql_the_index_terms_sort_byte_by_byte_before_and_after_a_rebuild(corpus):
    """The "C" collation on language and term (BytewiseCharField): the lookup B-tree compares with
    memcmp rather than the server locale's strcoll, in the table migrate made and in the B-tree a
    rebuild makes again; and the search reads it as before."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's text is compared byte by byte already")

    def collations() -> dict[str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT attribute.attname, coll.collname
                FROM pg_index AS ix
                JOIN pg_class AS idx ON idx.oid = ix.indexrelid
                JOIN LATERAL unnest(ix.indkey, ix.indcollation) AS key(attnum, collid) ON true
                JOIN pg_attribute AS attribute ON attribute.attrelid = ix.indrelid AND attribute.attnum = key.attnum
                LEFT JOIN pg_collation AS coll ON coll.oid = key.collid
                WHERE idx.relname = 'faq_searchterm_lookup'
                """
            )
            return dict(cursor.fetchall())

    bytewise = {"term": "C", "language": "C", "weight": None, "article_id": None}
    assert collations() == bytewise
    assert search.rebuild_index() == 4
    assert collations() == bytewise
    assert [hit.article.slug for hit in search.search("환불", "ko")][:1] == ["refund-policy"]
    assert sorted(index_module.vocabulary("ko")) == sorted(
        SearchTerm.objects.filter(language="ko").values_list("term", flat=True).distinct()
    )


def test_a_renamed_tag_is_searched_by_its_new_name_and_no_longer_by_the_old_one(corpus):
    tag = Tag.objects.get(name="오류")
    tag.name = "가나다"
    tag.save()
    assert [hit.article.slug for hit in search.search("가나다", "ko", correct=False)] == ["app-crashes"]
    assert search.search("오류", "ko", correct=False) == []
    # Renamed in bulk (an update, as a data fix would): the same.
    Tag.objects.filter(pk=tag.pk).update(name="라마바")
    assert [hit.article.slug for hit in search.search("라마바", "ko", correct=False)] == ["app-crashes"]
    assert search.search("가나다", "ko", correct=False) == []


def test_a_deleted_tag_is_no_longer_found_in_the_articles_it_was_on(corpus):
    Tag.objects.get(name="오류").delete()
    assert search.search("오류", "ko", correct=False) == []
    stranger = Article.objects.get(slug="refund-policy")  # an article the tag was never on keeps its rows
    assert ("ko", "환불") in {
        (language, term)
        for language, term in SearchTerm.objects.filter(article=stranger).values_list("language", "term")
    }


def test_articles_tagged_or_untagged_from_the_tags_side_are_re_indexed(corpus):
    tag = Tag.objects.create(name="가나다")
    refund, crash = Article.objects.get(slug="refund-policy"), Article.objects.get(slug="app-crashes")
    tag.articles.add(refund, crash)
    assert {hit.article.slug for hit in search.search("가나다", "ko", correct=False)} == {
        "refund-policy",
        "app-crashes",
    }
    tag.articles.remove(crash)
    assert [hit.article.slug for hit in search.search("가나다", "ko", correct=False)] == ["refund-policy"]
    tag.articles.clear()
    assert search.search("가나다", "ko", correct=False) == []


def test_an_import_that_changes_most_of_the_help_center_ends_with_one_rebuild(db, monkeypatch):
    import copy

    from faq.portable import import_document
    from tests.conftest import SMALL_CORPUS

    rebuilds = []
    real_rebuild = index_module.rebuild_index
    monkeypatch.setattr(index_module, "rebuild_index", lambda: rebuilds.append(1) or real_rebuild())
    monkeypatch.setattr(index_module, "REBUILD_FROM_PENDING", 4)
    import_document(copy.deepcopy(SMALL_CORPUS))  # 4 new articles of 4
    assert rebuilds == [1]
    published = list(Article.objects.published().prefetch_related("translations", "tags"))
    assert index_rows() == {row for article in published for row in search.posting_rows(article)}
    assert [hit.article.slug for hit in search.search("비밀번호", "ko", correct=False)] == ["reset-password"]

    # Editing one article of four (an import that updates it) re-indexes that one only.
    document = copy.deepcopy(SMALL_CORPUS)
    document["articles"] = [document["articles"][0]]
    document["articles"][0]["translations"]["ko"]["body"] += " 영수증은 메일로 보내 드려요."
    import_document(document)
    assert rebuilds == [1]
    assert [hit.article.slug for hit in search.search("영수증", "ko", correct=False)] == ["refund-policy"]
