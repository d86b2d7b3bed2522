"""Ranking: how a query is understood and which articles answer it, best first.

tf·idf with field weights over each term's heaviest postings. What the customer typed counts fully;
a synonym, a keyboard reading or a spelling correction a little less; words that only say how the
customer asks (안, 왜, 어떻게, 싶어요, please) very little, so they never decide a ranking.

A query is answered in the page's language first. Korean typed on the English page (Hangul, ㅎㅂ,
or ghksqnf from a keyboard left in English mode) is answered from the Korean articles, and English
that finds nothing on the Korean page from the English ones; Answer.language says which, so the
page can label it.
"""

from __future__ import annotations

import html
import math
import re
import time
from dataclasses import dataclass, field

from django.db import connection
from django.utils.safestring import SafeString

from faq.models import Article, ArticleTranslation, Category, DocumentFrequency, SearchTerm, Synonym
from faq.search.correction import corrected_text, corrections
from faq.search.index import document_count, index_version
from faq.snippets import highlight, snippet
from helpcenter.korean import from_english_keyboard, is_initials_query
from helpcenter.pagecache import current_generation
from helpcenter.text_analysis import (
    COMPLAINT,
    TOKEN,
    WEAK_TERMS,
    WHOLE_WORD_SYLLABLES,
    analyse,
    is_hangul,
    normalise,
    surface_words,
)

EXPANSION_WEIGHT = 0.8  # a synonym or keyboard reading counts a little less than what was typed
CORRECTION_WEIGHT = 0.9
COMPLAINT_WEIGHT = 1.0  # "it doesn't work" counts like any word the customer chose
WEAK_WEIGHT = 0.1
WHOLE_WORD_WEIGHT = 0.3
LANGUAGES = ("ko", "en")
SYNONYMS_SECONDS = 3600  # a safety net only: every edit moves the content generation on

# Each term contributes at most its POSTINGS_PER_TERM heaviest postings, read in weight order from
# the index. On a help center's few hundred articles that is every posting (exact ranking); on a
# huge corpus a word found in half the articles costs a bounded read instead of a scan of half the
# index, and an article outside every term's heaviest postings would not have ranked high anyway.
POSTINGS_PER_TERM = 1000


class _Lexicon:
    """The synonym table as this process matches it: every phrase prepared once, so a query looks
    only at the Latin phrases whose first word it contains (of hundreds) and at compacted Korean ones."""

    def __init__(self, pairs: list[tuple[str, str]], version: str) -> None:
        self.pairs = pairs
        self.version = version
        self.loaded_at = time.monotonic()
        self.korean: list[tuple[str, int]] = []  # (phrase without spaces, position in pairs)
        self.latin_by_first_word: dict[str, list[tuple[re.Pattern[str], int]]] = {}
        self.latin_other: list[tuple[re.Pattern[str], int]] = []
        for position, (typed, _meant) in enumerate(pairs):
            if _HANGUL.search(typed):
                # Korean is matched inside words and across spaces: 비번찾기 and 비번 찾기 both mention 비번.
                self.korean.append((typed.replace(" ", ""), position))
                continue
            pattern = re.compile(rf"(?<![a-z0-9]){re.escape(typed)}(?![a-z0-9])")
            first = _LATIN_WORD.match(typed)
            if first:
                # A match starts where the query has a word of its own equal to this one.
                self.latin_by_first_word.setdefault(first.group(0), []).append((pattern, position))
            else:
                self.latin_other.append((pattern, position))

    def mentioned(self, query: str) -> list[tuple[str, str]]:
        """The (typed, meant) pairs whose typed phrase the query mentions, in the table's order."""
        compact = query.replace(" ", "")
        found = [position for phrase, position in self.korean if phrase in compact]
        for word in set(_LATIN_WORD.findall(query)):
            found.extend(
                position for pattern, position in self.latin_by_first_word.get(word, ()) if pattern.search(query)
            )
        found.extend(position for pattern, position in self.latin_other if pattern.search(query))
        return [self.pairs[position] for position in sorted(found)]


_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_lexicon: _Lexicon | None = None


def _current_lexicon() -> _Lexicon:
    """The synonyms, loaded once per process and again when the content generation has moved on:
    a synonym's save or delete moves it (in the database), so every server process, whatever its
    cache, searches with the edit from its next query."""
    global _lexicon
    version = str(current_generation())
    current = _lexicon
    if current is None or current.version != version or time.monotonic() - current.loaded_at > SYNONYMS_SECONDS:
        pairs = []
        for synonym in Synonym.objects.all():
            term, target = normalise(synonym.term), normalise(synonym.expands_to)
            pairs.append((term, target))
            if synonym.bidirectional:
                pairs.append((target, term))
        current = _lexicon = _Lexicon(pairs, version)
    return current


def forget_synonyms() -> None:
    global _lexicon
    _lexicon = None


def _weight_of(term: str, weight: float) -> float:
    if len(term) >= WHOLE_WORD_SYLLABLES and is_hangul(term):
        # The whole word adds to its bigrams' score, not a second full vote for the same word.
        return weight * WHOLE_WORD_WEIGHT
    if term in WEAK_TERMS:
        return min(weight, WEAK_WEIGHT)
    if term == COMPLAINT:
        return min(weight, COMPLAINT_WEIGHT)
    return weight


