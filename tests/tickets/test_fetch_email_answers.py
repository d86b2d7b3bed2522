"""manage.py fetch_email against scripted IMAP answers: every reply a server may give, exactly.

tests/tickets/test_fetch_email.py talks to a real Dovecot when one is installed; this file needs
none. The scripted server is imaplib's own class with the network taken out, so the command sees
the same exceptions (IMAP4.error, .abort, .readonly) and the same (status, data) answers.
"""

from __future__ import annotations

import imaplib
import io
import ssl
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, OperationalError

from tickets.mail import imap
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "mail_samples"
GMAIL = (SAMPLES / "01_gmail_utf8_alternative.eml").read_bytes()
NAVER = (SAMPLES / "02_naver_reply_quoted.eml").read_bytes()
NOT_AN_EMAIL = b"this is not an e-mail at all\r\n"
KEYWORDS_ALLOWED = [b"(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)"]


class ScriptedServer(imaplib.IMAP4):
    """Answers from `script`; records every command it was sent in `sent`."""

    script: dict = {}
    opened: list = []

    def __init__(self, host, port, timeout=None, ssl_context=None):  # no socket, no greeting
        self.sent: list[tuple] = []
        self.state = "AUTH"
        self.opened.append({"host": host, "port": port, "timeout": timeout, "ssl_context": ssl_context, "server": self})
        if "connect" in self.script:
            raise self.script["connect"]

    def _answer(self, name: str, default):
        answer = self.script.get(name, default)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def login(self, user, password):
        self.sent.append(("LOGIN", user, password))
        return self._answer("login", ("OK", [b"Logged in"]))

    def select(self, mailbox="INBOX", readonly=False):
        self.sent.append(("SELECT", mailbox))
        return self._answer("select", ("OK", [b"2"]))

    def response(self, code):
        return self._answer("permanentflags", ("PERMANENTFLAGS", KEYWORDS_ALLOWED))

    def uid(self, command, *args):
        self.sent.append((command, *args))
        if command == "SEARCH":
            return self._answer("search", ("OK", [b" ".join(self.script.get("messages", {}))]))
        if command == "FETCH":
            uid = args[0].encode()
            if "fetch" in self.script:
                return self._answer("fetch", None)
            body = self.script.get("messages", {}).get(uid)
            if body is None:
                return "OK", [None]
            return "OK", [(b"%s (UID %s BODY[] {%d}" % (uid, uid, len(body)), body), b")"]
        if command == "STORE":
            return self._answer("store", ("OK", [None]))
        raise AssertionError(f"unexpected command {command}")

    def expunge(self):
        self.sent.append(("EXPUNGE",))
        return self._answer("expunge", ("OK", [None]))

    def logout(self):
        self.sent.append(("LOGOUT",))
        return "BYE", [b"Logging out"]


class ScriptedSSLServer(ScriptedServer):
    pass


@pytest.fixture
def server(monkeypatch, settings):
    settings.IMAP_HOST = "imap.example.com"
    settings.IMAP_PORT = 993
    settings.IMAP_USER = "helpdesk"
    settings.IMAP_PASSWORD = "correct-horse-battery"
    settings.IMAP_SSL = True
    settings.IMAP_MAILBOX = "INBOX"
    ScriptedServer.script = {}
    ScriptedServer.opened = []
    monkeypatch.setattr(imaplib, "IMAP4", ScriptedServer)
    monkeypatch.setattr(imaplib, "IMAP4_SSL", ScriptedSSLServer)
    return ScriptedServer


