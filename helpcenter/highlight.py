"""Found words marked in text: <mark> around every place a search word occurs, and a window of a
long text around the first of them. Used by the FAQ's results and the agents' ticket search.

Everything is escaped before <mark> is added, so the text can never become markup here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

# html.escape rather than django.utils.html.escape, which wraps it (the same five characters, the
# same entities) in lazy-string and SafeString handling for every piece: a result's title and
# snippet are a dozen pieces each, and that wrapping was most of the time spent marking them.

SNIPPET_LENGTH = 160


def _pattern(words: list[str]) -> re.Pattern | None:
    return _marker(tuple(words))[0]


@lru_cache(maxsize=256)  # one query marks its words in every result's title and snippet
def _marker(words: tuple[str, ...]) -> tuple[re.Pattern | None, tuple[str, ...]]:
    """The pattern of every query word, and the words (Korean ones) found by plain substring search."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        if not word:
            continue
        if re.match(r"[a-z0-9]", word):
            parts.append(rf"\b{re.escape(word)}[a-z]*")  # a stem marks its whole word: refund → refunds
        else:
            parts.append(re.escape(word))
    pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None
    return pattern, tuple(word for word in set(words) if word and not re.match(r"[a-z0-9]", word))


_STARTS_LATIN = re.compile(r"[a-z0-9]", re.IGNORECASE)


def highlight(text: str, words: list[str]) -> SafeString:
    """Escape the text and mark every place a query word occurs; touching marks become one."""
    pattern, substrings = _marker(tuple(words))
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 - escaped
    spans = []
    lowered = text.lower()
    for word in substrings:
        start = lowered.find(word)
        while start != -1:  # overlapping finds: 비밀 and 밀번 both mark 비밀번
            spans.append((start, start + len(word)))
            start = lowered.find(word, start + 1)
    for match in pattern.finditer(text):
        if _STARTS_LATIN.match(match.group(0)):
            spans.append(match.span())
    if not spans:
        return mark_safe(escape(text))  # noqa: S308 - escaped
    out, done = [], 0
    spans.sort()
    start, end = spans[0]
    for next_start, next_end in spans[1:]:
        if next_start <= end:  # overlapping or touching: one mark
            end = max(end, next_end)
            continue
        out += [escape(text[done:start]), "<mark>", escape(text[start:end]), "</mark>"]
        done, start, end = end, next_start, next_end
    out += [escape(text[done:start]), "<mark>", escape(text[start:end]), "</mark>", escape(text[end:])]
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def first_match(text: str, words: list[str]) -> int | None:
    """Where the first of the words occurs in the text, or None."""
    pattern = _pattern(words)
    match = pattern.search(text) if pattern else None
    return match.start() if match else None


def snippet(text: str, words: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """A window of plain text around the first match, with the matches marked."""
    found = first_match(text, words)
    start = 0
    if found is not None:
        start = max(0, found - length // 3)
        # Begin at a word boundary so the snippet does not open mid-word.
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 and start - space < 20 else start
    piece = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(prefix + highlight(piece, words) + suffix)  # noqa: S308 - highlight escapes