@dataclass
class ParsedQuery:
    text: str
    language: str
    terms: dict[str, float] = field(default_factory=dict)  # term → how much the query cares
    highlight_words: list[str] = field(default_factory=list)
    synonyms_mentioned: list[str] = field(default_factory=list)  # the lexicon's phrases found in the text

    def add(self, terms: list[str], weight: float) -> None:
        for term in terms:
            self.terms[term] = max(self.terms.get(term, 0.0), _weight_of(term, weight))

    def add_text(self, text: str, weight: float) -> None:
        self.add(analyse(text), weight)
        self.highlight_words.extend(surface_words(text))


def parse_query(text: str, language: str) -> ParsedQuery:
    query = ParsedQuery(text=normalise(text), language=language)
    if not query.text:
        return query
    if is_initials_query(query.text):
        compact = query.text.replace(" ", "")
        query.add([compact], 1.0)
        if len(compact) > 2:
            query.add([compact[i : i + 2] for i in range(len(compact) - 1)], 0.5)
        return query

    query.add_text(query.text, 1.0)
    if language == "ko":
        korean = from_english_keyboard(text.strip())
        if korean:
            query.add_text(korean, 1.0)

    for typed, meant in _current_lexicon().mentioned(query.text):
        query.synonyms_mentioned.append(typed)
        query.add_text(meant, EXPANSION_WEIGHT)
    return query


def _union_all(selects: list[str]) -> str:
    # Every member is wrapped so its own ORDER BY/LIMIT is allowed, on SQLite and PostgreSQL alike.
    return " UNION ALL ".join(f"SELECT * FROM ({select}) AS part{i}" for i, select in enumerate(selects))


# Document frequencies this process has read, for the index version they were read in: a query's
# terms are mostly the same few thousand words, and a dict read saves the round trip.
_local_frequencies: dict[tuple[str, str], int] = {}
_local_frequencies_version = ""
LOCAL_FREQUENCIES_MAX = 50_000
FREQUENCIES_PER_QUERY = 500  # terms looked up per statement, well under SQLite's bound parameters


def document_frequencies(language: str, terms: list[str]) -> dict[str, int]:
    """How many articles hold each term, kept beside the index (DocumentFrequency) and read once
    per process until the index changes. Exact: a cap made every common word weigh the same, so
    결제 outweighed the telling word beside it."""
    global _local_frequencies, _local_frequencies_version
    if not terms:
        return {}
    version = index_version()
    if version != _local_frequencies_version or len(_local_frequencies) > LOCAL_FREQUENCIES_MAX:
        _local_frequencies, _local_frequencies_version = {}, version
    local = _local_frequencies
    missing = [term for term in terms if (language, term) not in local]
    if missing:
        # One indexed lookup per term, whatever the number of its postings.
        read: dict[str, int] = {}
        with connection.cursor() as cursor:
            for start in range(0, len(missing), FREQUENCIES_PER_QUERY):
                batch = missing[start : start + FREQUENCIES_PER_QUERY]
                cursor.execute(
                    f"SELECT term, documents FROM {DocumentFrequency._meta.db_table} "
                    f"WHERE language = %s AND term IN ({', '.join(['%s'] * len(batch))})",
                    [language, *batch],
                )
                read.update(cursor.fetchall())
        for term in missing:
            local[language, term] = read.get(term, 0)
    return {term: local[language, term] for term in terms}


