"""manage.py ingest_email with real RFC 5322 bytes: threading, loop safety, decoding, exit codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from outbox.models import OutgoingEmail
from tickets import actions
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "mail_samples"
ROOT = Path(__file__).resolve().parents[2]


def mail(
    message_id: str,
    subject: str = "결제 문의",
    body: str = "두 번 결제됐어요.",
    sender: str = "hong@example.com",
    extra: str = "",
) -> bytes:
    return (
        f"From: 홍길동 <{sender}>\r\nTo: help@example.com\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\nDate: Tue, 24 Nov 2026 10:00:00 +0900\r\n{extra}"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def ingest(tmp_path, raw: bytes) -> str:
    path = tmp_path / "message.eml"
    path.write_bytes(raw)
    out = io.StringIO()
    call_command("ingest_email", str(path), stdout=out)
    return out.getvalue().strip()


def test_a_new_message_opens_an_email_ticket_and_is_acknowledged(tmp_path):
    line = ingest(tmp_path, mail("<a1@example.com>"))
    ticket = Ticket.objects.get()
    assert line == f"created {ticket.reference}"
    assert (ticket.channel, ticket.subject, ticket.requester_email, ticket.requester_name) == (
        "email",
        "결제 문의",
        "hong@example.com",
        "홍길동",
    )
    assert ticket.messages.get().body == "두 번 결제됐어요."
    assert OutgoingEmail.objects.get().kind == "acknowledgement"


def test_replies_thread_by_in_reply_to_our_own_mail(tmp_path):
    ingest(tmp_path, mail("<a1@example.com>"))
    ticket = Ticket.objects.get()
    ack = OutgoingEmail.objects.get()
    line = ingest(
        tmp_path,
        mail(
            "<a2@example.com>",
            subject="Re: 다른 제목",
            body="추가로 영수증 보냅니다.",
            extra=f"In-Reply-To: {ack.message_id}\r\n",
        ),
    )
    assert line == f"appended {ticket.reference}"
    assert Ticket.objects.count() == 1 and ticket.messages.count() == 2


def test_replies_thread_by_references_to_any_message_of_the_ticket(tmp_path, admin_user):
    ingest(tmp_path, mail("<a1@example.com>"))
    ticket = Ticket.objects.get()
    actions.agent_reply(ticket, admin_user, "확인 중입니다.")
    line = ingest(
        tmp_path,
        mail("<a3@example.com>", subject="무관한 제목", extra="References: <unknown@x.com>\r\n <a1@example.com>\r\n"),
    )
    assert line == f"appended {ticket.reference}"


def test_replies_thread_by_the_reference_tag_in_the_subject(tmp_path):
    ingest(tmp_path, mail("<a1@example.com>"))
    ticket = Ticket.objects.get()
    line = ingest(tmp_path, mail("<a4@other.com>", subject=f"RE: 답장 [{ticket.reference}]"))
    assert line == f"appended {ticket.reference}"


def test_the_same_message_id_twice_is_stored_once(tmp_path):
    ingest(tmp_path, mail("<dup@example.com>"))
    line = ingest(tmp_path, mail("<dup@example.com>"))
    assert line.startswith("ignored duplicate")
    assert Message.objects.count() == 1


def test_a_customer_reply_reopens_a_waiting_or_solved_ticket(tmp_path, admin_user):
    ingest(tmp_path, mail("<a1@example.com>"))
    ticket = Ticket.objects.get()
    actions.agent_reply(ticket, admin_user, "명세서를 보내 주세요.", pending=True)
    ingest(tmp_path, mail("<a5@example.com>", extra="In-Reply-To: <a1@example.com>\r\n"))
    ticket.refresh_from_db()
    assert ticket.status == "open"
    actions.solve(ticket)
    ingest(tmp_path, mail("<a6@example.com>", extra="In-Reply-To: <a1@example.com>\r\n"))
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_a_reply_to_a_closed_ticket_opens_a_follow_up(tmp_path):
    ingest(tmp_path, mail("<a1@example.com>"))
    old = Ticket.objects.get()
    old.close()
    line = ingest(tmp_path, mail("<a7@example.com>", subject=f"Re: 결제 문의 [{old.reference}]"))
    new = Ticket.objects.exclude(pk=old.pk).get()
    assert line == f"created {new.reference}"
    assert old.reference in new.messages.get().body


@pytest.mark.parametrize(
    "sample",
    [
        "10_auto_submitted_auto_replied.eml",
        "11_x_autoreply.eml",
        "12_precedence_bulk.eml",
        "14_mailer_daemon_bounce.eml",
        "28_list_unsubscribe_newsletter.eml",
    ],
)
def test_auto_replies_and_bounces_open_nothing_and_are_never_answered(tmp_path, sample):
    line = ingest(tmp_path, (SAMPLES / sample).read_bytes())
    assert line.startswith("ignored ")
    assert Ticket.objects.count() == 0 and OutgoingEmail.objects.count() == 0


def test_auto_submitted_no_is_an_ordinary_message(tmp_path):
    assert ingest(tmp_path, (SAMPLES / "13_auto_submitted_no.eml").read_bytes()).startswith("created ")


def test_acknowledgements_to_one_address_are_rate_limited(tmp_path, settings):
    settings.TICKETS_ACKS_PER_ADDRESS = 2
    for i in range(4):
        ingest(tmp_path, mail(f"<r{i}@example.com>", subject=f"문의 {i}"))
    assert Ticket.objects.count() == 4
    assert OutgoingEmail.objects.filter(kind="acknowledgement").count() == 2


def test_korean_legacy_mail_is_decoded_and_quoted_history_folded(tmp_path):
    ingest(tmp_path, (SAMPLES / "03_outlook_ks_c_5601_1987.eml").read_bytes())
    message = Ticket.objects.get().messages.get()
    assert "똠" in message.full_body or "햏" in message.full_body or "뷁" in message.full_body
    assert "원본 메시지" in message.full_body and "원본 메시지" not in message.body
    assert message.has_folded_history


def test_attachments_keep_their_decoded_names(tmp_path):
    ingest(tmp_path, (SAMPLES / "07_pdf_rfc2231_korean_name.eml").read_bytes())
    attachment = Ticket.objects.get().messages.get().attachments.get()
    assert attachment.filename == "환불_영수증.pdf" and attachment.file.read().startswith(b"%PDF")


def test_card_numbers_in_mail_are_masked_before_saving(tmp_path):
    ingest(
        tmp_path,
        mail("<c1@example.com>", subject="카드 4111 1111 1111 1111 결제", body="카드번호 4111-1111-1111-1111 입니다"),
    )
    ticket = Ticket.objects.get()
    message = ticket.messages.get()
    assert "4111-1111" not in message.body and "************1111" in message.body
    assert "4111 1111" not in ticket.subject
    assert "4111-1111" not in message.full_body


def run(*args: str, stdin: bytes = b"", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "ingest_email", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=120,
        env={**os.environ, "DJANGO_DEBUG": "1", **(env or {})},
    )


def test_garbage_exits_65_with_one_line_and_no_traceback():
    result = run(stdin=b"\x00\x01 not an e-mail")
    assert result.returncode == 65
    assert b"Traceback" not in result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unavailable_database_exits_75_so_the_mta_retries(tmp_path):
    result = run(stdin=mail("<x@example.com>"), env={"DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"})
    assert result.returncode == 75, result.stderr
    assert b"Traceback" not in result.stdout + result.stderr


def test_unavailable_storage_exits_75_and_stores_nothing(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
        env={**os.environ, "DJANGO_DEBUG": "1", **env},
    )
    assert migrate.returncode == 0, migrate.stderr
    (tmp_path / "not-a-directory").write_text("x")
    result = run(
        stdin=(SAMPLES / "07_pdf_rfc2231_korean_name.eml").read_bytes(),
        env={**env, "MEDIA_ROOT": str(tmp_path / "not-a-directory" / "media")},
    )
    assert result.returncode == 75, result.stderr
    assert b"storage unavailable" in result.stderr and b"Traceback" not in result.stderr
    count = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from tickets.models import Ticket; print(Ticket.objects.count())",
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        env={**os.environ, "DJANGO_DEBUG": "1", **env},
    )
    assert count.stdout.strip() == b"0"  # the whole message is retried later, nothing half-stored


def test_overlong_ids_are_dropped_and_the_message_still_filed(tmp_path):
    long_id = "<" + "a" * 300 + "@example.com>"
    line = ingest(tmp_path, mail(long_id, extra=f"In-Reply-To: {long_id} <short@example.com>\r\n"))
    assert line.startswith("created ")
    message = Message.objects.get()
    assert message.message_id == "" and message.in_reply_to == "<short@example.com>"


def test_an_overlong_sender_is_refused_not_retried():
    sender = "a" * 250 + "@example.com"
    result = run(stdin=mail("<long-sender@example.com>", sender=sender))
    assert result.returncode == 65
    assert b"Traceback" not in result.stderr
