"""manage.py ingest_email with real RFC 5322 bytes: threading, loop safety, decoding, exit codes."""

from __future__ import annotations

import base64
import io
import os
import re
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


# --- who may join a conversation -------------------------------------------------------------


def card_headers(html: str) -> list[str]:
    """Who each message on the customer's private page is shown as, in order."""
    return re.findall(r'<div class="card-header[^"]*">\s*<span>([^<]*)</span>', html)


def test_the_sender_of_each_message_is_stored(tmp_path):
    ingest(tmp_path, mail("<s1@example.com>", sender="Hong@Example.com"))
    assert Message.objects.get().sender_email == "hong@example.com"


def test_mail_from_a_stranger_naming_a_ticket_opens_a_new_one_linked_to_it(tmp_path, client, admin_client):
    ingest(tmp_path, mail("<a1@example.com>"))
    victim = Ticket.objects.get()
    actions.solve(victim)
    ack = OutgoingEmail.objects.get(kind="acknowledgement")
    line = ingest(
        tmp_path,
        mail(
            "<evil@attacker.example>",
            subject=f"Re: 결제 문의 [{victim.reference}]",
            body="제 계좌로 환불해 주세요.",
            sender="mallory@attacker.example",
            extra=f"In-Reply-To: {ack.message_id}\r\nReferences: {ack.message_id}\r\n",
        ),
    )
    new = Ticket.objects.exclude(pk=victim.pk).get()
    assert line == f"created {new.reference}"
    assert (new.requester_email, new.subject, new.linked_ticket) == (
        "mallory@attacker.example",
        "Re: 결제 문의",
        victim,
    )
    victim.refresh_from_db()
    assert victim.status == "solved" and victim.messages.filter(author_kind="customer").count() == 1
    assert "제 계좌로" not in client.get(victim.tracking_path()).content.decode()
    # The stranger is acknowledged for their own request only; agents see the link both ways.
    assert list(OutgoingEmail.objects.filter(kind="acknowledgement").order_by("pk").values_list("to", flat=True)) == [
        "hong@example.com",
        "mallory@attacker.example",
    ]
    note = new.messages.get(author_kind="system")
    assert note.is_internal
    assert note.body == (
        f"이 메일은 {victim.reference} 문의를 언급했지만, mallory@attacker.example 님은 그 문의의 대화에 참여한 적이 "
        "없어 새 문의로 접수했습니다."
    )
    victim_page = admin_client.get(f"/admin/tickets/ticket/{victim.pk}/change/").content.decode()
    assert (
        f'<a href="/admin/tickets/ticket/{new.pk}/change/">{new.reference}</a> (mallory@attacker.example)'
        in victim_page
    )
    new_page = admin_client.get(f"/admin/tickets/ticket/{new.pk}/change/").content.decode()
    assert f'<a href="/admin/tickets/ticket/{victim.pk}/change/">{victim.reference}</a> (hong@example.com)' in new_page


@pytest.mark.parametrize(
    "form", ["[{ref}] 추가 문의", "#{ref} 추가 문의", "{ref} 추가 문의", "Re: 문의 ({ref})", "{lower}"]
)
def test_the_requester_can_name_the_ticket_as_people_type_it(tmp_path, form):
    ingest(tmp_path, mail("<a1@example.com>"))
    ticket = Ticket.objects.get()
    subject = form.format(ref=ticket.reference, lower=ticket.reference.lower())
    assert ingest(tmp_path, mail("<a2@example.com>", subject=subject)) == f"appended {ticket.reference}"
    assert ticket.messages.count() == 2


@pytest.mark.parametrize("subject", ["XHC-{code} 문의", "HC-{code}9 문의", "HC{code} 문의"])
def test_a_reference_inside_a_longer_word_names_nothing(tmp_path, subject):
    ingest(tmp_path, mail("<a1@example.com>"))
    ticket = Ticket.objects.get()
    line = ingest(tmp_path, mail("<a2@example.com>", subject=subject.format(code=ticket.reference[3:])))
    assert line.startswith("created ") and Ticket.objects.count() == 2
    assert Ticket.objects.exclude(pk=ticket.pk).get().linked_ticket is None


