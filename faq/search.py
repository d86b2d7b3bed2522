"""FAQ search: how articles are indexed, how a query is understood, and how hits are ranked.

Why character bigrams: Korean glues particles and endings to words (환불을, 환불은) and customers
often leave spaces out (비밀번호재설정). After the common particles are stripped, every Hangul word
is indexed as its overlapping two-syllable pieces (환불 → 환불; 비밀번호 → 비밀 밀번 번호), the way
Lucene's CJK analyser does, so a query matches whatever spacing it was typed with. English words
are stemmed with Snowball (refunds → refund). Titles weigh more than tags, tags more than bodies.

Two habits of Korean users are understood too: typing only initial consonants (ㅎㅂ for 환불),
matched against the initials of title and tag words, and typing Korean with the keyboard left in
English mode (ghksqnf for 환불), turned back into Hangul before searching.

The index is one table (SearchTerm) with a B-tree on (language, term): a query reads only the
postings of its own terms, on SQLite and PostgreSQL alike. Ranking is tf·idf with field weights.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import snowballstemmer
from django.core.cache import cache
from django.db import connection, transaction
from django.utils.safestring import SafeString

from faq.markdown import plain_text
from faq.models import Article, ArticleTranslation, SearchTerm, Synonym
from faq.snippets import highlight, snippet
from helpcenter.korean import (
    from_english_keyboard,
    initial_consonants,
    is_initials_query,
    strip_particle,
)

TITLE_WEIGHT = 4.0
TAG_WEIGHT = 2.5
BODY_WEIGHT = 1.0
INITIALS_WEIGHT = 1.5
EXPANSION_WEIGHT = 0.8  # a synonym or keyboard reading counts a little less than what was typed
MAX_TERM_LENGTH = 64
MAX_QUERY_LENGTH = 200

_TOKEN = re.compile(r"[\uac00-\ud7a3]+|[a-z0-9]+(?:'[a-z]+)?|[\u3131-\u314e]+")
_ENGLISH_STOPWORDS = frozenset(
    "a an and are as at be but by can do does for from has have how i if in into is it its my no not of on or "
    "our so than that the their then there these they this to was we what when where which who why will with "
    "you your me am been being did doing".split()
)
_stemmer = snowballstemmer.stemmer("english")
_SYNONYM_CACHE_KEY = "faq:synonyms:v1"
_DOC_COUNT_CACHE_KEY = "faq:doc-count:{language}"


# ---------------------------------------------------------------------------------------------
# Analysis: text → terms


def normalise(text: str) -> str:
    """The form a query is logged and matched in: lower case, single spaces, no edge punctuation."""
    # NUL and other control characters mean nothing in a query (and PostgreSQL refuses NUL).
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text or "")
    text = re.sub(r"\s+", " ", text.strip().lower())
    return text[:MAX_QUERY_LENGTH]


def _hangul_terms(word: str) -> list[str]:
    stem = strip_particle(word)
    if len(stem) >= 3:
        stem = strip_particle(stem)  # 환불은요 → 환불은 → 환불
    if len(stem) == 1:
        return [stem]
    terms = [stem[i : i + 2] for i in range(len(stem) - 1)]
    if len(stem) == 2:
        # A two-syllable word may be a one-syllable noun and its particle (앱이, 돈을): keep both readings.
        shorter = strip_particle(stem)
        if len(shorter) == 1:
            terms.append(shorter)
    return terms


def _english_terms(word: str) -> list[str]:
    if word in _ENGLISH_STOPWORDS:
        return []
    word = word.replace("'", "")
    if word.isdigit():
        return [word]
    return [_stemmer.stemWord(word)]


def analyse(text: str) -> list[str]:
    """Every term of a text, repeated as often as it occurs (term frequency matters)."""
    terms: list[str] = []
    for token in _TOKEN.findall((text or "").lower()):
        first = token[0]
        if "\uac00" <= first <= "\ud7a3":
            terms.extend(_hangul_terms(token))
        elif "\u3131" <= first <= "\u314e":
            terms.append(token)
        else:
            terms.extend(_english_terms(token))
    return [term[:MAX_TERM_LENGTH] for term in terms if term]


def initials_terms(text: str) -> list[str]:
    """Initial-consonant terms of title and tag words: 비밀번호 → ㅂㅁㅂㅎ and its pairs ㅂㅁ ㅁㅂ ㅂㅎ."""
    terms: list[str] = []
    for word in re.findall(r"[\uac00-\ud7a3]+", text or ""):
        stem = strip_particle(word)
        initials = initial_consonants(stem)
        if len(initials) >= 2:
            terms.append(initials)
            if len(initials) > 2:
                terms.extend(initials[i : i + 2] for i in range(len(initials) - 1))
    return terms


def _weights_for(translation: ArticleTranslation, tags: list[str]) -> dict[str, float]:
    weights: dict[str, float] = {}

    def add(terms: list[str], field_weight: float) -> None:
        counts: dict[str, int] = {}
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
        for term, count in counts.items():
            # 1 + log(tf): the tenth mention of a word says much less than the first.
            weights[term] = weights.get(term, 0.0) + field_weight * (1.0 + math.log(count))

    tag_text = " ".join(tags)
    add(analyse(translation.title), TITLE_WEIGHT)
    add(analyse(tag_text), TAG_WEIGHT)
    add(analyse(plain_text(translation.body)), BODY_WEIGHT)
    add(initials_terms(translation.title + " " + tag_text), INITIALS_WEIGHT)
    return weights


# ---------------------------------------------------------------------------------------------
# Indexing


def postings_for(article: Article) -> list[SearchTerm]:
    """The index rows of one article: none unless it is published."""
    if not article.is_published:
        return []
    tags = [tag.name for tag in article.tags.all()]
    rows = []
    for item in article.translations.all():
        for term, weight in _weights_for(item, tags).items():
            rows.append(
                SearchTerm(
                    language=item.language,
                    term=term,
                    article_id=article.pk,
                    category_id_copy=article.category_id,
                    weight=round(weight, 4),
                )
            )
    return rows


_deferred = threading.local()


@contextmanager
def indexing_deferred():
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
    article = Article.objects.filter(pk=article_id).first()
    if article is not None:
        index_article(article)
    else:
        SearchTerm.objects.filter(article_id=article_id).delete()


def index_article(article: Article) -> None:
    """Bring one article's index rows in step with its current content and status."""
    with transaction.atomic():
        SearchTerm.objects.filter(article_id=article.pk).delete()
        SearchTerm.objects.bulk_create(postings_for(article), batch_size=1000)
    forget_document_counts()


