"""Parsing one incoming support e-mail into what a ticket needs: who wrote, about what, the text
they wrote, their files, and whether a machine rather than a person sent it.

The message is read with the email package's compat32 policy: it never raises on malformed
headers and leaves header bytes alone, so every decoding decision (charsets.py) is ours. Any
input gives either a ParsedEmail or NotAnEmail, never another exception.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from tickets.mail.charsets import (
    decode_encoded_words,
    decode_text,
    header_params,
    header_text,
    lenient_base64,
    scrub,
    unfold_header,
)
from tickets.mail.html_text import html_to_text, meta_charset
from tickets.mail.quotes import fold_quotes


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedEmail:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    from_name: str
    from_address: str
    to: list[str]
    subject: str
    date: datetime | None
    text: str
    new_text: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_auto_reply: bool = False
    is_bounce: bool = False
    auto_reason: str = ""


class NotAnEmail(ValueError):
    """Input that can never become a ticket: not a message at all, or nobody to answer."""


# Deeper nesting than this is an attack on the parser, not a customer's mail.
_MAX_DEPTH = 30
# Control bytes that no header holds; ESC, SO and SI are allowed for raw ISO-2022-KR.
_BINARY_HEADER = re.compile(rb"[\x00-\x08\x10-\x1a\x1c-\x1f]")
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_MESSAGE_ID = re.compile(r"<([^<>]*)>")
_ADDRESS = re.compile(r"[^\s<>()\[\]\",;:]+@[^\s<>()\[\]\",;:]+")
_KST = timezone(timedelta(hours=9), "KST")
# Signatures are not attachments an agent wants to open.
_SIGNATURE_TYPES = {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
_EXTENSIONS = {"text/plain": ".txt", "message/rfc822": ".eml", "image/jpeg": ".jpg", "text/html": ".html"}
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status|delivery fail|failure notice|returned mail|mail delivery|"
    r"could not be delivered|delivery has failed|반송|전송\s*실패|발송\s*실패|배달\s*실패|전달\s*실패",
    re.IGNORECASE,
)


def parse_email(raw: bytes) -> ParsedEmail:
    message = _read_message(raw)
    headers = _Headers(message)
    hint = _sender_charset(message)

    from_name, from_address = _sender(headers.unfolded("from", hint))
    if not from_address:
        raise NotAnEmail("no sender address: the From header is missing or has no address with an @")
    if len(from_address) > MAX_ADDRESS_LENGTH:
        raise NotAnEmail(f"sender address longer than {MAX_ADDRESS_LENGTH} characters")

    body = _Body()
    body.walk(message)
    text = body.text()
    is_auto_reply, is_bounce, auto_reason = _automation(message, headers, from_address)
    return ParsedEmail(
        message_id=next(iter(_message_ids(headers.unfolded("message-id"))), ""),
        in_reply_to=_message_ids(headers.unfolded("in-reply-to")),
        references=_message_ids(headers.unfolded("references")),
        from_name=from_name,
        from_address=from_address,
        to=_recipients(headers.unfolded("to", hint), headers.unfolded("cc", hint)),
        subject=" ".join(headers.text("subject", hint).split()),
        date=_date(headers.unfolded("date")),
        text=text,
        new_text=fold_quotes(text) if text else text,
        attachments=body.attachments,
        is_auto_reply=is_auto_reply,
        is_bounce=is_bounce,
        auto_reason=auto_reason,
    )


def _read_message(raw: bytes) -> Message:
    if not isinstance(raw, bytes | bytearray):
        raise NotAnEmail("input is not bytes")
    # Some mail stores and fetchers put blank lines before the first header.
    raw = bytes(raw).lstrip(b"\r\n\t ")
    if not raw:
        raise NotAnEmail("empty input")
    header_block = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    if _BINARY_HEADER.search(header_block):
        raise NotAnEmail("binary data where the headers should be")
    first_line = header_block.split(b"\n", 1)[0]
    if not (_HEADER_LINE.match(first_line) or first_line.startswith(b"From ")):
        raise NotAnEmail("no header block: the input does not start with a header line")
    try:
        return BytesParser(policy=compat32).parsebytes(raw)
    except (RecursionError, ValueError, IndexError, TypeError, AttributeError) as error:
        raise NotAnEmail(f"the MIME structure cannot be read ({type(error).__name__})") from error


class _Headers:
    """First occurrence of each header, as decoded text."""

    def __init__(self, message: Message) -> None:
        self._raw: dict[str, str] = {}
        for name, value in message.raw_items():
            if isinstance(value, str):
                self._raw.setdefault(name.strip().lower(), value)

    def __contains__(self, name: str) -> bool:
        return name in self._raw

    def text(self, name: str, hint: str | None = None) -> str:
        return header_text(self._raw.get(name, ""), hint).strip()

    def unfolded(self, name: str, hint: str | None = None) -> str:
        return unfold_header(self._raw.get(name, ""), hint).strip()

    def raw(self, name: str) -> str:
        return self._raw.get(name, "")


def _sender_charset(message: Message) -> str | None:
    """The charset of the first text part: clients that put raw 8-bit bytes into headers
    usually wrote them in the charset they used for the body."""
    for part in _parts(message):
        content_type, params = _content_type(part)
        if content_type.startswith("text/") and params.get("charset"):
            return params["charset"]
    return None


def _parts(message: Message, depth: int = 0) -> Iterator[Message]:
    yield message
    if depth < _MAX_DEPTH and message.is_multipart():
        for child in _children(message):
            yield from _parts(child, depth + 1)


def _stored_payload(part: Message):
    """The payload as received: a list of parts, or text. get_payload() first decodes 8-bit bytes
    with the declared charset, and some names fail outright (charset=UNDEFINED is Python's codec
    that always raises); the text as stored is what the callers read anyway."""
    try:
        return part.get_payload()
    except (ValueError, LookupError):  # UnicodeError is a ValueError
        return part._payload


def _children(part: Message) -> list[Message]:
    payload = _stored_payload(part)
    return [child for child in payload if isinstance(child, Message)] if isinstance(payload, list) else []


def _content_type(part: Message) -> tuple[str, dict[str, str]]:
    content_type, params = header_params(_first_header(part, "content-type"))
    # RFC 2045: a missing or malformed type means text/plain.
    if not re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", content_type):
        content_type = "text/plain"
    return content_type, params


def _first_header(part: Message, name: str) -> str:
    for key, value in part.raw_items():
        if key.strip().lower() == name and isinstance(value, str):
            return value
    return ""


def _sender(value: str) -> tuple[str, str]:
    # One name and one address fit in far less; a longer From header is not read any further.
    for name, address in _addresses(value[:MAX_SENDER_HEADER_CHARS]):
        return name, address
    return "", ""


def _addresses(value: str) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs. Split before decoding encoded words, so a
    decoded name holding a comma or a quote cannot split or swallow an address."""
    try:
        pairs = getaddresses([value])
    except (ValueError, IndexError, TypeError):
        pairs = []
    found = [
        (" ".join(decode_encoded_words(name).split()).strip("\"' "), address.strip().lower())
        for name, address in pairs
        if "@" in address and not re.search(r"\s", address.strip())
    ]
    if not found:
        # Addresses that getaddresses cannot split ("홍길동 hong@naver.com", stray brackets).
        found = [("", address.lower()) for address in _ADDRESS.findall(value)]
    return found


