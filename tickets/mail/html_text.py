"""HTML mail bodies as the plain text an agent reads.

Only what a person would see survives: no head, scripts, styles or other invisible elements, no
attributes (so no inline event handlers either). Block elements become line breaks, list items get
a dash, and quoted blocks (<blockquote>, which is how Gmail, Naver and Outlook on the web mark
replied-to history) get "> " so the quote folding treats them like quoted plain text.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

# Elements whose content is never shown to the reader.
_INVISIBLE = {"head", "title", "script", "style", "noscript", "template", "svg", "object", "iframe", "xml"}
_BLOCK = set(
    "address article aside blockquote caption dd div dl dt fieldset figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tr ul".split()
)
# Elements that stand apart from their neighbours by a blank line, not just a line break.
_PARAGRAPH = set("p h1 h2 h3 h4 h5 h6 blockquote table ul ol pre".split())
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>?")
_DECLARATION = re.compile(r"<!(?!--)[^>]*>")
_INVISIBLE_ELEMENT = re.compile(rf"<({'|'.join(sorted(_INVISIBLE))})\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)


def html_to_text(html: str) -> str:
    # Declarations and marked sections are never visible, and html.parser raises AssertionError
    # on some that Word and Outlook write ("<![foo]>", odd DOCTYPE subsets). Comments stay: they
    # may hide markup that must not become text.
    html = _DECLARATION.sub("", html)
    converter = _TextConverter()
    try:
        converter.feed(html)
        converter.close()
    except AssertionError:
        # Whatever html.parser still refuses: drop the invisible elements and the tags by hand,
        # which loses the line structure but not the customer's words.
        converter = _TextConverter()
        converter.feed_plain(unescape(_TAG.sub(" ", _INVISIBLE_ELEMENT.sub(" ", html))))
    return converter.text()


def meta_charset(html: bytes) -> str | None:
    """The charset an HTML body declares for itself, for parts whose MIME header forgot it."""
    match = _META_CHARSET.search(html[:4096])
    return match.group(1).decode("ascii") if match else None


class _TextConverter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._lines: list[str] = []
        self._line: list[str] = []
        self._quote_depth = 0
        self._hidden: list[str] = []  # open invisible elements, innermost last
        self._pre = 0

    def feed_plain(self, text: str) -> None:
        self.handle_data(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE:
            self._hidden.append(tag)
        elif self._hidden:
            return
        elif tag == "br":
            self._end_line(force=True)
        elif tag in _BLOCK:
            self._end_line(paragraph=tag in _PARAGRAPH)
            if tag == "blockquote":
                self._quote_depth += 1
            elif tag == "pre":
                self._pre += 1
            elif tag == "li":
                self._line.append("- ")
        elif tag in {"td", "th"}:
            self._line.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <p/>, <script/>: never a container, so nothing to hide or to close later.
        if self._hidden:
            return
        if tag == "br":
            self._end_line(force=True)
        elif tag in _BLOCK:
            self._end_line(paragraph=tag in _PARAGRAPH)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            # Close the innermost matching element; stray end tags are ignored, as browsers do.
            if tag in self._hidden:
                del self._hidden[len(self._hidden) - 1 - self._hidden[::-1].index(tag) :]
        elif self._hidden:
            return
        elif tag in _BLOCK:
            self._end_line(paragraph=tag in _PARAGRAPH)
            if tag == "blockquote" and self._quote_depth:
                self._quote_depth -= 1
            elif tag == "pre" and self._pre:
                self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        data = data.replace("\xa0", " ")
        if not self._pre:
            self._line.append(re.sub(r"\s+", " ", data))
            return
        first, *rest = data.replace("\r\n", "\n").split("\n")
        self._line.append(first)
        for line in rest:
            self._end_line(force=True)
            self._line.append(line)

    def _end_line(self, force: bool = False, paragraph: bool = False) -> None:
        """Finish the current line. Block elements only end a line that has text (Gmail wraps every
        line in a <div>); <br> always does, so empty <div><br></div> lines stay blank lines."""
        text = "".join(self._line)
        text = text.rstrip() if self._pre else " ".join(text.split())
        self._line = []
        if text or force:
            self._lines.append("> " * self._quote_depth + text if text else "")
        if paragraph and self._lines and self._lines[-1]:
            self._lines.append("")

    def text(self) -> str:
        self._end_line()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(self._lines)).strip("\n")
