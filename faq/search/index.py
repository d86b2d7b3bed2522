"""The index: one table (SearchTerm) of (language, term, article, weight) rows, kept in step with
what editors publish.

A B-tree on (language, term, -weight) serves every query on SQLite and PostgreSQL alike, so a query
reads only the postings of its own terms. Titles weigh more than tags, tags more than bodies.

Rows are written as plain tuples with executemany (COPY on PostgreSQL) rather than as model
instances: building a SearchTerm object per row cost more than analysing the text.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection, transaction

from faq.models import Article, ArticleTranslation, SearchTerm
from faq.search.analysis import WEAK_TERMS, initials_terms, term_counts

TITLE_WEIGHT = 4.0
TAG_WEIGHT = 2.5
BODY_WEIGHT = 1.0
INITIALS_WEIGHT = 1.5
REBUILD_CHUNK = 1000  # articles read and written per round trip while rebuilding

_DOC_COUNT_CACHE_KEY = "faq:doc-count:{language}"
INDEX_VERSION_KEY = "faq:index-version"

Row = tuple[str, str, int, int, float]  # language, term, article id, category id, weight
_COLUMNS = "(language, term, article_id, category_id_copy, weight)"


# 1 + log(tf): the tenth mention of a word says much less than the first.
_TF = [0.0] + [1.0 + math.log(count) for count in range(1, 64)]
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def _body_words(body: str) -> str:
    # Markdown's marks are not words to the analyser anyway; only link targets (URLs) would be.
    return _LINK_TARGET.sub("]", body) if "](" in body else body


def _weights_for(title: str, body: str, tags: list[str]) -> dict[str, float]:
    weights: dict[str, float] = {}

    def add(counts: dict[str, int], field_weight: float) -> None:
        for term, count in counts.items():
            if term in WEAK_TERMS:
                continue  # they weigh next to nothing in a query; not worth a row in every article
            tf = _TF[count] if count < 64 else 1.0 + math.log(count)
            weights[term] = weights.get(term, 0.0) + field_weight * tf

    tag_text = " ".join(tags)
    add(term_counts(title), TITLE_WEIGHT)
    add(term_counts(tag_text), TAG_WEIGHT)
    add(term_counts(_body_words(body)), BODY_WEIGHT)
    add(Counter(initials_terms(title + " " + tag_text)), INITIALS_WEIGHT)
    return weights


def posting_rows(article: Article) -> list[Row]:
    """The index rows of one article (translations and tags prefetched or not): none unless published."""
    if not article.is_published:
        return []
    tags = [tag.name for tag in article.tags.all()]
    pk, category = article.pk, article.category_id
    rows: list[Row] = []
    for item in article.translations.all():
        language = item.language
        rows.extend(
            (language, term, pk, category, weight) for term, weight in _weights_for(item.title, item.body, tags).items()
        )
    return rows


def postings_for(article: Article) -> list[SearchTerm]:
    """The index rows of one article as SearchTerm objects (for callers that want models)."""
    return [
        SearchTerm(language=language, term=term, article_id=pk, category_id_copy=category, weight=weight)
        for language, term, pk, category, weight in posting_rows(article)
    ]


def write_rows(rows: Iterable[Row]) -> None:
    """Insert index rows in one statement per batch, bypassing the ORM's per-row objects."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {SearchTerm._meta.db_table} {_COLUMNS} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * 5)
            cursor.executemany(f"INSERT INTO {SearchTerm._meta.db_table} {_COLUMNS} VALUES ({placeholders})", rows)


_deferred = threading.local()


@contextmanager
def indexing_deferred() -> Iterator[None]:
    """Within this block, articles changed several times (an import, an admin page with inlines)
    are re-indexed once each, at the end."""
    if getattr(_deferred, "pending", None) is not None:  # already deferred by an outer block
        yield
        return
    _deferred.pending = set()
    try:
        yield
        pending = _deferred.pending
    finally:
        _deferred.pending = None
    for article in Article.objects.filter(pk__in=pending).prefetch_related("translations", "tags"):
        index_article(article)


def request_index(article_id: int) -> None:
    """Index an article now, or at the end of the enclosing indexing_deferred() block."""
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending.add(article_id)
        return
    article = Article.objects.filter(pk=article_id).prefetch_related("translations", "tags").first()
    if article is not None:
        index_article(article)
    else:
        SearchTerm.objects.filter(article_id=article_id).delete()


def index_article(article: Article) -> None:
    """Bring one article's index rows in step with its current content and status."""
    rows = posting_rows(article)
    with transaction.atomic():
        SearchTerm.objects.filter(article_id=article.pk).delete()
        write_rows(rows)
    forget_document_counts()


def rebuild_index() -> int:
    """Re-index every article; returns how many published articles were indexed."""
    articles = Article.objects.published().order_by("pk")
    count = 0
    with transaction.atomic(), _indexes_rebuilt_at_the_end():
        SearchTerm.objects.all().delete()
        last_pk = 0
        while True:
            # Keyset chunks with their translations and tags prefetched: three queries per chunk.
            chunk = list(articles.filter(pk__gt=last_pk).prefetch_related("translations", "tags")[:REBUILD_CHUNK])
            if not chunk:
                break
            rows: list[Row] = []
            for article in chunk:
                rows.extend(posting_rows(article))
            write_rows(rows)
            count += len(chunk)
            last_pk = chunk[-1].pk
    forget_document_counts()
    return count


@contextmanager
def _indexes_rebuilt_at_the_end() -> Iterator[None]:
    """Drop the index's B-trees, and build them again once the rows are in: sorting millions of
    rows once is several times faster than inserting each into two B-trees. Searches wait for the
    rebuild's transaction meanwhile (PostgreSQL) or read the old index (SQLite's WAL)."""
    # The editor only writes the SQL here: SQLite's refuses to run inside a transaction.
    editor = connection.SchemaEditorClass(connection, collect_sql=True)
    editor.deferred_sql = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table with pending (deferred) foreign-key checks cannot be indexed: check each row
            # as it is written instead of at commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for index in SearchTerm._meta.indexes:
            cursor.execute(str(index.remove_sql(SearchTerm, editor)))
    yield
    with connection.cursor() as cursor:
        for index in SearchTerm._meta.indexes:
            cursor.execute(str(index.create_sql(SearchTerm, editor)))
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def forget_document_counts() -> None:
    """The index changed: article counts and document frequencies are counted afresh."""
    cache.delete_many([_DOC_COUNT_CACHE_KEY.format(language=code) for code in ("ko", "en")] + [INDEX_VERSION_KEY])


def document_count(language: str) -> int:
    key = _DOC_COUNT_CACHE_KEY.format(language=language)
    count = cache.get(key)
    if count is None:
        count = ArticleTranslation.objects.filter(language=language, article__status=Article.Status.PUBLISHED).count()
        cache.set(key, count, 300)
    return count


def index_version() -> str:
    version = cache.get(INDEX_VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.set(INDEX_VERSION_KEY, version, None)
    return version


def vocabulary(language: str) -> list[str]:
    """Every distinct term of the index in a language, read by skipping along the B-tree (one probe
    per term rather than a scan of every posting), for spelling correction."""
    table = SearchTerm._meta.db_table
    sql = f"""
        WITH RECURSIVE walk(term) AS (
            SELECT MIN(term) FROM {table} WHERE language = %s
            UNION ALL
            SELECT (SELECT MIN(term) FROM {table} WHERE language = %s AND term > walk.term)
            FROM walk WHERE walk.term IS NOT NULL
        )
        SELECT term FROM walk WHERE term IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [language, language])
        return [row[0] for row in cursor.fetchall()]
