"""Hostile mail is read in time that grows with its size: the cases that once took minutes.

The witness is never a clock: each case runs at the size that was slow (1 MB of "<!a", 4 MB of
"AAAA=", a Cc line of 100,000 addresses) and counts the work done, in scans, decode calls or
characters handed to the address parser.
"""

from __future__ import annotations

import base64
import io
import os

import pytest
from django.core.management import call_command

from tickets.mail import charsets, parse
from tickets.mail.html_text import html_to_text
from tickets.mail.parse import parse_email
from tickets.models import Ticket

HEADERS = (
    "From: 홍길동 <hong@example.com>\r\nTo: help@example.com\r\nSubject: 문의\r\nMessage-ID: <big@example.com>\r\n"
)
MEGABYTE = 1024 * 1024


class CountedScans(str):
    """HTML whose find() calls add up how many characters they examined."""

    examined = 0

    def find(self, sub, start=0, end=None):
        found = super().find(sub, start) if end is None else super().find(sub, start, end)
        CountedScans.examined += (found if found >= 0 else len(self)) - start + len(sub)
        return found


@pytest.mark.parametrize(
    "pattern",
    ["<!a", "<a", "<a b='", "</a", "<!--", "<![", "<?x", "<div>", "<svg>", "<script>", "<", "&#"],
)
def test_a_megabyte_of_hostile_html_is_scanned_once(pattern):
    html = CountedScans(pattern * (MEGABYTE // len(pattern)))
    CountedScans.examined = 0
    text = html_to_text(html)
    # Every scan starts where the last one ended: the characters examined add up to about the input,
    # where one rescan per construct (the old declaration regex) is a third of a million megabytes.
    assert CountedScans.examined <= 2 * len(html)
    assert text == {"<": "<" * (MEGABYTE), "&#": "&#" * (MEGABYTE // 2)}.get(pattern, "")


def test_a_megabyte_of_declarations_in_a_mail_gives_an_empty_body():
    raw = (HEADERS + "Content-Type: text/html; charset=utf-8\r\n\r\n" + "<!a" * (MEGABYTE // 3)).encode()
    assert parse_email(raw).text == ""


def test_nested_quotes_are_marked_at_most_ten_deep():
    text = html_to_text("<blockquote>x" * 100_000)
    lines = text.split("\n")
    assert lines[0] == "> x" and lines[2] == "> > x"
    assert max(len(line) for line in lines) == len("> " * 10 + "x")


def test_four_megabytes_of_glued_base64_blocks_decode_in_one_call(monkeypatch):
    calls = []
    real = base64.b64decode
    monkeypatch.setattr(charsets.base64, "b64decode", lambda data: calls.append(len(data)) or real(data))
    decoded = charsets.lenient_base64(b"AAAA=" * 800_000)
    assert decoded == b"\x00" * 2_400_000
    assert calls == [3_200_000]


@pytest.mark.parametrize(
    ("encoded", "decoded", "calls"),
    [
        (b"QUJD=REVG", b"ABCDEF", 1),  # whole groups: glued and decoded together
        (b"QQ==QkM=", b"ABC", 2),  # each block padded on its own
        (b"QUJD\r\nREVG\r\n=", b"ABCDEF", 1),
        (b"QUJDR", b"ABC", 1),  # a dangling character holds less than a byte
    ],
)
def test_separately_encoded_blocks_still_decode_block_by_block(monkeypatch, encoded, decoded, calls):
    made = []
    real = base64.b64decode
    monkeypatch.setattr(charsets.base64, "b64decode", lambda data: made.append(data) or real(data))
    assert charsets.lenient_base64(encoded) == decoded
    assert len(made) == calls


def test_a_cc_line_of_100000_addresses_keeps_the_first_hundred_and_reads_no_further(monkeypatch):
    read = []
    real = parse._addresses
    monkeypatch.setattr(parse, "_addresses", lambda value: read.append(len(value)) or real(value))
    cc = ", ".join(f"고객{i} <user{i}@example.com>" for i in range(100_000))
    mail = parse_email((HEADERS + f"Cc: {cc}\r\n\r\n본문\r\n").encode())
    assert len(mail.to) == parse.MAX_RECIPIENTS == 100
    assert mail.to[:2] == ["help@example.com", "user0@example.com"] and mail.to[-1] == "user98@example.com"
    assert max(read) <= parse.MAX_RECIPIENT_HEADER_CHARS


def test_a_cut_never_keeps_half_an_address():
    cc = ", ".join(f"user{i}@example.com" for i in range(5_000))  # longer than the part read
    mail = parse_email((HEADERS.replace("To: help@example.com", "To: ") + f"Cc: {cc}\r\n\r\n본문\r\n").encode())
    assert mail.to == [f"user{i}@example.com" for i in range(100)]


def test_a_references_line_of_100000_ids_keeps_the_newest_hundred():
    references = " ".join(f"<r{i}@example.com>" for i in range(100_000))
    mail = parse_email((HEADERS + f"References: {references}\r\n\r\n본문\r\n").encode())
    assert mail.references == [f"<r{i}@example.com>" for i in range(99_900, 100_000)]


def test_two_hundred_thousand_encoded_words_are_joined_once():
    subject = " ".join(["=?utf-8?b?7ZWc?="] * 200_000)
    mail = parse_email((HEADERS.replace("Subject: 문의", f"Subject: {subject}") + "\r\n본문\r\n").encode())
    assert mail.subject == "한" * 200_000


@pytest.mark.django_db
def test_a_25_megabyte_message_is_filed_whole(tmp_path):
    payload = b"%PDF-1.4\n" + os.urandom(18 * MEGABYTE)
    raw = (
        HEADERS + 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/html; charset=utf-8\r\n\r\n<p>영수증 첨부합니다.</p>"
        + "<!a"
        * (MEGABYTE // 3)
        + "\r\n--b\r\n"
        'Content-Type: application/pdf; name="receipt.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + base64.encodebytes(payload).decode()
        + "\r\n--b--\r\n"
    ).encode()
    assert len(raw) > 25 * 10**6
    path = tmp_path / "big.eml"
    path.write_bytes(raw)
    out = io.StringIO()
    call_command("ingest_email", str(path), stdout=out)
    message = Ticket.objects.get().messages.get()
    assert out.getvalue().strip() == f"created {message.ticket.reference}"
    assert message.body == "영수증 첨부합니다."
    assert message.attachments.get().size == len(payload)
