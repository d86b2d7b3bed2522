"""The index: one table (SearchTerm) of (language, term, article, weight) rows, kept in step with
what editors publish.

A B-tree on (term, language, -weight) serves every query on SQLite and PostgreSQL alike, so a query
reads only the postings of its own terms. Titles weigh more than tags, tags more than bodies.

Rows are written as plain tuples with executemany (COPY on PostgreSQL for a rebuild's batches)
rather than as model instances: building a SearchTerm object per row cost more than analysing the
text. For the same reason a rebuild and a save read articles as plain values. A save compares the
article's stored rows with the wanted ones and writes only the difference.

Beside the rows, DocumentFrequency keeps how many rows each term has in each language (what a
term's idf needs): every write here adds its change to it, and a rebuild writes it afresh.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from django.core.cache import cache
from django.db import connection, transaction

from faq.models import Article, ArticleTranslation, DocumentFrequency, SearchTerm
from helpcenter.text_analysis import WEAK_TERMS, initials_terms, term_counts

TITLE_WEIGHT = 4.0
TAG_WEIGHT = 2.5
BODY_WEIGHT = 1.0
INITIALS_WEIGHT = 1.5
REBUILD_CHUNK = 1000  # articles read and written per round trip while rebuilding
# A rebuild analyses on every core from this many published articles on: below it, starting the
# processes costs more than they save (a help center's few hundred articles index in a second).
PARALLEL_FROM_ARTICLES = 5000
# An indexing_deferred() block that changed at least this many articles, and at least half of all,
# ends with a rebuild rather than re-indexing each.
REBUILD_FROM_PENDING = 1000

_DOC_COUNT_CACHE_KEY = "faq:doc-count:{language}"
INDEX_VERSION_KEY = "faq:index-version"

Row = tuple[str, str, int, int, float]  # language, term, article id, category id, weight
_COLUMNS = "(language, term, article_id, category_id_copy, weight)"


# 1 + log(tf): the tenth mention of a word says much less than the first.
_TF = [0.0] + [1.0 + math.log(count) for count in range(1, 64)]
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
# "1. ", "2) " at the start of a line: a numbered step's number is Markdown's markup, not what the
# step says. Indexed, "1" and "2" were a row in nearly every article (4 % of the index) that no
# query wants; a number in the text (영업일 3일, 5대, E-2043) is still a word.
_LIST_NUMBER = re.compile(r"^[ \t]*\d{1,3}[.)](?=[ \t])", re.MULTILINE)


def _body_words(body: str) -> str:
    # Markdown's other marks are not words to the analyser anyway; only link targets (URLs) would be.
    if "](" in body:
        body = _LINK_TARGET.sub("]", body)
    return _LIST_NUMBER.sub("", body)


def _weights_for(title: str, body: str, tags: list[str]) -> dict[str, float]:
    tf = _TF
    # The body first, in one comprehension: it holds nearly all of an article's terms.
    weights = {
        term: BODY_WEIGHT * (tf[count] if count < 64 else 1.0 + math.log(count))
        for term, count in term_counts(_body_words(body)).items()
    }
    get = weights.get
    tag_text = " ".join(tags)
    for counts, field_weight in (
        (term_counts(title), TITLE_WEIGHT),
        (term_counts(tag_text), TAG_WEIGHT),
        (Counter(initials_terms(title + " " + tag_text)), INITIALS_WEIGHT),
    ):
        for term, count in counts.items():
            weights[term] = get(term, 0.0) + field_weight * (tf[count] if count < 64 else 1.0 + math.log(count))
    for term in WEAK_TERMS.intersection(weights):
        del weights[term]  # they weigh next to nothing in a query; not worth a row in every article
    return weights


def posting_rows(article: Article) -> list[Row]:
    """The index rows of one article (translations and tags prefetched or not): none unless published."""
    if not article.is_published:
        return []
    texts = [(item.language, item.title, item.body) for item in article.translations.all()]
    return _rows_of(article.pk, article.category_id, texts, [tag.name for tag in article.tags.all()])


def _rows_of(
    pk: int, category: int, texts: list[tuple[str, str, str]], tags: list[str], counted: dict | None = None
) -> list[Row]:
    """The rows of a published article from its (language, title, body) texts and tag names: the one
    computation behind a save's re-index and a rebuild (_copy_text_of writes the same rows as
    text), so the two cannot drift apart. A rebuild's `counted` gets each term's rows, per language."""
    rows: list[Row] = []
    for language, title, body in texts:
        weights = _weights_for(title, body, tags)
        if counted is not None:
            counted[language].update(iter(weights))  # an iterator: counted in C, not as a mapping
        rows.extend(zip(repeat(language), weights, repeat(pk), repeat(category), weights.values(), strict=False))
    return rows


class _FloatTexts(dict):
    """repr() of each weight, computed once: an index of millions of rows has a few hundred
    distinct weights (field weights times 1 + log(count)). A float's repr is its shortest exact
    form, which PostgreSQL reads back as the same double."""

    def __missing__(self, weight: float) -> str:
        text = self[weight] = repr(weight)
        return text


_float_texts = _FloatTexts()


def _copy_text_of(
    pk: int, category: int, texts: list[tuple[str, str, str]], tags: list[str], counted: dict[str, Counter]
) -> str:
    """_rows_of's rows as the text COPY reads (language, term, article, category, weight), joined
    in C rather than formatted row by row: formatting was a seventh of a rebuild's analysis.
    Terms are made of Hangul, jamo, a-z, 0-9 and ' (text_analysis.TOKEN): nothing COPY escapes."""
    ends = f"\t{pk}\t{category}\t"
    lines = []
    for language, title, body in texts:
        weights = _weights_for(title, body, tags)
        counted[language].update(iter(weights))  # an iterator: counted in C, not as a mapping
        fields = zip(
            repeat(language + "\t"),
            weights,
            repeat(ends),
            map(_float_texts.__getitem__, weights.values()),
            repeat("\n"),
        )
        lines.append("".join(map("".join, fields)))
    return "".join(lines)