def rebuild_index() -> int:
    """Re-index every article; returns how many published articles were indexed."""
    articles = Article.objects.published().prefetch_related("translations", "tags")
    count = 0
    with transaction.atomic():
        SearchTerm.objects.all().delete()
        batch: list[SearchTerm] = []
        for article in articles.iterator(chunk_size=500):
            batch.extend(postings_for(article))
            count += 1
            if len(batch) >= 5000:
                SearchTerm.objects.bulk_create(batch, batch_size=1000)
                batch = []
        SearchTerm.objects.bulk_create(batch, batch_size=1000)
    forget_document_counts()
    return count


def forget_document_counts() -> None:
    """The index changed: article counts and document frequencies are counted afresh."""
    cache.delete_many([_DOC_COUNT_CACHE_KEY.format(language=code) for code in ("ko", "en")] + [_INDEX_VERSION_KEY])


def _document_count(language: str) -> int:
    key = _DOC_COUNT_CACHE_KEY.format(language=language)
    count = cache.get(key)
    if count is None:
        count = ArticleTranslation.objects.filter(language=language, article__status=Article.Status.PUBLISHED).count()
        cache.set(key, count, 300)
    return count


# ---------------------------------------------------------------------------------------------
# Queries


def _synonyms() -> list[tuple[str, str]]:
    """(typed, meant) pairs, both directions of a two-way synonym included; cached until edited."""
    pairs = cache.get(_SYNONYM_CACHE_KEY)
    if pairs is None:
        pairs = []
        for synonym in Synonym.objects.all():
            term, target = normalise(synonym.term), normalise(synonym.expands_to)
            pairs.append((term, target))
            if synonym.bidirectional:
                pairs.append((target, term))
        cache.set(_SYNONYM_CACHE_KEY, pairs, 60)  # short: other processes see edits within a minute
    return pairs


def forget_synonyms() -> None:
    cache.delete(_SYNONYM_CACHE_KEY)


def _mentions(query: str, phrase: str) -> bool:
    if re.search(r"[\uac00-\ud7a3]", phrase):
        # Korean is matched inside words: 비번찾기 mentions 비번.
        return phrase in query or phrase.replace(" ", "") in query.replace(" ", "")
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", query) is not None


@dataclass
class ParsedQuery:
    text: str
    language: str
    terms: dict[str, float] = field(default_factory=dict)  # term → how much the query cares
    highlight_words: list[str] = field(default_factory=list)

    def add(self, terms: list[str], weight: float) -> None:
        for term in terms:
            self.terms[term] = max(self.terms.get(term, 0.0), weight)


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

    query.add(analyse(query.text), 1.0)
    query.highlight_words.extend(_surface_words(query.text))

    if language == "ko":
        korean = from_english_keyboard(text.strip())
        if korean:
            query.add(analyse(korean), 1.0)
            query.highlight_words.extend(_surface_words(korean))

    for typed, meant in _synonyms():
        if _mentions(query.text, typed):
            query.add(analyse(meant), EXPANSION_WEIGHT)
            query.highlight_words.extend(_surface_words(meant))
    return query