def _recipients(*values: str) -> list[str]:
    """The first MAX_RECIPIENTS distinct addresses of To and Cc. A message to more people is a
    mailing, not a conversation, and reading only the start of a header keeps a Cc line of a
    hundred thousand addresses as cheap as a short one."""
    addresses: dict[str, None] = {}  # ordered, and a look-up rather than a search
    for value in values:
        capped = value[:MAX_RECIPIENT_HEADER_CHARS]
        found = _addresses(capped)
        if len(capped) < len(value) and found:
            found.pop()  # the cut may have fallen inside the last address
        for _name, address in found:
            addresses.setdefault(address, None)
            if len(addresses) >= MAX_RECIPIENTS:
                return list(addresses)
    return list(addresses)


MAX_MESSAGE_ID_LENGTH = 250
MAX_ADDRESS_LENGTH = 254  # RFC 5321's limit for a forward path
MAX_RECIPIENTS = 100
MAX_RECIPIENT_HEADER_CHARS = MAX_RECIPIENTS * (MAX_ADDRESS_LENGTH + 80)  # room for names and commas
MAX_SENDER_HEADER_CHARS = 2000
# Threading needs the message answered and its recent ancestors, not a thread's whole history.
MAX_THREAD_IDS = 100


def _message_ids(value: str) -> list[str]:
    ids = [re.sub(r"\s+", "", inner) for inner in _MESSAGE_ID.findall(value)]
    if not ids:
        # Some clients drop the angle brackets.
        ids = [token.strip("<>") for token in value.split() if "@" in token]
    unique: dict[str, None] = {}
    for message_id in ids:
        # RFC 5322 ids are short; a longer one is junk that would not fit where ids are stored.
        if message_id and len(message_id) <= MAX_MESSAGE_ID_LENGTH:
            unique.setdefault(f"<{message_id}>", None)
    # References lists the oldest ancestor first: the newest ones are those worth keeping.
    return list(unique)[-MAX_THREAD_IDS:]


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        # Python leaves "-0000" and unknown zone names naive; Korean servers write "KST".
        parsed = parsed.replace(tzinfo=_KST if re.search(r"\bKST\b", value) else UTC)
    return parsed


