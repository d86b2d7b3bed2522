"""Search result snippets: a window of the article around what was found, with the finds marked
(helpcenter.highlight, which escapes everything before adding <mark>)."""

from __future__ import annotations

from functools import lru_cache

from django.utils.safestring import SafeString

from faq.markdown import plain_text
from helpcenter import highlight as marking
from helpcenter.highlight import SNIPPET_LENGTH, highlight

__all__ = ["SNIPPET_LENGTH", "highlight", "snippet"]

# The same articles answer many queries: their bodies' plain text is kept rather than re-derived.
_plain_text = lru_cache(maxsize=1024)(plain_text)


def snippet(body: str, words: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """A window of the article's text (Markdown read as plain text) around the first match."""
    return marking.snippet(_plain_text(body), words, length)
