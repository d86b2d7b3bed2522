"""Turning the bytes of real-world mail into text: charsets, RFC 2047 headers, RFC 2231 parameters,
and lenient base64.

Korean mail is where Python's defaults go wrong. Outlook labels its text `ks_c_5601-1987`, and
Python maps that label (like `euc-kr`, `korean` and `ksc5601`) to its strict EUC-KR codec, which
only knows the 2,350 KS X 1001 syllables; the text is really CP949 (Windows code page 949, a
superset holding all 11,172), so 똠, 햏 or 뷁 come out as U+FFFD. Mail also arrives mislabelled,
with unlabelled 8-bit header bytes, and with made-up labels. So every decode here tries the
declared charset strictly, then UTF-8, then CP949, and only then accepts replacement characters;
a message is never refused for its charset.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from urllib.parse import quote, unquote_to_bytes

# Everything Python resolves to its EUC-KR codec (ks_c_5601-1987, korean, ksc5601, ks_x_1001...),
# plus the Windows names Python does not know, is decoded as CP949, the superset that was really sent.
_CP949_LABELS = {"windows-949", "x-windows-949", "ks_c_5601-1989", "x-ks_c_5601-1987"}
# Python-specific codecs that happen to be valid lookups: a label naming one of these is a joke or
# an attack, not a mail charset, and decoding with it would rewrite the text.
_NOT_MAIL_CODECS = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"}
# Text declared as one of these that also decodes as UTF-8 with non-ASCII characters is UTF-8: such
# a byte pattern almost never occurs in real Latin-1 text, while clients that say "iso-8859-1" by
# default and then write UTF-8 are common.
_LATIN_CODECS = {"iso8859-1", "cp1252", "iso8859-15", "ascii"}

# KS X 1001 spells a syllable it lacks as eight bytes starting with HANGUL FILLER (A4 D4), e.g. 똠 as
# A4D4 A4A8 A4C7 A4B1. Python's euc_kr codec writes and reads these; CP949 reads them as loose jamo.
# The filler never occurs in ordinary text, so its presence means the strict EUC-KR reading is right.
_MAKE_UP_SEQUENCE = b"\xa4\xd4"
# RFC 2047 encoded text never holds "?": each attempt stops at the next one, so a header full of
# unfinished "=?" words is read in one pass (".*?" would rescan to the end from every one).
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
# C0 controls other than tab and newline, and lone surrogates: PostgreSQL refuses NUL in text, and
# a surrogate cannot be encoded to UTF-8 at all, so neither may leave this module.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_BASE64_NOISE_KEEPING_PADDING = re.compile(rb"[^A-Za-z0-9+/=]")
# A parameter name starts after a separator, never inside a word: otherwise a long word with no "="
# would be tried again from each of its characters.
_PARAM = re.compile(r'(?<![^;\s])([^=;\s]++)\s*=\s*("(?:[^"\\]|\\.)*+"?|[^;]*)')


def codec_for(label: str | None) -> str | None:
    """The Python codec to use for a MIME charset label, or None if the label names no text codec."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    # RFC 2231 lets a language ride on the charset: "utf-8*ko".
    name = name.split("*", 1)[0]
    if name in _CP949_LABELS:
        return "cp949"
    try:
        info = codecs.lookup(name)
        b"".decode(info.name)  # LookupError for bytes-to-bytes codecs such as base64 or rot13
    except (LookupError, ValueError):
        return None
    if info.name in _NOT_MAIL_CODECS:
        return None
    if info.name == "euc_kr":
        return "cp949"
    return info.name


def decode_text(data: bytes, declared: str | None = None, hint: str | None = None) -> str:
    """Decode bytes labelled `declared` (and, failing that, in the sender's likely `hint` charset)."""
    codec = codec_for(declared)
    candidates: list[str] = []
    if codec is None and b"\x1b$)C" in data:
        candidates.append("iso2022_kr")
    if codec == "cp949" and _MAKE_UP_SEQUENCE in data:
        candidates.append("euc_kr")
    if codec in _LATIN_CODECS:
        candidates.append("utf-8")
    if codec:
        candidates.append(codec)
    for fallback in ("utf-8", codec_for(hint), "cp949"):
        if fallback and fallback not in candidates:
            candidates.append(fallback)
    for candidate in candidates:
        try:
            return scrub(data.decode(candidate))
        except (UnicodeError, LookupError, ValueError):
            continue
    # Nothing fits: keep the reading that loses least, so one bad byte does not cost a whole line.
    readings = []
    for candidate in candidates:
        try:
            readings.append(data.decode(candidate, errors="replace"))
        except (UnicodeError, LookupError, ValueError):
            continue
    best = min(readings, key=lambda text: text.count("\ufffd"), default=data.decode("latin-1"))
    return scrub(best)


def scrub(text: str) -> str:
    """Text that can be stored and shown: no byte-order mark, control characters or surrogates."""
    return _UNSTORABLE.sub("", text.removeprefix("\ufeff"))


def header_text(value: str, hint: str | None = None) -> str:
    """A header value as the sender meant it: unfolded, raw 8-bit bytes and RFC 2047 encoded words
    decoded. `value` is what the email package holds, undecodable bytes kept as surrogates."""
    return decode_encoded_words(unfold_header(value, hint), hint)