def fetch(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("fetch_email", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def stores(connection) -> list[tuple]:
    return [command for command in connection.sent if command[0] == "STORE"]


def test_each_unseen_message_becomes_a_ticket_and_is_marked_seen(server):
    server.script = {"messages": {b"7": GMAIL, b"9": NAVER}}
    code, out, err = fetch()
    assert (code, err) == (0, "")
    tickets = list(Ticket.objects.order_by("id"))
    assert out.splitlines() == [f"created {ticket.reference}" for ticket in tickets]
    assert tickets[0].subject == "결제했는데 프리미엄이 적용되지 않아요"
    opened = server.opened[0]
    connection = opened["server"]
    assert (opened["host"], opened["port"], opened["timeout"]) == ("imap.example.com", 993, 60)
    assert connection.sent[0] == ("LOGIN", "helpdesk", "correct-horse-battery")
    assert connection.sent[1] == ("SELECT", '"INBOX"')
    assert connection.sent[2] == ("SEARCH", "UNSEEN")
    # peeking: a plain BODY[] would mark the message seen before its ticket exists
    assert ("FETCH", "7", "(BODY.PEEK[])") in connection.sent
    assert stores(connection) == [
        ("STORE", "7", "+FLAGS.SILENT", "(\\Seen)"),
        ("STORE", "9", "+FLAGS.SILENT", "(\\Seen)"),
    ]
    assert ("EXPUNGE",) not in connection.sent
    assert connection.sent[-1] == ("LOGOUT",)


def test_tls_checks_the_certificate_and_the_name(server):
    code, _out, _err = fetch()
    context = server.opened[0]["ssl_context"]
    assert code == 0 and isinstance(server.opened[0]["server"], ScriptedSSLServer)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname is True


def test_plain_imap_when_ssl_is_off(server, settings):
    settings.IMAP_SSL = False
    settings.IMAP_PORT = 143
    code, _out, _err = fetch()
    opened = server.opened[0]
    assert code == 0 and type(opened["server"]) is ScriptedServer
    assert (opened["port"], opened["ssl_context"], opened["timeout"]) == (143, None, 60)


def test_with_delete_filed_messages_are_deleted_and_expunged(server):
    server.script = {"messages": {b"3": GMAIL}}
    code, out, _err = fetch("--delete")
    connection = server.opened[0]["server"]
    assert code == 0 and out.startswith("created HC-")
    assert stores(connection) == [("STORE", "3", "+FLAGS.SILENT", "(\\Seen \\Deleted)")]
    assert ("EXPUNGE",) in connection.sent


def test_a_message_that_is_not_an_email_is_rejected_flagged_and_never_deleted(server):
    server.script = {"messages": {b"4": NOT_AN_EMAIL, b"5": GMAIL}}
    code, out, _err = fetch("--delete")
    connection = server.opened[0]["server"]
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("rejected ") and lines[1].startswith("created HC-")
    assert stores(connection) == [
        ("STORE", "4", "+FLAGS.SILENT", "(\\Seen $Rejected)"),
        ("STORE", "5", "+FLAGS.SILENT", "(\\Seen \\Deleted)"),
    ]
    assert Ticket.objects.count() == 1


def test_a_server_without_keywords_only_gets_seen_on_a_rejected_message(server):
    server.script = {"messages": {b"4": NOT_AN_EMAIL}, "permanentflags": ("PERMANENTFLAGS", [b"(\\Seen \\Deleted)"])}
    code, _out, _err = fetch()
    assert code == 0
    assert stores(server.opened[0]["server"]) == [("STORE", "4", "+FLAGS.SILENT", "(\\Seen)")]


def test_a_message_the_database_refuses_is_rejected_and_the_rest_filed(server, monkeypatch):
    from django.db import DataError

    real_ingest = imap.ingest

    def refuse_the_first(raw):
        if raw == NAVER:
            raise DataError("value too long")
        return real_ingest(raw)

    monkeypatch.setattr(imap, "ingest", refuse_the_first)
    server.script = {"messages": {b"1": NAVER, b"2": GMAIL}}
    code, out, _err = fetch()
    assert code == 0
    assert out.splitlines()[0] == "rejected cannot be stored (DataError)"
    assert out.splitlines()[1].startswith("created HC-")


def test_a_redelivered_message_is_ignored_and_marked_seen(server):
    server.script = {"messages": {b"1": GMAIL}}
    fetch()
    ScriptedServer.opened = []
    code, out, _err = fetch()
    ticket = Ticket.objects.get()
    assert code == 0 and out == f"ignored duplicate of a message in {ticket.reference}\n"
    assert stores(server.opened[0]["server"]) == [("STORE", "1", "+FLAGS.SILENT", "(\\Seen)")]


def test_a_message_expunged_since_the_search_is_skipped(server):
    server.script = {"messages": {b"1": None, b"2": GMAIL}}
    code, out, _err = fetch()
    connection = server.opened[0]["server"]
    assert code == 0 and len(out.splitlines()) == 1
    assert [command[1] for command in stores(connection)] == ["2"]


def test_flag_updates_for_other_messages_in_the_fetch_answer_are_passed_over(server):
    class WithUnsolicitedFlags(ScriptedServer):
        def uid(self, command, *args):
            if command == "FETCH":
                self.sent.append((command, *args))
                return "OK", [b"12 (FLAGS (\\Seen))", (b"2 (UID 2 BODY[] {10}", GMAIL), b")"]
            return super().uid(command, *args)

    server.script = {"messages": {b"2": GMAIL}}
    imaplib.IMAP4_SSL = WithUnsolicitedFlags
    code, out, _err = fetch()
    assert code == 0 and out.startswith("created HC-") and Ticket.objects.count() == 1


def test_an_unset_host_is_a_configuration_error(server, settings):
    settings.IMAP_HOST = ""
    code, out, err = fetch()
    assert (code, out, err) == (78, "", "not configured: IMAP_HOST is not set\n")
    assert server.opened == []


def test_a_refused_login_is_a_configuration_error(server):
    server.script = {"login": imaplib.IMAP4.error("b'[AUTHENTICATIONFAILED] Authentication failed.'")}
    code, _out, err = fetch()
    assert code == 78
    assert err == "not configured: IMAP login refused for 'helpdesk': [AUTHENTICATIONFAILED] Authentication failed.\n"


def test_a_server_whose_back_end_is_down_is_a_temporary_failure(server):
    server.script = {"login": imaplib.IMAP4.error("b'[UNAVAILABLE] Temporary   authentication failure'")}
    code, _out, err = fetch()
    assert code == 75
    assert err == "temporary failure: IMAP server unavailable ([UNAVAILABLE] Temporary authentication failure)\n"


def test_a_dropped_connection_at_login_is_a_temporary_failure(server):
    server.script = {"login": imaplib.IMAP4.abort("socket error: EOF")}
    code, _out, err = fetch()
    assert (code, err) == (75, "temporary failure: IMAP server unavailable (socket error: EOF)\n")


def test_an_unreachable_server_is_a_temporary_failure(server):
    server.script = {"connect": ConnectionRefusedError(111, "Connection refused")}
    code, _out, err = fetch()
    assert (code, err) == (75, "temporary failure: IMAP server unavailable (Connection refused)\n")


def test_a_mailbox_name_with_spaces_and_quotes_is_sent_quoted(server, settings):
    settings.IMAP_MAILBOX = 'Support "box"\\new'
    fetch()
    assert server.opened[0]["server"].sent[1] == ("SELECT", '"Support \\"box\\"\\\\new"')


def test_a_missing_mailbox_is_a_configuration_error(server, settings):
    settings.IMAP_MAILBOX = "Support"
    server.script = {"select": ("NO", [b"Mailbox doesn't exist: Support"])}
    code, _out, err = fetch()
    assert (code, err) == (78, "not configured: cannot open IMAP mailbox 'Support': Mailbox doesn't exist: Support\n")


def test_a_read_only_mailbox_is_a_configuration_error(server):
    server.script = {"select": imaplib.IMAP4.readonly("INBOX is not writable")}
    code, _out, err = fetch()
    assert code == 78
    assert err == "not configured: IMAP mailbox 'INBOX' is read-only: messages cannot be marked done\n"


def test_a_refused_search_is_a_temporary_failure(server):
    server.script = {"search": ("NO", [b"Server  busy", b"try later"])}
    code, _out, err = fetch()
    assert (code, err) == (75, "temporary failure: IMAP server unavailable (Server busy try later)\n")


def test_a_refused_fetch_stops_the_run_and_files_nothing(server):
    server.script = {"messages": {b"1": GMAIL}, "fetch": ("NO", [])}
    code, out, err = fetch()
    assert (code, out, err) == (75, "", "temporary failure: IMAP server unavailable (no answer)\n")
    assert Ticket.objects.count() == 0


def test_a_refused_flag_is_reported_after_the_ticket_line(server):
    server.script = {"messages": {b"1": GMAIL}, "store": ("NO", [b"STORE failed"])}
    code, out, err = fetch()
    assert code == 75 and out.startswith("created HC-")
    assert err == "temporary failure: IMAP server unavailable (STORE failed)\n"


def test_a_refused_expunge_is_a_temporary_failure(server):
    server.script = {"messages": {b"1": GMAIL}, "expunge": ("NO", [b"EXPUNGE failed"])}
    code, _out, err = fetch("--delete")
    assert (code, err) == (75, "temporary failure: IMAP server unavailable (EXPUNGE failed)\n")


def test_a_database_outage_stops_the_run_and_leaves_the_rest_unseen(server, monkeypatch):
    def outage(raw):
        raise OperationalError("database is locked")

    monkeypatch.setattr(imap, "ingest", outage)
    server.script = {"messages": {b"1": GMAIL, b"2": NAVER}}
    code, out, err = fetch()
    assert (code, out, err) == (75, "", "temporary failure: database unavailable (OperationalError)\n")
    assert stores(server.opened[0]["server"]) == []


def test_a_storage_failure_stops_the_run(server, monkeypatch):
    def disk_full(raw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(imap, "ingest", disk_full)
    server.script = {"messages": {b"1": GMAIL}}
    code, _out, err = fetch()
    assert (code, err) == (75, "temporary failure: storage unavailable (No space left on device)\n")


@pytest.mark.parametrize(
    "error, described",
    [
        (imaplib.IMAP4.error("b'[ALERT] quota\\texceeded'"), "[ALERT] quota\\texceeded"),
        (imaplib.IMAP4.error('b"it\'s down"'), "it's down"),
        (imaplib.IMAP4.error("plain words"), "plain words"),
        (imaplib.IMAP4.error(""), "no answer"),
        (OSError(), "OSError"),
        (TimeoutError("timed out"), "timed out"),
        ([b"first", None, b"second"], "first second"),
        ([b"\xff broken"], "\ufffd broken"),
    ],
)
def test_server_errors_are_described_in_one_line(error, described):
    assert imap._describe(error) == described


@pytest.mark.parametrize(
    "failure, described",
    [
        (IntegrityError("NOT NULL constraint failed"), "the database refused a message (IntegrityError)"),
        (OperationalError("database is locked"), "database unavailable (OperationalError)"),
        (OSError(28, "No space left on device"), "storage unavailable (No space left on device)"),
    ],
)
def test_with_delete_what_was_filed_before_a_failure_is_still_expunged(server, monkeypatch, failure, described):
    real_ingest = imap.ingest

    def second_fails(raw):
        if raw == NAVER:
            raise failure
        return real_ingest(raw)

    monkeypatch.setattr(imap, "ingest", second_fails)
    server.script = {"messages": {b"1": GMAIL, b"2": NAVER}}
    code, out, err = fetch("--delete")
    connection = server.opened[0]["server"]
    assert (code, err) == (75, f"temporary failure: {described}\n")
    assert out.startswith("created HC-") and Ticket.objects.count() == 1
    assert stores(connection) == [("STORE", "1", "+FLAGS.SILENT", "(\\Seen \\Deleted)")]
    assert connection.sent[-2:] == [("EXPUNGE",), ("LOGOUT",)]