def postings_for(article: Article) -> list[SearchTerm]:
    """The index rows of one article as SearchTerm objects (for callers that want models)."""
    return [
        SearchTerm(language=language, term=term, article_id=pk, category_id_copy=category, weight=weight)
        for language, term, pk, category, weight in posting_rows(article)
    ]


COPY_FROM_ROWS = 1000  # on PostgreSQL, COPY pays off from here; below, one pipelined executemany


def write_rows(rows: list[Row], copy: bool = True) -> None:
    """Insert index rows in one statement per batch, bypassing the ORM's per-row objects (COPY on
    PostgreSQL for many rows, unless `copy` is off: inside a pipeline)."""
    with connection.cursor() as cursor:
        if copy and connection.vendor == "postgresql" and len(rows) >= COPY_FROM_ROWS:
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
    if len(pending) >= REBUILD_FROM_PENDING and 2 * len(pending) >= Article.objects.count():
        # Most of the help center changed (an import into a new one): one rebuild, on every core,
        # instead of an article at a time (for 50,000 articles about 20 s in all, against 2–3 ms
        # an article one by one). On PostgreSQL searches then wait for the enclosing transaction.
        rebuild_index()
        return
    for article in Article.objects.filter(pk__in=pending).prefetch_related("translations", "tags"):
        index_article(article)


def request_index(article_id: int) -> None:
    """Index an article now, or at the end of the enclosing indexing_deferred() block."""
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending.add(article_id)
        return
    texts_query = (
        ArticleTranslation.objects.filter(article_id=article_id, article__status=Article.Status.PUBLISHED)
        .select_for_update()
        .order_by("language")
        .values_list("article__category_id", "language", "title", "body")
    )
    tags_query = Article.tags.through.objects.filter(article_id=article_id).values_list("tag__name")
    # On PostgreSQL the whole re-index is two round trips before the commit: the three reads go
    # together, then the deletes and inserts with the pipeline's closing sync.
    with transaction.atomic(), _pipelined():
        # Plain values, no model instances: three reads when nothing changed. Read under the
        # article's row lock (PostgreSQL; SQLite's transactions are serial anyway), so two saves of
        # one article re-index one after the other, each from what it committed.
        with connection.cursor() as texts, connection.cursor() as tags, connection.cursor() as stored:
            texts.execute(*texts_query.query.sql_with_params())
            tags.execute(*tags_query.query.sql_with_params())
            stored.execute(_STORED_ROWS, [article_id])
            found, tag_names, stored_rows = texts.fetchall(), [name for (name,) in tags.fetchall()], stored.fetchall()
        rows: list[Row] = []
        if found:  # published, with something to index
            rows = _rows_of(article_id, found[0][0], [text[1:] for text in found], tag_names)
        changed = _replace_rows(article_id, rows, stored_rows, pipelined=True)
    if changed:
        forget_document_counts()


