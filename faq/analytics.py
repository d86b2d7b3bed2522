"""What people search for, counted without who: the help center's list of missing answers.

Failing queries (nothing found, or results nobody opens) are shown in the admin with the articles
an agent could map them to; one click there adds a synonym from the query to a word of the article.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.db.models import F, Prefetch
from django.utils import timezone

from faq.models import Article, ArticleTranslation, SearchQueryStat, Synonym
from faq.search import normalise, search
from helpcenter.korean import strip_particle, to_jamo

CANDIDATES_PER_QUERY = 3
WORDS_PER_CANDIDATE = 4
# How alike (0–1, letter by letter, Hangul split into jamo) a query word and an article's word
# must be to offer that article for a query that found nothing: 환뷸 ~ 환불 is 0.83, 노래 ~ 음악 is 0,
# and 가라오케 ~ 강제 (0.62) must not count.
NEAR_WORD_RATIO = 0.75
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def record_search(text: str, language: str, result_count: int) -> None:
    """Count a search by its normalised text; nothing about who searched is kept."""
    query = normalise(text)
    if not query:
        return
    now = timezone.now()
    zero = 1 if result_count == 0 else 0
    updated = SearchQueryStat.objects.filter(query=query, language=language).update(
        searches=F("searches") + 1,
        last_result_count=result_count,
        zero_result_searches=F("zero_result_searches") + zero,
        last_searched_at=now,
    )
    if not updated:
        stat, created = SearchQueryStat.objects.get_or_create(
            query=query,
            language=language,
            defaults={"searches": 1, "last_result_count": result_count, "zero_result_searches": zero},
        )
        if not created:  # someone else created it between our UPDATE and INSERT
            record_search(text, language, result_count)


def record_result_opened(text: str, language: str) -> None:
    """A visitor opened an article from this query's results. Only queries already counted are
    touched, so a hand-made link cannot add rows."""
    query = normalise(text)
    if query:
        SearchQueryStat.objects.filter(query=query, language=language).update(results_opened=F("results_opened") + 1)


@dataclass
class Candidate:
    """An article a failing query could be mapped to, and the words of it a synonym could point at."""

    article: Article
    title: str
    words: list[str] = field(default_factory=list)
    because: str = ""  # "results" (shown but not opened) or the article word the query resembles


def _same_script(word: str, query: str) -> bool:
    return bool(_HANGUL.search(word)) == bool(_HANGUL.search(query))


def mappable_words(article: Article, translation: ArticleTranslation, query: str) -> list[str]:
    """Words of the article a query may be mapped to, in the query's script: its tags (those its
    title uses first: they say what the article is about), then the words of its title."""
    title = translation.title.lower()
    tags = sorted((tag.name.lower() for tag in article.tags.all()), key=lambda tag: (tag not in title, tag))
    words = tags + [strip_particle(word) for word in re.findall(r"[\w-]+", title)]
    unique = []
    for word in words:
        if len(word) > 1 and word not in unique and word != query and _same_script(word, query):
            unique.append(word)
    return unique


def _published(language: str):
    return (
        Article.objects.published()
        .filter(translations__language=language)
        .prefetch_related(
            "tags", Prefetch("translations", queryset=ArticleTranslation.objects.filter(language=language))
        )
    )


class Vocabulary:
    """The published articles of one language with their mappable words, read once per analytics page."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.articles = [(article, article.translations.all()[0]) for article in _published(language)]

    def choices(self) -> list[tuple[int, str]]:
        """(id, title) of every article, for mapping by hand."""
        return sorted(((article.pk, translation.title) for article, translation in self.articles), key=lambda c: c[1])

    def resembling(self, query: str, limit: int) -> list[Candidate]:
        typed_words = [to_jamo(strip_particle(word)) for word in query.split()]
        best: dict[int, tuple[float, str, Article, ArticleTranslation]] = {}
        for article, translation in self.articles:
            tags = {tag.name.lower() for tag in article.tags.all()}
            for word in mappable_words(article, translation, query):
                matcher = difflib.SequenceMatcher(None, "", to_jamo(word))  # b is the side difflib caches
                for typed in typed_words:
                    matcher.set_seq1(typed)
                    if matcher.real_quick_ratio() < NEAR_WORD_RATIO or matcher.quick_ratio() < NEAR_WORD_RATIO:
                        continue
                    # An exact tag says more than a title word; then the more read article.
                    ratio = matcher.ratio() + (0.01 if word in tags else 0.0)
                    if ratio >= NEAR_WORD_RATIO and ratio > best.get(article.pk, (0.0,))[0]:
                        best[article.pk] = (ratio, word, article, translation)
        ranked = sorted(best.values(), key=lambda item: (-item[0], -item[2].view_count, item[2].slug))[:limit]
        candidates = []
        for _ratio, word, article, translation in ranked:
            words = [word] + [other for other in mappable_words(article, translation, query) if other != word]
            candidates.append(Candidate(article, translation.title, words[:WORDS_PER_CANDIDATE], word))
        return candidates


def candidate_articles(
    stat: SearchQueryStat, vocabulary: Vocabulary | None = None, limit: int = CANDIDATES_PER_QUERY
) -> list[Candidate]:
    """The articles an agent could map a failing query to.

    A query whose results nobody opens gets its current results; a query that finds nothing gets
    the articles whose words it resembles letter by letter (a slip, another spelling). A word
    nothing resembles (노래 for 음악) gets none: the agent picks the article from the full list.
    """
    # Judged on the words as typed: a slip the engine corrects is still worth a synonym, and its
    # resemblance ("환뷸" looks like "환불") tells the agent why better than corrected results do.
    hits = search(stat.query, stat.language, limit=limit, correct=False)
    if hits:
        return [
            Candidate(
                hit.article,
                hit.translation.title,
                mappable_words(hit.article, hit.translation, stat.query)[:WORDS_PER_CANDIDATE],
                "results",
            )
            for hit in hits
        ]
    return (vocabulary or Vocabulary(stat.language)).resembling(stat.query, limit)


class MappingError(ValueError):
    """The chosen article or word cannot take this query; the message says why, for the agent."""


def map_query_to_article(stat: SearchQueryStat, article_id: int, word: str | None) -> Synonym:
    """One click in the analytics: searching the query now also searches the article's word.

    Without a word, the article's first mappable word is used (its main tag).
    """
    article = _published(stat.language).filter(pk=article_id).first()
    if article is None:
        raise MappingError("unknown article")
    translation = article.translations.all()[0]
    words = mappable_words(article, translation, stat.query)
    if word is None:
        if not words:
            raise MappingError("no word")
        word = words[0]
    elif word not in words:
        raise MappingError("not a word of the article")
    synonym, _created = Synonym.objects.get_or_create(
        term=stat.query[:100],
        expands_to=word,
        defaults={
            "origin": Synonym.Origin.ANALYTICS,
            "note": f"From search analytics: {stat.searches} searches; answered by “{translation.title}”."[:300],
        },
    )
    # The outcome shown in the analytics is the query's outcome from now on.
    stat.last_result_count = len(search(stat.query, stat.language, limit=10))
    stat.save(update_fields=["last_result_count"])
    return synonym
