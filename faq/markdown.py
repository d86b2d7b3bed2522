"""Markdown for help articles: rendered once when saved, sanitised whatever an editor types."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

# Raw HTML is off in the parser: an editor's <script> becomes visible text, not markup. nh3 (Ammonia)
# then cleans what the parser produced, so that no event handler or javascript: link survives even
# if a future parser option lets one through.
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

_ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "del",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}


def render_markdown(text: str) -> str:
    html = _parser.render(text or "")
    # An article's own title is the page's only h1, so a "# heading" in the body becomes h2.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


# Emphasis marks go; a single ~ stays, since Korean writes ranges with it (5~10일).
_EMPHASIS = re.compile(r"[*_`]+|~~")
_MARKUP = re.compile(r"[#>|\[\]()!]+|^\s*[-+]\s|^\s*\d+\.\s", re.MULTILINE)


def plain_text(markdown_text: str) -> str:
    """The words of a Markdown text without its markup, for snippets and meta descriptions."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown_text or "")  # drop link targets, keep link text
    text = re.sub(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", " ", text, flags=re.MULTILINE)  # table rules
    text = _EMPHASIS.sub("", text)
    text = _MARKUP.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def summarise(markdown_text: str, length: int) -> str:
    text = plain_text(markdown_text)
    if len(text) <= length:
        return text
    return text[: length - 1].rstrip() + "…"
