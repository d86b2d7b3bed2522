"""What `ingest_email` stores, field by field: the ticket, the message and its files, as an agent
reads them in the console, for new tickets, replies and files too large to keep."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.management import call_command

from tickets.mail import ingest as ingest_module
from tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db


def raw_mail(
    *,
    subject: str = "결제 문의",
    body: str = "두 번 결제됐어요.",
    sender: str = "홍길동 <hong@example.com>",
    message_id: str = "<m1@example.com>",
    headers: str = "",
    files: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    parts = [f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"]
    for filename, content_type, data in files:
        parts.append(
            f'Content-Type: {content_type}\r\nContent-Disposition: attachment; filename="{filename}"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{base64.b64encode(data).decode()}\r\n"
        )
    multipart = "".join(f"--b0\r\n{part}" for part in parts) + "--b0--\r\n"
    subject_line = f"Subject: {subject}\r\n" if subject is not None else ""
    return (
        f"From: {sender}\r\nTo: help@example.com\r\n{subject_line}Message-ID: {message_id}\r\n{headers}"
        f'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n{multipart}'
    ).encode()


def ingest(tmp_path, raw: bytes) -> str:
    path = tmp_path / "message.eml"
    path.write_bytes(raw)
    out = io.StringIO()
    call_command("ingest_email", str(path), stdout=out)
    return out.getvalue().strip()


def test_a_new_ticket_keeps_every_header_the_agent_needs(tmp_path):
    line = ingest(
        tmp_path,
        raw_mail(
            headers=(
                "Cc: Kim <kim@example.com>, HELP@example.com\r\n"
                "In-Reply-To: <old1@example.com> <old2@example.com>\r\n"
                "References: <r1@example.com> <r2@example.com>\r\n"
            )
        ),
    )
    ticket = Ticket.objects.get()
    assert line == f"created {ticket.reference}"
    assert (ticket.subject, ticket.requester_name, ticket.requester_email, ticket.channel, ticket.language) == (
        "결제 문의",
        "홍길동",
        "hong@example.com",
        "email",
        "ko",
    )
    assert ticket.linked_ticket is None
    message = ticket.messages.get()
    assert (message.author_kind, message.body, message.full_body, message.message_id) == (
        "customer",
        "두 번 결제됐어요.",
        "두 번 결제됐어요.",
        "<m1@example.com>",
    )
    # The id it answers is the last In-Reply-To; the support address is not a recipient to copy.
    assert (message.in_reply_to, message.references, message.sender_email, message.recipients) == (
        "<old2@example.com>",
        "<r1@example.com> <r2@example.com>",
        "hong@example.com",
        "kim@example.com",
    )


def test_english_mail_opens_an_english_ticket(tmp_path):
    ingest(tmp_path, raw_mail(subject="Charged twice", body="I was charged twice in November."))
    assert Ticket.objects.get().language == "en"


def test_mail_without_subject_or_text_still_says_so(tmp_path):
    ingest(tmp_path, raw_mail(subject=None, body=""))
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.messages.get().body, ticket.messages.get().full_body) == (
        "(제목 없음)",
        "(내용 없음)",
        "",
    )


def test_overlong_subject_name_filename_and_type_are_cut_to_what_the_console_shows(tmp_path):
    long_name = "가" * 300 + ".png"
    content_type = "image/" + "x" * 150
    ingest(
        tmp_path,
        raw_mail(
            subject="환" * 250,
            sender=f'"{"홍" * 150}" <hong@example.com>',
            files=((long_name, content_type, b"\x89PNG data"),),
        ),
    )
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.requester_name) == ("환" * 200, "홍" * 100)
    attachment = Attachment.objects.get()
    # Shortened to 150 characters with its extension kept (it used to be cut to 255 first, and lost it).
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "가" * 146 + ".png",
        content_type[:100],
        9,
    )
    assert attachment.file.read() == b"\x89PNG data"


def test_a_300_character_file_name_keeps_its_extension(tmp_path):
    long_name = "견적서" * 99 + "abc.pdf"  # 304 characters
    ingest(tmp_path, raw_mail(files=((long_name, "application/pdf", b"%PDF-1.4 data"),)))
    attachment = Attachment.objects.get()
    assert len(attachment.filename) <= 255
    assert attachment.filename.startswith("견적서견적서") and attachment.filename.endswith(".pdf")


@pytest.fixture
def ten_byte_limit(monkeypatch):
    monkeypatch.setattr(ingest_module, "MAX_EMAIL_ATTACHMENT_BYTES", 10)


def test_a_file_at_the_limit_is_kept_and_one_over_it_is_named_in_a_note_for_agents(tmp_path, ten_byte_limit):
    ingest(
        tmp_path,
        raw_mail(files=(("fits.pdf", "application/pdf", b"x" * 10), ("big.pdf", "application/pdf", b"x" * 11))),
    )
    ticket = Ticket.objects.get()
    assert list(Attachment.objects.values_list("filename", "size")) == [("fits.pdf", 10)]
    note = ticket.messages.get(author_kind="system")
    assert (note.is_internal, note.body) == (True, "너무 커서 보관하지 못한 첨부 파일(25MB 초과): big.pdf")


def test_no_note_when_every_file_was_kept(tmp_path, ten_byte_limit):
    ingest(tmp_path, raw_mail(files=(("fits.pdf", "application/pdf", b"x" * 10),)))
    assert list(Message.objects.values_list("author_kind", flat=True)) == ["customer"]


def test_a_reply_keeps_its_headers_files_and_the_note_on_the_same_ticket(tmp_path, ten_byte_limit):
    ingest(tmp_path, raw_mail())
    ticket = Ticket.objects.get()
    line = ingest(
        tmp_path,
        raw_mail(
            subject=f"Re: 결제 문의 [{ticket.reference}]",
            body="명세서 보내드려요.",
            message_id="<m2@example.com>",
            headers="In-Reply-To: <m1@example.com>\r\nReferences: <m0@example.com> <m1@example.com>\r\n",
            files=(
                ("a.png", "image/png", b"png"),
                ("b.png", "image/png", b"p" * 11),
                ("c.png", "image/png", b"q" * 12),
            ),
        ),
    )
    assert line == f"appended {ticket.reference}"
    assert Ticket.objects.count() == 1
    reply = ticket.messages.get(message_id="<m2@example.com>")
    assert (reply.body, reply.in_reply_to, reply.references, reply.sender_email) == (
        "명세서 보내드려요.",
        "<m1@example.com>",
        "<m0@example.com> <m1@example.com>",
        "hong@example.com",
    )
    assert list(reply.attachments.values_list("filename", "content_type", "size")) == [("a.png", "image/png", 3)]
    note = ticket.messages.get(author_kind="system")
    assert (note.is_internal, note.body) == (True, "너무 커서 보관하지 못한 첨부 파일(25MB 초과): b.png, c.png")


def test_a_subject_that_is_only_a_strangers_reference_stays_as_it_was(tmp_path):
    ingest(tmp_path, raw_mail())
    victim = Ticket.objects.get()
    ingest(
        tmp_path,
        raw_mail(subject=f"[{victim.reference}]", sender="mallory@attacker.example", message_id="<x@attacker.example>"),
    )
    new = Ticket.objects.exclude(pk=victim.pk).get()
    assert (new.subject, new.linked_ticket, new.requester_name) == (f"[{victim.reference}]", victim, "")