def ranked_article_ids(query: ParsedQuery, category_id: int | None = None, limit: int = 200) -> list[int]:
    """Article ids best first: tf·idf over each term's heaviest postings, two indexed queries."""
    if not query.terms:
        return []
    frequencies = {t: df for t, df in document_frequencies(query.language, list(query.terms)).items() if df}
    if not frequencies:
        return []
    total = max(document_count(query.language), 1)
    table = SearchTerm._meta.db_table
    selects, params = [], []
    for term, df in frequencies.items():
        idf = math.log(1.0 + (total - df + 0.5) / (df + 0.5))  # BM25's idf: never negative
        in_category = " AND category_id_copy = %s" if category_id is not None else ""
        selects.append(
            f"SELECT article_id, weight * %s AS score FROM {table} WHERE language = %s AND term = %s{in_category} "
            f"ORDER BY weight DESC LIMIT {POSTINGS_PER_TERM}"
        )
        params += [idf * query.terms[term], query.language, term] + ([category_id] if category_id is not None else [])
    # Summed and sorted by the database: only the `limit` best rows come back to Python, not up to
    # POSTINGS_PER_TERM for every term.
    sql = (
        f"SELECT article_id, SUM(score) AS total FROM ({_union_all(selects)}) AS postings "
        f"GROUP BY article_id ORDER BY total DESC, article_id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [article_id for article_id, _total in cursor.fetchall()]


def _looks_korean(text: str) -> bool:
    return bool(re.search(r"[\uac00-\ud7a3\u3131-\u3163]", text))


def _other_language(text: str, language: str) -> str | None:
    """The language a query that found nothing may have been meant in."""
    if language == "en" and from_english_keyboard(text):
        return "ko"
    if language == "ko" and not _looks_korean(text) and TOKEN.search(text):
        return "en"
    return None


@dataclass
class Answer:
    """What a search found, and how it understood the query."""

    typed: str  # the query as typed, normalised
    page_language: str
    query: ParsedQuery  # what was searched; query.language is the articles' language
    ids: list[int]
    corrected: str | None = None  # the corrected query, searched too, when a word found too little

    @property
    def language(self) -> str:
        return self.query.language

    @property
    def from_other_language(self) -> bool:
        return self.query.language != self.page_language


def answer(text: str, language: str, category_id: int | None = None, limit: int = 200, correct: bool = True) -> Answer:
    """Rank the articles that answer a query, in the page's language or the one it was typed in,
    with misspelt words corrected unless `correct` is off."""
    if language == "en" and _looks_korean(text):
        language_asked, language = language, "ko"  # Korean typed on the English page: the Korean articles
    else:
        language_asked = language
    query = parse_query(text, language)
    ids = ranked_article_ids(query, category_id=category_id, limit=limit)
    if not ids and query.text:
        other = _other_language(text.strip(), language)
        if other:
            other_query = parse_query(text, other)
            other_ids = ranked_article_ids(other_query, category_id=category_id, limit=limit)
            if other_ids or _looks_korean(query.text):
                query, ids = other_query, other_ids
    result = Answer(typed=query.text, page_language=language_asked, query=query, ids=ids)
    if correct and query.text and not is_initials_query(query.text):
        found = corrections(query.text, query.language, document_frequencies, query.synonyms_mentioned)
        if found:
            for correction in found:
                query.add_text(correction.meant, CORRECTION_WEIGHT)
            result.corrected = corrected_text(query.text, found)
            result.ids = ranked_article_ids(query, category_id=category_id, limit=limit)
    return result


@dataclass
class Hit:
    article: Article
    translation: ArticleTranslation
    score: float
    title_html: SafeString
    snippet_html: SafeString

    @property
    def url(self) -> str:
        return self.translation.get_absolute_url()

    @property
    def snippet_text(self) -> str:
        return html.unescape(re.sub(r"</?mark>", "", self.snippet_html))


def search(
    text: str, language: str, category_id: int | None = None, limit: int = 10, correct: bool = True
) -> list[Hit]:
    """Published articles that answer the query, best first, with snippets."""
    found = answer(text, language, category_id=category_id, limit=limit, correct=correct)
    return hits_for(found.ids, found.query)


def hits_for(ids: list[int], query: ParsedQuery) -> list[Hit]:
    by_article = _hit_translations(ids, query.language)
    hits = []
    for position, article_id in enumerate(ids):
        item = by_article.get(article_id)
        if item is None:
            continue
        hits.append(
            Hit(
                article=item.article,
                translation=item,
                score=float(len(ids) - position),
                title_html=highlight(item.title, query.highlight_words),
                snippet_html=snippet(item.body, query.highlight_words),
            )
        )
    return hits


# What a hit shows, read for each of its three models; every other field is left deferred (read
# on first access, as .only() would). None of these needs a database converter (no dates, no
# booleans), so the raw rows are the fields' values on SQLite and PostgreSQL alike.
_HIT_FIELDS = (
    (ArticleTranslation, "t", ("id", "article_id", "language", "title", "body")),
    (Article, "a", ("id", "slug", "category_id", "status")),
    (Category, "c", ("id", "slug", "name_ko", "name_en")),
)


def _hit_translations(ids: list[int], language: str) -> dict[int, ArticleTranslation]:
    """The translations in this language of these articles, each with its article and category, in
    one query, without the rendered page (body_html): a hit shows its title and a snippet of the
    body, and ten rendered bodies were most of the bytes this query read and sent.

    Raw SQL made into the models' own instances (Model.from_db, as the ORM does): the queryset's
    filter, select_related and compilation cost more than the query itself, 2.4 ms at the median
    of the benchmark's searches against 1.2 ms this way."""
    if not ids:
        return {}
    columns = [
        f'{alias}."{model._meta.get_field(name).column}"' for model, alias, names in _HIT_FIELDS for name in names
    ]
    sql = (
        f"SELECT {', '.join(columns)} FROM {ArticleTranslation._meta.db_table} AS t "
        f'JOIN {Article._meta.db_table} AS a ON a."id" = t."article_id" '
        f'JOIN {Category._meta.db_table} AS c ON c."id" = a."category_id" '
        f'WHERE t."language" = %s AND t."article_id" IN ({", ".join(["%s"] * len(ids))})'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [language, *ids])
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        instances, start = [], 0
        for model, _alias, names in _HIT_FIELDS:
            instances.append(model.from_db(connection.alias, names, row[start : start + len(names)]))
            start += len(names)
        translation, article, category = instances
        article.category = category
        translation.article = article
        found[translation.article_id] = translation
    return found