@contextmanager
def _pipelined() -> Iterator[None]:
    """On PostgreSQL, the statements inside are sent without waiting for each one's answer (psycopg's
    pipeline mode): a fetch waits for the answers so far, the end of the block for the rest. A
    save's re-index was six round trips, each a wait for the server. COPY cannot be pipelined."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield


def index_article(article: Article) -> None:
    """Bring one article's index rows in step with its current content and status."""
    with transaction.atomic():
        changed = _replace_rows(article.pk, posting_rows(article))
    if changed:
        forget_document_counts()


_DELETE_BATCH = 500  # row ids per DELETE, well under SQLite's limit of bound parameters


_STORED_ROWS = (
    f"SELECT id, language, term, category_id_copy, weight FROM {SearchTerm._meta.db_table} WHERE article_id = %s"
)


def _replace_rows(article_id: int, rows: list[Row], stored: list[tuple] | None = None, pipelined: bool = False) -> bool:
    """Make the article's stored rows (read here unless given) these, writing only the difference (an
    edit changes a few terms' weights; a save that changed nothing searchable writes nothing). True
    if anything changed."""
    table = SearchTerm._meta.db_table
    wanted = {(language, term): (category, weight) for language, term, _pk, category, weight in rows}
    if stored is None:
        with connection.cursor() as cursor:
            cursor.execute(_STORED_ROWS, [article_id])
            stored = cursor.fetchall()
    stale: list[int] = []
    held = Counter()  # (language, term) → rows more (or fewer) once this is written
    for row_id, language, term, category, weight in stored:
        if wanted.get((language, term)) == (category, weight):
            del wanted[language, term]  # stored as wanted; a second copy of it would be stale
        else:
            stale.append(row_id)
            held[language, term] -= 1
    with connection.cursor() as cursor:
        for start in range(0, len(stale), _DELETE_BATCH):
            batch = stale[start : start + _DELETE_BATCH]
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(batch))})", batch)
    if wanted:
        write_rows(
            [(language, term, article_id, category, weight) for (language, term), (category, weight) in wanted.items()],
            copy=not pipelined,
        )
        held.update(wanted.keys())
    _count_changes(held)
    return bool(stale or wanted)


_FREQUENCIES = DocumentFrequency._meta.db_table
_ADD_TO_FREQUENCY = (
    f"INSERT INTO {_FREQUENCIES} (language, term, documents) VALUES (%s, %s, %s) "
    f"ON CONFLICT (term, language) DO UPDATE SET documents = {_FREQUENCIES}.documents + excluded.documents"
)


def _count_changes(held: Counter) -> None:
    """Add each term's change in rows to its document frequency (a new weight for a term the
    article already held changes nothing). In term order, so that two saves changing the same
    terms lock their rows in the same order and never deadlock."""
    changes = sorted((term, language, change) for (language, term), change in held.items() if change)
    if changes:
        with connection.cursor() as cursor:
            cursor.executemany(_ADD_TO_FREQUENCY, [(language, term, change) for term, language, change in changes])


def unindex_article(article_id: int) -> None:
    """The article is being deleted: its rows leave the index, and its terms' frequencies with
    them (the deletion's cascade would remove the rows without telling the frequencies)."""
    with transaction.atomic():
        changed = _replace_rows(article_id, [])
    if changed:
        forget_document_counts()


Chunk = list[tuple[int, int, list[tuple[str, str, str]], list[str]]]  # (pk, category, texts, tags) per article


def rebuild_index(processes: int | None = None) -> int:
    """Re-index every article; returns how many published articles were indexed.

    The texts are analysed on `processes` worker processes (default: every core, from
    PARALLEL_FROM_ARTICLES published articles on) while this one reads the next chunk and writes the
    rows of the last: analysis is half of a rebuild's CPU and needs no database."""
    published = Article.objects.published()
    if processes is None:
        processes = os.cpu_count() or 1
        if processes > 1 and published.count() < PARALLEL_FROM_ARTICLES:
            processes = 1
    as_copy_text = connection.vendor == "postgresql"
    count = 0
    frequencies: dict[str, Counter] = defaultdict(Counter)

    def write(result: tuple[list[Row] | str, dict[str, Counter]]) -> None:
        rows, counted = result
        _write(rows)
        for language, terms in counted.items():
            frequencies[language].update(terms)

    with transaction.atomic():
        with _table_emptied_for_a_bulk_load(), _analysers(processes) as analysers:
            pending: deque[Future] = deque()
            for chunk in _article_chunks(published):
                pending.append(analysers.submit(_chunk_postings, chunk, as_copy_text))
                count += len(chunk)
                # A few chunks ahead keep every analyser busy while this process writes.
                while len(pending) > processes:
                    write(pending.popleft().result())
            while pending:
                write(pending.popleft().result())
        _replace_frequencies(frequencies)
    forget_document_counts()
    return count


