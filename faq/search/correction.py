"""Spelling correction: "did you mean 환불?" for 환뷸, from the index's own vocabulary.

A query word that finds little is compared with every term the index holds, jamo by jamo for
Hangul (환뷸 and 환불 differ in one vowel: ㅠ for ㅜ) and letter by letter for Latin, allowing one
edit for short words and two for long ones (a swap of neighbours counts as one: passwrod). Of the
nearest terms the most frequent wins, and only if it is found in more articles than the word typed.

Candidates come from a symmetric-delete table (SymSpell's idea): every vocabulary term is filed
under itself and each of its forms with one (long terms: two) letters deleted, so a query word's own
deletions meet them in a dict lookup instead of a comparison with each of thousands of terms. The
table is built once per process and language and rebuilt after VOCABULARY_SECONDS, so new words
become corrections within minutes without every article save costing a rebuild.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from itertools import combinations

from faq.search.index import index_version, vocabulary
from helpcenter.korean import to_jamo
from helpcenter.text_analysis import (
    COMPLAINT_VERBS,
    TOKEN,
    WEAK_TERMS,
    english_term,
    hangul_terms,
    is_hangul,
    korean_stem,
)

VOCABULARY_SECONDS = 600
VOCABULARY_MIN_SECONDS = 30  # after the index changed, rebuilt at most this often
FINDS_ENOUGH = 3  # a word found in this many articles is never corrected


def allowed_edits(word: str) -> int:
    """One edit for short words, two for long ones; none for words too short to guess at."""
    if is_hangul(word):
        return 0 if len(word) < 2 else 1 if len(word) == 2 else 2
    if not (word.isascii() and word.isalpha()):
        return 0
    return 0 if len(word) < 4 or len(word) > 30 else 1 if len(word) < 7 else 2


def _deletions(spelling: str, most: int) -> set[str]:
    forms = {spelling}
    for count in range(1, min(most, len(spelling) - 1) + 1):
        for positions in combinations(range(len(spelling)), count):
            forms.add("".join(ch for i, ch in enumerate(spelling) if i not in positions))
    return forms


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours), or limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


class Speller:
    """The vocabulary of one language, filed by deletions."""

    def __init__(self, terms: list[str], version: str = "") -> None:
        self.built_at = time.monotonic()
        self.version = version
        self.spelling: dict[str, str] = {}  # term → its letters (jamo for Hangul)
        self.by_deletion: dict[str, list[str]] = {}
        for term in terms:
            if not term or allowed_edits(term) == 0:
                continue
            if is_hangul(term) and not all(is_hangul(ch) for ch in term):
                continue
            letters = to_jamo(term) if is_hangul(term) else term
            self.spelling[term] = letters
            for form in _deletions(letters, allowed_edits(term)):
                self.by_deletion.setdefault(form, []).append(term)

    def near(self, word: str) -> dict[str, int]:
        """Vocabulary terms within the edits allowed for this word, with their distance."""
        most = allowed_edits(word)
        if most == 0:
            return {}
        letters = to_jamo(word) if is_hangul(word) else word
        found: dict[str, int] = {}
        for form in _deletions(letters, most):
            for term in self.by_deletion.get(form, ()):
                if term != word and term not in found and is_hangul(term) == is_hangul(word):
                    distance = edit_distance(letters, self.spelling[term], most)
                    if distance <= most:
                        found[term] = distance
        return found


_spellers: dict[str, Speller] = {}
_lock = threading.Lock()


def _stale(current: Speller | None, version: str) -> bool:
    if current is None:
        return True
    age = time.monotonic() - current.built_at
    return age > VOCABULARY_SECONDS or (current.version != version and age > VOCABULARY_MIN_SECONDS)


def speller(language: str) -> Speller:
    version = index_version()
    if _stale(_spellers.get(language), version):
        with _lock:
            if _stale(_spellers.get(language), version):
                _spellers[language] = Speller(vocabulary(language), version)
    return _spellers[language]


def forget_vocabulary() -> None:
    _spellers.clear()


@dataclass(frozen=True)
class Correction:
    typed: str  # the word as the query's analysis saw it (its stem)
    meant: str  # the vocabulary term searched instead
    token: str  # the word as typed, particle and all
    replacement: str  # what the token becomes in the corrected query text


def _maybe_verb(stem: str) -> bool:
    """받고, 받아: a one-syllable verb and its ending, searched as both readings, not a misspelling."""
    return len(stem) == 2 and len(hangul_terms(stem)) > 1


def word_terms(text: str, known: list[str] = ()) -> list[tuple[str, str]]:
    """(token, the term spelling correction compares) for each word of a query worth correcting;
    words inside a `known` phrase (a synonym the help center defined) are never corrected."""
    words = []
    for token in TOKEN.findall(text.lower()):
        if any(token in phrase or phrase in token for phrase in known):
            continue
        if is_hangul(token):
            stem = korean_stem(token)
            if len(stem) >= 2 and stem not in WEAK_TERMS and stem not in COMPLAINT_VERBS and not _maybe_verb(stem):
                words.append((token, stem))
        elif token.isascii() and token.isalpha():
            term = english_term(token)
            if term and len(term) >= 4 and term not in WEAK_TERMS:
                words.append((token, term))
    return words


def corrections(text: str, language: str, frequencies, known: list[str] = ()) -> list[Correction]:
    """The corrections of a query's words that find too little. `frequencies(language, terms)` gives
    how many articles hold each term (the ranking's cached counter)."""
    words = word_terms(text, known)
    if not words:
        return []
    counts = frequencies(language, [term for _token, term in words])
    vocabulary_terms = speller(language)
    near = {(token, term): vocabulary_terms.near(term) for token, term in words if counts.get(term, 0) < FINDS_ENOUGH}
    # One count of every candidate of every word: a query's cost does not grow with its misspellings.
    candidate_counts = frequencies(language, sorted({c for candidates in near.values() for c in candidates}))
    found: list[Correction] = []
    for (token, term), candidates in near.items():
        if not candidates:
            continue
        best = min(candidates, key=lambda c: (candidates[c], -candidate_counts.get(c, 0), c))
        if candidate_counts.get(best, 0) <= counts.get(term, 0):
            continue
        replacement = token.replace(term, best, 1) if term in token else best
        found.append(Correction(typed=term, meant=best, token=token, replacement=replacement))
    return found


def corrected_text(text: str, found: list[Correction]) -> str:
    for correction in found:
        text = text.replace(correction.token, correction.replacement, 1)
    return text
