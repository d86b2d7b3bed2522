"""HTML mail bodies as the plain text an agent reads.

Only what a person would see survives: no head, scripts, styles or other invisible elements, no
attributes (so no inline event handlers either). Block elements become line breaks, list items get
a dash, and quoted blocks (<blockquote>, which is how Gmail, Naver and Outlook on the web mark
replied-to history) get "> " so the quote folding treats them like quoted plain text.

The markup is read by a tokenizer of our own rather than html.parser: html.parser (and html5ever
behind nh3) take quadratic time on hostile markup such as a megabyte of "<a" or of unclosed "<div>",
and mail is hostile input. Every scan here starts where the previous one ended and never looks
back, and the open-element bookkeeping is counters, so the work grows with the length of the part.
Constructs are closed the way browsers close them: a comment, declaration or tag with no end runs
to the end of the input and shows nothing.
"""

from __future__ import annotations

import re
from html import unescape

# Elements whose content is never shown to the reader.
_INVISIBLE = {"head", "title", "script", "style", "noscript", "template", "svg", "object", "iframe", "xml"}
# Their content is raw text up to their own end tag, never markup (HTML's raw-text elements).
_RAW_TEXT = {"script", "style", "title", "xmp", "textarea", "noscript", "iframe", "noembed", "noframes"}
_BLOCK = set(
    "address article aside blockquote caption dd div dl dt fieldset figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tr ul".split()
)
# Elements that stand apart from their neighbours by a blank line, not just a line break.
_PARAGRAPH = set("p h1 h2 h3 h4 h5 h6 blockquote table ul ol pre".split())
# Quote folding only needs to see that a line is quoted; deeper nesting adds no "> " (and a
# hundred thousand nested <blockquote>s must not make every line a hundred thousand marks long).
_MAX_QUOTE_MARKS = 10
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# A start or end tag from "<" to its ">", quoted attribute values allowed to hold ">". Possessive
# quantifiers: a tag that never closes fails in one pass instead of backtracking.
_TAG = re.compile(r"""<(/?)([A-Za-z][^\s/>]*+)((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>""")
_SPACE = re.compile(r"\s+")


def html_to_text(html: str) -> str:
    converter = _TextConverter()
    for kind, value in _tokens(html):
        if kind == "text":
            converter.handle_data(unescape(value))
        elif kind == "start":
            converter.handle_starttag(value)
        elif kind == "self-closing":
            converter.handle_startendtag(value)
        else:
            converter.handle_endtag(value)
    return converter.text()


def _tokens(html: str):
    """("text", text) and ("start" | "self-closing" | "end", tag name) in document order."""
    position = 0  # where the next scan starts
    text_start = 0  # where the text not yet handed out starts
    while True:
        opening = html.find("<", position)
        if opening < 0:
            break
        match = None
        if html.startswith("<!--", opening):
            end = html.find("-->", opening + 4)
            resume = end + 3
        elif html.startswith(("<!", "<?"), opening) or (
            html.startswith("</", opening) and not _letter_at(html, opening + 2)
        ):
            # Declarations, marked sections, processing instructions, "</ >": bogus comments to ">".
            end = html.find(">", opening + 2)
            resume = end + 1
        else:
            match = _TAG.match(html, opening)
            if match is None and not (_letter_at(html, opening + 1) or html.startswith("</", opening)):
                position = opening + 1  # a "<" that starts nothing is text
                continue
            end = -1 if match is None else match.end()
            resume = end
        if opening > text_start:
            yield "text", html[text_start:opening]
        if end < 0:
            return  # a construct that never ends: the rest of the input is inside it
        position = text_start = resume
        if match is None:  # a comment or declaration: nothing to show
            continue
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            yield "end", name
            continue
        if attributes.rstrip().endswith("/"):
            yield "self-closing", name
            continue
        yield "start", name
        if name in _RAW_TEXT:
            raw_end = re.compile(rf"</{re.escape(name)}[\s/>]", re.IGNORECASE).search(html, position)
            if raw_end is None:
                return
            if name not in _INVISIBLE:
                yield "text", html[position : raw_end.start()]
            position = text_start = raw_end.start()
    if text_start < len(html):
        yield "text", html[text_start:]


def _letter_at(text: str, index: int) -> bool:
    return index < len(text) and text[index].isascii() and text[index].isalpha()


def meta_charset(html: bytes) -> str | None:
    """The charset an HTML body declares for itself, for parts whose MIME header forgot it."""
    match = _META_CHARSET.search(html[:4096])
    return match.group(1).decode("ascii") if match else None


class _TextConverter:
    def __init__(self) -> None:
        self._lines: list[str] = []
        self._line: list[str] = []
        self._quote_depth = 0
        # Open invisible elements, innermost last, and how many of each are open (so that "is a
        # <svg> open?" is one look-up, not a search of the stack).
        self._hidden: list[str] = []
        self._hidden_count: dict[str, int] = {}
        self._pre = 0

    def handle_starttag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self._hidden.append(tag)
            self._hidden_count[tag] = self._hidden_count.get(tag, 0) + 1
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

    def handle_startendtag(self, tag: str) -> None:
        # <br/>, <p/>, <script/>: never a container, so nothing to hide or to close later.
        if self._hidden:
            return
        if tag == "br":
            self._end_line(force=True)
        elif tag in _BLOCK:
            self._end_line(paragraph=tag in _PARAGRAPH)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            # Close the innermost matching element and what it holds; stray end tags are ignored,
            # as browsers do. Each element is pushed and popped once, so this stays linear.
            if self._hidden_count.get(tag):
                while self._hidden:
                    closed = self._hidden.pop()
                    self._hidden_count[closed] -= 1
                    if closed == tag:
                        break
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
            self._line.append(_SPACE.sub(" ", data))
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
            marks = "> " * min(self._quote_depth, _MAX_QUOTE_MARKS)
            self._lines.append(marks + text if text else "")
        if paragraph and self._lines and self._lines[-1]:
            self._lines.append("")

    def text(self) -> str:
        self._end_line()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(self._lines)).strip("\n")