def _replace_frequencies(frequencies: dict[str, Counter]) -> None:
    """The document frequencies of a rebuilt index, as its analysers counted them."""
    rows = [(language, term, documents) for language, terms in frequencies.items() for term, documents in terms.items()]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_FREQUENCIES}")
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_FREQUENCIES} (language, term, documents) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {_FREQUENCIES} (language, term, documents) VALUES (%s, %s, %s)", rows)


def _article_chunks(published) -> Iterator[Chunk]:
    """Every published article's texts and tags, in keyset chunks read as plain values (three
    queries per chunk): model instances for 50,000 articles cost more than a third of the analysis."""
    articles = published.order_by("pk").values_list("pk", "category_id")
    last_pk = 0
    while True:
        chunk = list(articles.filter(pk__gt=last_pk)[:REBUILD_CHUNK])
        if not chunk:
            return
        pks = [pk for pk, _category in chunk]
        texts: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        translations = ArticleTranslation.objects.filter(article_id__in=pks).order_by("article_id", "language")
        for article_id, language, title, body in translations.values_list("article_id", "language", "title", "body"):
            texts[article_id].append((language, title, body))
        tags: dict[int, list[str]] = defaultdict(list)
        tagged = Article.tags.through.objects.filter(article_id__in=pks).order_by("tag__name")
        for article_id, name in tagged.values_list("article_id", "tag__name"):
            tags[article_id].append(name)
        yield [(pk, category, texts[pk], tags[pk]) for pk, category in chunk]
        last_pk = chunk[-1][0]


def _chunk_postings(chunk: Chunk, as_copy_text: bool) -> tuple[list[Row] | str, dict[str, Counter]]:
    """The rows of a chunk of articles, and how many of them each term has in each language; for
    PostgreSQL the rows already as COPY's text, so that formatting millions of rows is done by the
    analysers, not by the one process that writes."""
    counted: dict[str, Counter] = defaultdict(Counter)
    if as_copy_text:
        text = "".join([_copy_text_of(pk, category, texts, tags, counted) for pk, category, texts, tags in chunk])
        return text, dict(counted)
    rows: list[Row] = []
    for pk, category, texts, tags in chunk:
        rows.extend(_rows_of(pk, category, texts, tags, counted))
    return rows, dict(counted)


def _write(rows: list[Row] | str) -> None:
    """Write a chunk's rows into the table _table_emptied_for_a_bulk_load() emptied."""
    if isinstance(rows, list):
        write_rows(rows)
        return
    # FREEZE: the rows are written already visible to everyone, as VACUUM would mark them later
    # (PostgreSQL allows it into a table truncated in the same subtransaction, which nobody else
    # can read until the commit anyway). The first searches after a rebuild then read the index
    # alone (index-only scans need the visibility map), and do not set hint bits on 4 M rows.
    freeze = " WITH (FREEZE)" if _isolation_allows_freeze() else ""
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {SearchTerm._meta.db_table} {_COLUMNS} FROM STDIN{freeze}") as copy:
            copy.write(rows)


def _isolation_allows_freeze() -> bool:
    # Under REPEATABLE READ or SERIALIZABLE the transaction's snapshot is registered, and
    # PostgreSQL refuses COPY FREEZE after "prior transaction activity".
    import psycopg

    return connection.connection.isolation_level in (None, psycopg.IsolationLevel.READ_COMMITTED)


class _InThisProcess:
    """The analysers when there is one core (or few articles): the work done at submit()."""

    def submit(self, function, *args) -> Future:
        future: Future = Future()
        future.set_result(function(*args))
        return future