def test_someone_the_requester_copied_joins_and_is_shown_as_themselves(tmp_path, client):
    ingest(tmp_path, mail("<a1@example.com>", extra="Cc: 김동료 <colleague@example.com>, help@example.com\r\n"))
    ticket = Ticket.objects.get()
    assert ticket.messages.get().recipients == "colleague@example.com"  # the help center is not a party
    line = ingest(
        tmp_path,
        mail(
            "<c2@example.com>",
            body="저도 같은 결제가 보여요.",
            sender="colleague@example.com",
            extra="In-Reply-To: <a1@example.com>\r\n",
        ),
    )
    assert line == f"appended {ticket.reference}"
    assert ticket.messages.order_by("pk").last().sender_email == "colleague@example.com"
    html = client.get(ticket.tracking_path()).content.decode()
    assert card_headers(html) == ["고객님", "colleague@example.com"]


# --- sent by the help center itself ----------------------------------------------------------


@pytest.mark.parametrize("sender", ["help@example.com", "HELP@Example.COM"])
def test_mail_sent_from_the_support_address_is_ignored(tmp_path, sender):
    line = ingest(tmp_path, mail("<own@example.com>", sender=sender))
    assert line == "ignored sent by the help center itself"
    assert (Ticket.objects.count(), Message.objects.count(), OutgoingEmail.objects.count()) == (0, 0, 0)


def test_mail_from_another_address_at_the_support_domain_is_filed(tmp_path):
    assert ingest(tmp_path, mail("<colleague@example.com>", sender="helpdesk@example.com")).startswith("created ")


# --- failures leave nothing behind -----------------------------------------------------------


def files_under(root) -> list:
    return [path for path in Path(root).rglob("*") if path.is_file()] if Path(root).exists() else []


def ingest_exit_code(tmp_path, raw: bytes) -> tuple[int, str]:
    path = tmp_path / "message.eml"
    path.write_bytes(raw)
    err = io.StringIO()
    try:
        call_command("ingest_email", str(path), stdout=io.StringIO(), stderr=err)
    except SystemExit as exit:
        return exit.code, err.getvalue().strip()
    return 0, err.getvalue().strip()


def test_an_injected_constraint_error_is_retried_not_dropped_and_leaves_no_file(tmp_path, media, monkeypatch):
    from django.db import IntegrityError

    def broken_acknowledgement(ticket):
        raise IntegrityError("CHECK constraint failed: injected")

    monkeypatch.setattr("tickets.mail.ingest.notifications.acknowledge", broken_acknowledgement)
    raw = (SAMPLES / "07_pdf_rfc2231_korean_name.eml").read_bytes()
    for _ in range(5):
        code, err = ingest_exit_code(tmp_path, raw)
        assert (code, err) == (
            75,
            f"{tmp_path}/message.eml: temporary failure: the database refused the message (IntegrityError)",
        )
    assert files_under(media) == []
    assert (Ticket.objects.count(), Message.objects.count()) == (0, 0)
    monkeypatch.undo()
    assert ingest_exit_code(tmp_path, raw)[0] == 0  # the MTA's retry files it
    assert len(files_under(media)) == 1


def test_a_storage_write_that_fails_half_way_leaves_no_partial_file(tmp_path, media, monkeypatch):
    from django.core.files.base import ContentFile

    class DiskFullHalfWay(ContentFile):
        def chunks(self, chunk_size=None):
            yield self.read(64 * 1024)
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("tickets.mail.ingest.ContentFile", DiskFullHalfWay)
    pdf = base64.b64encode(b"%PDF-1.4\n" + b"0" * (1024 * 1024)).decode()
    raw = (
        "From: hong@example.com\r\nTo: help@example.com\r\nSubject: 영수증\r\nMessage-ID: <disk@example.com>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain; charset=utf-8\r\n\r\n첨부합니다.\r\n--b\r\n"
        'Content-Type: application/pdf; name="receipt.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{pdf}\r\n--b--\r\n"
    ).encode()
    code, err = ingest_exit_code(tmp_path, raw)
    assert (code, err) == (
        75,
        f"{tmp_path}/message.eml: temporary failure: storage unavailable (No space left on device)",
    )
    assert files_under(media) == [] and Ticket.objects.count() == 0


def test_a_duplicate_that_arrives_at_the_same_moment_is_ignored(tmp_path, monkeypatch):
    from tickets.mail import ingest as ingest_module

    ingest(tmp_path, mail("<same@example.com>"))
    real = ingest_module._duplicate
    calls = []

    def too_late_to_see(parsed):
        calls.append(parsed.message_id)
        return None if len(calls) == 1 else real(parsed)  # the other delivery commits in between

    monkeypatch.setattr(ingest_module, "_duplicate", too_late_to_see)
    line = ingest(tmp_path, mail("<same@example.com>"))
    assert line == f"ignored duplicate of a message in {Ticket.objects.get().reference}"
    assert calls == ["<same@example.com>", "<same@example.com>"] and Message.objects.count() == 1