class _Body:
    """The text an agent reads and the files they can open, gathered from the MIME tree."""

    def __init__(self) -> None:
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[ParsedAttachment] = []

    def text(self) -> str:
        # Parts are kept in order; an HTML body only counts when no plain text was sent.
        pieces = self.plain if any(piece.strip() for piece in self.plain) else self.html
        return "\n\n".join(piece.strip("\n") for piece in pieces if piece.strip()).strip()

    def walk(self, part: Message, depth: int = 0, body_allowed: bool = True) -> None:
        if depth > _MAX_DEPTH:
            return
        content_type, params = _content_type(part)
        if content_type == "message/delivery-status":
            return  # machine-readable; the report's first part says the same for people
        if content_type == "message/rfc822" or (part.is_multipart() and not content_type.startswith("multipart/")):
            self._attach(part, content_type, _message_bytes(part))
            return
        if part.is_multipart():
            children = _children(part)
            chosen = _alternative(children) if content_type == "multipart/alternative" else None
            for child in children:
                if content_type == "multipart/signed" and _content_type(child)[0] in _SIGNATURE_TYPES:
                    continue
                self.walk(child, depth + 1, body_allowed and (chosen is None or child is chosen))
            return
        data = _payload(part)
        if _filename(part) or _disposition(part) == "attachment":
            self._attach(part, content_type, data)
        elif content_type in {"text/plain", "text/html"} or content_type.startswith("multipart/"):
            # A multipart whose boundary never appears is left as one text block by the parser.
            if body_allowed:
                self._add_text(content_type, params, data)
        else:
            self._attach(part, content_type, data)

    def _add_text(self, content_type: str, params: dict[str, str], data: bytes) -> None:
        if content_type == "text/html":
            self.html.append(html_to_text(decode_text(data, params.get("charset") or meta_charset(data))))
        else:
            self.plain.append(_tidy(decode_text(data, params.get("charset"))))

    def _attach(self, part: Message, content_type: str, data: bytes) -> None:
        number = len(self.attachments) + 1
        filename = _filename(part) or f"attachment-{number}{_extension(content_type)}"
        self.attachments.append(ParsedAttachment(filename=filename, content_type=content_type, data=data))


def _alternative(children: list[Message]) -> Message | None:
    """The alternative to read: plain text if it has any, else the richest (last) HTML one.
    Outlook adds text/calendar as the last alternative of invitations; that is no body."""
    if not children:
        return None
    readable: list[Message] = []
    for child in children:
        content_type, params = _content_type(child)
        if content_type == "text/plain" and not child.is_multipart() and not _filename(child):
            if decode_text(_payload(child), params.get("charset")).strip():
                return child
        if content_type == "text/html" or child.is_multipart():
            readable.append(child)
    return (readable or children)[-1]


