"""Search result snippets: a window of the article around what was found, with the finds marked.

Everything is escaped before <mark> is added, so an article's text can never become markup here.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from faq.markdown import plain_text

SNIPPET_LENGTH = 160


def _pattern(words: list[str]) -> re.Pattern | None:
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        if not word:
            continue
        if re.match(r"[a-z0-9]", word):
            parts.append(rf"\b{re.escape(word)}[a-z]*")  # a stem marks its whole word: refund → refunds
        else:
            parts.append(re.escape(word))
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def highlight(text: str, words: list[str]) -> SafeString:
    """Escape the text and mark every place a query word occurs; touching marks become one."""
    pattern = _pattern(words)
    if pattern is None:
        return escape(text)
    marked = [False] * len(text)
    lowered = text.lower()
    for word in set(words):
        if not word or re.match(r"[a-z0-9]", word):
            continue
        start = lowered.find(word)
        while start != -1:  # overlapping finds: 비밀 and 밀번 both mark 비밀번
            marked[start : start + len(word)] = [True] * len(word)
            start = lowered.find(word, start + 1)
    for match in pattern.finditer(text):
        if re.match(r"[a-z0-9]", match.group(0), re.IGNORECASE):
            marked[match.start() : match.end()] = [True] * (match.end() - match.start())
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        piece = escape(text[i:j])
        out.append(f"<mark>{piece}</mark>" if marked[i] else piece)
        i = j
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def snippet(body: str, words: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """A window of the body around the first match, with the matches marked."""
    text = plain_text(body)
    pattern = _pattern(words)
    match = pattern.search(text) if pattern else None
    start = 0
    if match:
        start = max(0, match.start() - length // 3)
        # Begin at a word boundary so the snippet does not open mid-word.
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 and start - space < 20 else start
    piece = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(prefix + highlight(piece, words) + suffix)  # noqa: S308 - highlight escapes