def _surface_words(text: str) -> list[str]:
    words = []
    for token in _TOKEN.findall(text.lower()):
        if "\uac00" <= token[0] <= "\ud7a3":
            stem = strip_particle(token)
            words.append(stem)
            if len(stem) > 2:
                words.extend(stem[i : i + 2] for i in range(len(stem) - 1))
        elif token not in _ENGLISH_STOPWORDS and len(token) > 1:
            words.append(_stemmer.stemWord(token))
    return words


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


# Each term contributes at most its POSTINGS_PER_TERM heaviest postings, read in weight order from
# the index. On a help center's few hundred articles that is every posting (exact ranking); on a
# huge corpus a word found in half the articles costs a bounded read instead of a scan of half the
# index, and an article outside every term's heaviest postings would not have ranked high anyway.
POSTINGS_PER_TERM = 1000
_INDEX_VERSION_KEY = "faq:index-version"


def _index_version() -> str:
    version = cache.get(_INDEX_VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.set(_INDEX_VERSION_KEY, version, None)
    return version


def _union_all(selects: list[str]) -> str:
    # Every member is wrapped so its own ORDER BY/LIMIT is allowed, on SQLite and PostgreSQL alike.
    return " UNION ALL ".join(f"SELECT * FROM ({select}) AS part{i}" for i, select in enumerate(selects))


def document_frequencies(language: str, terms: list[str]) -> dict[str, int]:
    """How many articles hold each term, cached until the index changes. Counted exactly: a cap
    made every common word weigh the same, so 결제 outweighed the telling word beside it."""
    version = _index_version()
    keys = {term: f"faq:df:{version}:{language}:{hashlib.md5(term.encode()).hexdigest()}" for term in terms}
    cached = cache.get_many(list(keys.values()))
    found = {term: cached[key] for term, key in keys.items() if key in cached}
    missing = [term for term in terms if term not in found]
    if missing:
        table = SearchTerm._meta.db_table
        selects, params = [], []
        for term in missing:
            # COUNT(*) over the index's own columns: an index-only scan on both databases.
            selects.append(f"SELECT %s AS term, COUNT(*) AS documents FROM {table} WHERE language = %s AND term = %s")
            params += [term, language, term]
        with connection.cursor() as cursor:
            cursor.execute(_union_all(selects), params)
            counted = dict(cursor.fetchall())
        cache.set_many({keys[term]: counted.get(term, 0) for term in missing}, 300)
        found.update({term: counted.get(term, 0) for term in missing})
    return found


def ranked_article_ids(query: ParsedQuery, category_id: int | None = None, limit: int = 200) -> list[int]:
    """Article ids best first: tf·idf over each term's heaviest postings, two indexed queries."""
    if not query.terms:
        return []
    frequencies = {t: df for t, df in document_frequencies(query.language, list(query.terms)).items() if df}
    if not frequencies:
        return []
    total = max(_document_count(query.language), 1)
    factors = {}
    for term, df in frequencies.items():
        idf = math.log(1.0 + (total - df + 0.5) / (df + 0.5))  # BM25's idf: never negative
        factors[term] = idf * query.terms[term]
    table = SearchTerm._meta.db_table
    selects, params = [], []
    for term in factors:
        in_category = " AND category_id_copy = %s" if category_id is not None else ""
        selects.append(
            f"SELECT article_id, term, weight FROM {table} WHERE language = %s AND term = %s{in_category} "
            f"ORDER BY weight DESC LIMIT {POSTINGS_PER_TERM}"
        )
        params += [query.language, term] + ([category_id] if category_id is not None else [])
    scores: dict[int, float] = {}
    with connection.cursor() as cursor:
        cursor.execute(_union_all(selects), params)
        for article_id, term, weight in cursor.fetchall():
            scores[article_id] = scores.get(article_id, 0.0) + weight * factors[term]
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [article_id for article_id, _score in ranked[:limit]]


def search(text: str, language: str, category_id: int | None = None, limit: int = 10) -> list[Hit]:
    """Published articles in that language that answer the query, best first, with snippets."""
    query = parse_query(text, language)
    ids = ranked_article_ids(query, category_id=category_id, limit=limit)
    return hits_for(ids, query)


def hits_for(ids: list[int], query: ParsedQuery) -> list[Hit]:
    articles = Article.objects.filter(pk__in=ids).select_related("category").prefetch_related("translations")
    by_id = {article.pk: article for article in articles}
    hits = []
    for position, article_id in enumerate(ids):
        article = by_id.get(article_id)
        item = article.translation(query.language) if article else None
        if item is None:
            continue
        hits.append(
            Hit(
                article=article,
                translation=item,
                score=float(len(ids) - position),
                title_html=highlight(item.title, query.highlight_words),
                snippet_html=snippet(item.body, query.highlight_words),
            )
        )
    return hits