@contextmanager
def _analysers(processes: int) -> Iterator[ProcessPoolExecutor | _InThisProcess]:
    # Forked, the workers start with this process's memoised analysis and need nothing imported
    # again; they only compute, never touch the database connection they inherit. Where fork is
    # missing (Windows, macOS's default aside), the work stays in this process.
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield _InThisProcess()
        return
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


@contextmanager
def _table_emptied_for_a_bulk_load() -> Iterator[None]:
    """Empty the index and drop its B-trees (and on PostgreSQL its foreign key), then build them
    again once the rows are in: sorting millions of rows once is several times faster than
    inserting each into two B-trees, and checking the key in one join than row by row (on
    PostgreSQL the per-row check was two thirds of COPY's time). Searches wait for the rebuild's
    transaction meanwhile (PostgreSQL) or read the old index (SQLite's WAL)."""
    # The editor only writes the SQL here: SQLite's refuses to run inside a transaction.
    editor = connection.SchemaEditorClass(connection, collect_sql=True)
    editor.deferred_sql = []
    table = SearchTerm._meta.db_table
    foreign_keys: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows this transaction wrote earlier (an import) have their key checks pending, and a
            # table with pending checks cannot be truncated or altered: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            constraints = connection.introspection.get_constraints(cursor, table)
            foreign_keys = [name for name, facts in constraints.items() if facts["foreign_key"]]
            for name in foreign_keys:
                cursor.execute(f"ALTER TABLE {editor.quote_name(table)} DROP CONSTRAINT {editor.quote_name(name)}")
            # TRUNCATE leaves no dead rows behind for the index builds to read past, as DELETE does.
            cursor.execute(f"TRUNCATE {editor.quote_name(table)}")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # sorts for the B-trees in memory
            for index in SearchTerm._meta.indexes:
                cursor.execute(str(index.remove_sql(SearchTerm, editor)))
        else:
            _recreate_sqlite_table(cursor, table)
    yield
    with connection.cursor() as cursor:
        for index in SearchTerm._meta.indexes:
            cursor.execute(str(index.create_sql(SearchTerm, editor)))
        if foreign_keys:
            field = SearchTerm._meta.get_field("article")
            for name in foreign_keys:
                cursor.execute(
                    editor.sql_create_fk
                    % {
                        "table": editor.quote_name(table),
                        "name": editor.quote_name(name),
                        "column": editor.quote_name(field.column),
                        "to_table": editor.quote_name(Article._meta.db_table),
                        "to_column": editor.quote_name(Article._meta.pk.column),
                        "deferrable": connection.ops.deferrable_sql(),
                    }
                )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _recreate_sqlite_table(cursor, table: str) -> None:
    """Empty the index on SQLite by dropping the table (its B-trees go with it) and creating it again
    from its own stored definition, without AUTOINCREMENT.

    DELETE FROM checks every row's foreign key one by one on a table that has one (SQLite's
    truncation does not apply): 55 s for 4.3 M rows, longer than building them. DROP TABLE frees
    the pages at once. AUTOINCREMENT's bookkeeping (sqlite_sequence updated for every inserted row)
    was 40 % of the inserts; the ids of this table are named nowhere else, so reusing a deleted
    row's id is harmless. A later migration that remakes the table brings AUTOINCREMENT back, which
    only makes rebuilds a little slower again."""
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
    definition = re.sub(r"\s+AUTOINCREMENT\b", "", cursor.fetchone()[0], flags=re.IGNORECASE)
    cursor.execute(f'DROP TABLE "{table}"')
    cursor.execute(definition)


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
    per term rather than a scan of every posting), for spelling correction.

    The walk goes over the terms of both languages, since the term leads the B-tree: asking for
    the next term *in this language* would read past every posting of the other language's terms
    in between (after the last English term, the whole Korean index). Each term found is then
    checked for a posting in the language, one more probe."""
    table = SearchTerm._meta.db_table
    sql = f"""
        WITH RECURSIVE walk(term) AS (
            SELECT MIN(term) FROM {table}
            UNION ALL
            SELECT (SELECT MIN(term) FROM {table} WHERE term > walk.term)
            FROM walk WHERE walk.term IS NOT NULL
        )
        SELECT term FROM walk
        WHERE term IS NOT NULL
          AND EXISTS (SELECT 1 FROM {table} AS posting WHERE posting.term = walk.term AND posting.language = %s)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [language])
        return [row[0] for row in cursor.fetchall()]
