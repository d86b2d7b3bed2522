"""Folding the quoted history out of a reply, so agents read only what the customer just wrote.

Clients mark history in three ways: a reply header line ("On … wrote:", "2026년 11월 24일 … 님이 작성:"),
a separator ("-----Original Message-----", "------- 원본 메일 -------"), or a copied header block
(Outlook's "From: / Sent: / To: / Subject:", "보낸 사람: / 보낸 날짜: / 받는 사람: / 제목:").
Everything from the first such mark on is history, and so is a trailing run of "> " lines and a
signature after "-- ".

Forwarded mail is different: when a customer forwards us a receipt, the forwarded part is the
point of the message, so nothing after a "Forwarded message" line is folded away.
"""

from __future__ import annotations

import re

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|원본\s*메시지|원본\s*메일)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^\s*-{2,}\s*(forwarded message|forwarded e-?mail|전달된\s*메시지|전달된\s*메일|원본\s*메일\s*전달)\s*-{2,}\s*$",
    re.IGNORECASE,
)
# "On Tue, 24 Nov 2026 at 10:00, 고객센터 <help@example.com> wrote:" and the Korean forms
# "2026년 11월 24일 (화) 오전 10:00, 고객센터 <help@example.com>님이 작성:" (Gmail) and
# "2026. 11. 24. 오전 10:00, 고객센터 <help@example.com> 작성:" (Apple Mail); clients wrap these
# onto a second line when the name is long, so they are matched on a line joined with the next.
_REPLY_HEADER = re.compile(
    r"^\s*(on\s.+\bwrote|\d{4}\s*(년|\.|-|/)\s*\d{1,2}.+(작성|씀))\s*:\s*$",
    re.IGNORECASE,
)
_HEADER_BLOCK_START = re.compile(r"^\s*\*?(from|보낸\s*사람)\s*:", re.IGNORECASE)
_HEADER_BLOCK_FIELD = re.compile(
    r"^\s*\*?(sent|date|to|cc|subject|보낸\s*날짜|날짜|받는\s*사람|참조|제목)\s*:",
    re.IGNORECASE,
)
_SIGNATURE = "-- "
# Lines that only draw a rule (Outlook puts "________________" above its header block).
_RULE = re.compile(r"^\s*([-_=*]{3,}|>)?\s*$")


def fold_quotes(text: str) -> str:
    """`text` without its quoted history; the whole text if nothing is quoted or all of it is."""
    # str.splitlines() would also split at form feeds, \x1c-\x1e and U+2028 inside the text.
    lines = text.split("\n")
    cut = _history_start(lines)
    kept = lines[:cut]
    while kept and (_RULE.match(kept[-1]) or kept[-1].lstrip().startswith(">")):
        kept.pop()
    new_text = "\n".join(kept).strip("\n")
    return new_text if new_text.strip() else text


def _history_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _FORWARD.match(line):
            break
        if line == _SIGNATURE or _SEPARATOR.match(line):
            return index
        if _REPLY_HEADER.match(line):
            return index
        if index + 1 < len(lines) and _starts_reply_header(line) and _REPLY_HEADER.match(f"{line} {lines[index + 1]}"):
            return index
        if _HEADER_BLOCK_START.match(line) and _is_header_block(lines[index + 1 : index + 7]):
            return index
    return len(lines)


def _starts_reply_header(line: str) -> bool:
    return bool(re.match(r"^\s*(on\s|\d{4}\s*(년|\.|-|/))", line, re.IGNORECASE))


def _is_header_block(following: list[str]) -> bool:
    fields = [line for line in following if line.strip()]
    return sum(1 for line in fields if _HEADER_BLOCK_FIELD.match(line)) >= 2