def _payload(part: Message) -> bytes:
    """The part's bytes with the transfer encoding undone and no charset applied yet."""
    if _first_header(part, "content-transfer-encoding").strip().lower() == "base64":
        # The email package gives up on base64 with a stray character too many; ours does not.
        # Base64 text is ASCII, so nothing is lost by reading it as text first.
        payload = _stored_payload(part)
        return lenient_base64(payload.encode("utf-8", "replace")) if isinstance(payload, str) else b""
    # decode=True also undoes quoted-printable. Never decode=False: for 8-bit text it already
    # applies the declared charset, replacing whatever that charset cannot read.
    try:
        data = part.get_payload(decode=True)
    except (ValueError, LookupError, TypeError):
        return b""
    return data if isinstance(data, bytes) else b""


def _message_bytes(part: Message) -> bytes:
    inner = _children(part)
    try:
        return inner[0].as_bytes(policy=_EML) if inner else _payload(part)
    except (ValueError, LookupError, TypeError, AttributeError, IndexError, RecursionError):
        return b""


def _disposition(part: Message) -> str:
    return header_params(_first_header(part, "content-disposition"))[0]


def _filename(part: Message) -> str:
    _disposition_value, disposition = header_params(_first_header(part, "content-disposition"))
    _content_type_value, content_type = header_params(_first_header(part, "content-type"))
    name = disposition.get("filename") or content_type.get("name") or ""
    # Only the last path component: "C:\\Users\\홍길동\\영수증.pdf" or "../../etc/passwd".
    name = re.split(r"[\\/]", name)[-1]
    name = " ".join(scrub(name).split())
    return "" if name.strip(".") == "" else name


def _extension(content_type: str) -> str:
    extension = _EXTENSIONS.get(content_type) or _MIME_TYPES.guess_extension(content_type)
    return extension or (".txt" if content_type.startswith("text/") else ".bin")


# Attached messages are saved as .eml files, which mail programs expect with CRLF line ends.
_EML = compat32.clone(linesep="\r\n")
# The standard library's built-in table only: mimetypes.guess_extension() would also read the
# machine's /etc/mime.types, so invented names would differ between laptops and servers.
_MIME_TYPES = mimetypes.MimeTypes()


def _tidy(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def _automation(message: Message, headers: _Headers, from_address: str) -> tuple[bool, bool, str]:
    """RFC 3834 and common practice: was this written by a program rather than a person?"""
    auto_reasons: list[str] = []
    auto_submitted = headers.text("auto-submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        auto_reasons.append(f"Auto-Submitted: {auto_submitted}")
    for name in ("x-autoreply", "x-autorespond"):
        if name in headers and headers.text(name).lower() not in {"no", "false", "0"}:
            auto_reasons.append(f"{name.title()} header present")
    precedence = headers.text("precedence").lower()
    if precedence in {"bulk", "junk", "list"}:
        auto_reasons.append(f"Precedence: {precedence}")
    # Outlook sends X-Auto-Response-Suppress on ordinary mail to stop others' auto-replies; it says
    # nothing about this message itself, so it is deliberately ignored.
    if "list-id" in headers or "list-unsubscribe" in headers:
        auto_reasons.append("mailing-list mail (List-Id or List-Unsubscribe)")

    bounce_reasons: list[str] = []
    content_type, params = _content_type(message)
    if content_type == "multipart/report" and params.get("report-type", "").lower() == "delivery-status":
        bounce_reasons.append("delivery-status report")
    elif any(_content_type(part)[0] == "message/delivery-status" for part in _parts(message)):
        bounce_reasons.append("contains a delivery-status part")
    if _BOUNCE_SENDER.match(from_address) and _BOUNCE_SUBJECT.search(headers.text("subject")):
        bounce_reasons.append(f"bounce notice from {from_address}")
    # RFC 3834 asks auto-responders to send with an empty Return-Path too; an out-of-office reply
    # that says what it is stays an auto-reply, not a bounce.
    if re.fullmatch(r"\s*<\s*>\s*", headers.raw("return-path")) and not auto_reasons:
        bounce_reasons.append("empty Return-Path (<>)")
    return bool(auto_reasons), bool(bounce_reasons), "; ".join(bounce_reasons[:1] + auto_reasons[:1])