def unfold_header(value: str, hint: str | None = None) -> str:
    """A header value on one line with its raw bytes decoded but encoded words left alone, for
    parsing structure (addresses, parameters) before a decoded comma or quote could confuse it."""
    # The email package reads headers as ASCII and keeps any other byte as a surrogate escape; old
    # Korean clients also wrote raw ISO-2022-KR, which is 7-bit but full of escape sequences.
    if re.search(r"[\udc80-\udcff]|\x1b\$\)C", value):
        value = decode_text(value.encode("utf-8", "surrogateescape"), None, hint)
    return _FOLD.sub("", value).replace("\r", "").replace("\n", "")


def decode_encoded_words(value: str, hint: str | None = None) -> str:
    """Decode RFC 2047 encoded words, joining neighbours before decoding.

    Clients split long subjects into several encoded words without respecting character
    boundaries, so the bytes of adjacent words in the same charset are joined first, then decoded
    once. Whitespace between two encoded words is not part of the text (RFC 2047 section 6.2).
    """
    pieces: list[str] = []
    pending: list[bytes] = []  # the bytes of neighbouring words, joined once
    pending_charset: str | None = None
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        charset, encoding, payload = match.groups()
        if gap.strip() or charset.lower() != (pending_charset or "").lower():
            if pending_charset is not None:
                pieces.append(decode_text(b"".join(pending), pending_charset, hint))
                pending, pending_charset = [], None
            if gap.strip() or not pieces:
                pieces.append(gap)
        pending.append(_word_bytes(encoding, payload))
        pending_charset = charset
        position = match.end()
    if pending_charset is not None:
        pieces.append(decode_text(b"".join(pending), pending_charset, hint))
    pieces.append(value[position:])
    return scrub("".join(pieces))


def header_params(value: str, hint: str | None = None) -> tuple[str, dict[str, str]]:
    """Split a Content-Type or Content-Disposition value into its lower-cased main value and its
    decoded parameters (RFC 2231 charsets and continuations, and the RFC 2047 names that Outlook and
    Naver write although no standard allows it)."""
    main, _, rest = unfold_header(value, hint).partition(";")
    plain: dict[str, str] = {}
    # name -> {section number: (is percent-encoded, text)}
    sections: dict[str, dict[int, tuple[bool, str]]] = {}
    for key, raw in _split_params(rest):
        section_match = re.fullmatch(r"([^*]+)\*(\d+)(\*?)", key)
        if section_match:
            name, number, star = section_match.groups()
            sections.setdefault(name, {})[int(number)] = (bool(star), raw)
        elif key.endswith("*"):
            sections.setdefault(key[:-1], {})[0] = (True, raw)
        else:
            plain.setdefault(key, decode_encoded_words(raw, hint))
    params = dict(plain)
    for name, parts in sections.items():
        params[name] = _join_rfc2231(parts, hint)
    return main.strip().lower(), params


def lenient_base64(data: bytes) -> bytes:
    """Base64 as real mail sends it: line noise, stray characters, missing padding, and blocks
    that were encoded separately and then glued together, each with its own padding.

    Linear in the input: blocks made of whole 4-character groups are joined and decoded in one
    call, so a body of "AAAA=" repeated costs one decode, not one per block (and the pieces are
    joined once, never concatenated byte string by byte string)."""
    decoded: list[bytes] = []
    run: list[bytes] = []  # whole groups, to decode together; a padded block ends the run
    for chunk in _BASE64_NOISE_KEEPING_PADDING.sub(b"", data).split(b"="):
        # A single dangling character holds less than a byte: it can only be dropped.
        chunk = chunk[: len(chunk) - (len(chunk) % 4 == 1)]
        if not chunk:
            continue
        if len(chunk) % 4 == 0:
            run.append(chunk)
            continue
        run.append(chunk + b"=" * (-len(chunk) % 4))
        decoded.append(base64.b64decode(b"".join(run)))
        run = []
    if run:
        decoded.append(base64.b64decode(b"".join(run)))
    return b"".join(decoded)


def _word_bytes(encoding: str, payload: str) -> bytes:
    raw = payload.encode("ascii", "replace")
    if encoding in "bB":
        return lenient_base64(raw)
    return binascii.a2b_qp(raw, header=True)


def _split_params(rest: str) -> list[tuple[str, str]]:
    """`; a=1; b="x; y"` as [("a", "1"), ("b", "x; y")], tolerating missing quotes and semicolons."""
    params: list[tuple[str, str]] = []
    for match in _PARAM.finditer(rest):
        key, raw = match.group(1).lower(), match.group(2).strip()
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:].removesuffix('"'))
        params.append((key, raw))
    return params


def _join_rfc2231(parts: dict[int, tuple[bool, str]], hint: str | None) -> str:
    charset: str | None = None
    encoded_text: list[str] = []
    for position, number in enumerate(sorted(parts)):
        encoded, raw = parts[number]
        if encoded:
            if position == 0 and raw.count("'") >= 2:
                charset, _language, raw = raw.split("'", 2)
            encoded_text.append(raw)
        else:
            encoded_text.append(quote(raw, safe=""))
    # Unquoted as a whole: some clients cut sections in the middle of a %XX escape.
    return decode_text(unquote_to_bytes("".join(encoded_text)), charset, hint)
