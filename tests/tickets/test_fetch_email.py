"""manage.py fetch_email against a real IMAP server: a throwaway Dovecot on loopback, started here."""

from __future__ import annotations

import grp
import imaplib
import io
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError

from tickets.mail import imap
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "mail_samples"
ROOT = Path(__file__).resolve().parents[2]
DOVECOT = Path("/usr/sbin/dovecot")
USER, PASSWORD = "helpdesk", "correct-horse-battery"
NOT_AN_EMAIL = b"this is not an e-mail at all\r\n"


@dataclass
class Server:
    port: int
    tls_port: int
    certificate: Path  # self-signed for 127.0.0.1: trusted only where a test says so


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dovecot_config(root: Path, port: int, tls_port: int, mail_uid: int, mail_gid: int) -> str:
    if os.geteuid() == 0:
        # Dovecot drops root: its helpers run as the users the Debian package creates.
        users, chroot = "default_internal_user = dovecot\ndefault_login_user = dovenull\n", "login"
    else:
        # Without root every process runs as us, and none can chroot.
        me, group = pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name
        users = f"default_internal_user = {me}\ndefault_internal_group = {group}\ndefault_login_user = {me}\n"
        chroot = ""
    # Dovecot 2.3 (Debian 12) spells cleartext logins disable_plaintext_auth; 2.4 auth_allow_cleartext.
    return f"""\
instance_name = hc-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_failure_delay = 0
{users}
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot = {chroot}
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot = {"empty" if chroot else ""}
}}
"""


@contextmanager
def running_dovecot() -> Iterator[Server]:
    if not DOVECOT.exists():
        reason = "Dovecot is not installed (apt-get install dovecot-imapd); the IMAP tests need a real server"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    # Not pytest's tmp_path: as root, Dovecot's helpers run as other users, who cannot enter its 0700 base.
    root = Path(tempfile.mkdtemp(prefix="hc-dovecot-"))
    try:
        port, tls_port = free_port(), free_port()
        write_dovecot_files(root, port, tls_port)
        with open(root / "output", "wb") as output:
            process = subprocess.Popen(
                [DOVECOT, "-F", "-c", root / "dovecot.conf"], stdin=subprocess.DEVNULL, stdout=output, stderr=output
            )
            try:
                wait_for_greeting(process, port, root)
                yield Server(port, tls_port, root / "cert.pem")
            finally:
                process.terminate()  # the master stops its children on the way out
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def write_dovecot_files(root: Path, port: int, tls_port: int) -> None:
    root.chmod(0o755)
    (root / "mail").mkdir()
    # Dovecot refuses to keep mail as root; as root, the mail belongs to nobody.
    owner = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    os.chown(root / "mail", owner.pw_uid, owner.pw_gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::\n")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", root / "key.pem", "-out", root / "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    (root / "dovecot.conf").write_text(dovecot_config(root, port, tls_port, owner.pw_uid, owner.pw_gid))


def wait_for_greeting(process: subprocess.Popen, port: int, root: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    logs = [(root / name).read_text(errors="replace") for name in ("output", "dovecot.log") if (root / name).exists()]
    pytest.fail(f"Dovecot did not start on port {port}:\n" + "\n".join(logs))


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Server]:
    with running_dovecot() as server:
        yield server


class Mailbox:
    """What a person with a mail client sees: the messages of INBOX and their flags."""

    def __init__(self, server: Server):
        self.port = server.port

    @contextmanager
    def session(self) -> Iterator[imaplib.IMAP4]:
        with imaplib.IMAP4("127.0.0.1", self.port, timeout=10) as client:
            client.login(USER, PASSWORD)
            client.select("INBOX")
            yield client

    def append(self, raw: bytes, flags: str | None = None) -> str:
        with self.session() as client:
            status, data = client.append("INBOX", flags, None, raw)
        assert status == "OK", data
        return re.search(rb"\[APPENDUID \d+ (\d+)\]", data[0]).group(1).decode()

    def append_sample(self, name: str) -> str:
        return self.append((SAMPLES / name).read_bytes())

    def flags(self, uid: str) -> set[str] | None:
        """The message's flags, or None when it is no longer in the mailbox."""
        with self.session() as client:
            _, data = client.uid("FETCH", uid, "(FLAGS)")
        if not data or data[0] is None:
            return None
        return {flag.decode() for flag in imaplib.ParseFlags(data[0])}

    def mark_unseen(self, *uids: str) -> None:
        with self.session() as client:
            client.uid("STORE", ",".join(uids), "-FLAGS.SILENT", r"(\Seen)")

    def uids(self) -> list[str]:
        with self.session() as client:
            _, data = client.uid("SEARCH", "ALL")
        return [uid.decode() for uid in data[0].split()]

    def empty(self) -> None:
        with self.session() as client:
            _, data = client.uid("SEARCH", "ALL")
            if data[0]:
                client.uid("STORE", b",".join(data[0].split()).decode(), "+FLAGS.SILENT", r"(\Deleted)")
                client.expunge()


@pytest.fixture
def mailbox(dovecot, settings) -> Mailbox:
    settings.IMAP_HOST = "127.0.0.1"
    settings.IMAP_PORT = dovecot.port
    settings.IMAP_SSL = False
    settings.IMAP_USER = USER
    settings.IMAP_PASSWORD = PASSWORD
    settings.IMAP_MAILBOX = "INBOX"
    box = Mailbox(dovecot)
    box.empty()
    return box


@dataclass
class Run:
    code: int
    out: list[str]
    err: list[str]


def fetch_email(*args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("fetch_email", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return Run(code, out.getvalue().splitlines(), err.getvalue().splitlines())


def test_it_files_unseen_messages_and_marks_them_seen(mailbox):
    gmail = mailbox.append_sample("01_gmail_utf8_alternative.eml")
    naver = mailbox.append_sample("02_naver_reply_quoted.eml")
    auto_reply = mailbox.append_sample("10_auto_submitted_auto_replied.eml")

    run = fetch_email()

    first = Ticket.objects.get(requester_email="minji.kim@gmail.com")
    second = Ticket.objects.exclude(pk=first.pk).get()
    assert run.code == 0 and run.err == []
    assert run.out[:2] == [f"created {first.reference}", f"created {second.reference}"]
    assert run.out[2].startswith("ignored ") and len(run.out) == 3
    assert first.subject == "결제했는데 프리미엄이 적용되지 않아요"
    assert second.requester_name == "이서준"
    for uid in (gmail, naver, auto_reply):
        assert "\\Seen" in mailbox.flags(uid)

    again = fetch_email()
    assert (again.code, again.out, again.err) == (0, [], [])
    assert Ticket.objects.count() == 2


def test_it_leaves_messages_already_seen_alone(mailbox):
    mailbox.append_sample("01_gmail_utf8_alternative.eml")
    mailbox.append((SAMPLES / "30_gmail_en_wrapped_wrote_signature.eml").read_bytes(), flags=r"(\Seen)")

    run = fetch_email()

    assert len(run.out) == 1 and Ticket.objects.get().requester_email == "minji.kim@gmail.com"


def test_a_message_filed_but_never_marked_is_not_filed_twice(mailbox):
    uid = mailbox.append_sample("01_gmail_utf8_alternative.eml")
    fetch_email()
    reference = Ticket.objects.get().reference
    mailbox.mark_unseen(uid)  # as if the run died between the commit and the \Seen

    run = fetch_email()

    assert run.out == [f"ignored duplicate of a message in {reference}"]
    assert Ticket.objects.count() == 1 and "\\Seen" in mailbox.flags(uid)


def test_it_marks_a_message_done_only_after_its_ticket_is_committed(mailbox, monkeypatch):
    first = mailbox.append_sample("01_gmail_utf8_alternative.eml")
    second = mailbox.append_sample("02_naver_reply_quoted.eml")
    third = mailbox.append_sample("30_gmail_en_wrapped_wrote_signature.eml")
    calls = []

    def database_goes_away_at_the_second(raw: bytes):
        calls.append(raw)
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real_ingest(raw)

    real_ingest = imap.ingest
    monkeypatch.setattr(imap, "ingest", database_goes_away_at_the_second)

    run = fetch_email()

    assert run.code == 75
    assert run.out == [f"created {Ticket.objects.get().reference}"]
    assert run.err == ["temporary failure: database unavailable (OperationalError)"]
    assert "\\Seen" in mailbox.flags(first)
    assert "\\Seen" not in mailbox.flags(second) and "\\Seen" not in mailbox.flags(third)

    monkeypatch.setattr(imap, "ingest", real_ingest)
    again = fetch_email()

    assert again.code == 0 and len(again.out) == 2 and again.out[0].startswith("created HC-")
    assert Ticket.objects.count() == 3
    assert Ticket.objects.filter(requester_name="이서준").exists()
    assert "\\Seen" in mailbox.flags(second) and "\\Seen" in mailbox.flags(third)


def test_a_message_that_can_never_be_a_ticket_is_marked_done_and_flagged(mailbox):
    garbage = mailbox.append(NOT_AN_EMAIL)
    no_sender = mailbox.append_sample("19_no_from.eml")
    gmail = mailbox.append_sample("01_gmail_utf8_alternative.eml")

    run = fetch_email()

    assert run.code == 0
    assert run.out[0].startswith("rejected no header block")
    assert run.out[1].startswith("rejected no sender address")
    assert run.out[2] == f"created {Ticket.objects.get().reference}"  # the queue goes on behind them
    for uid in (garbage, no_sender):
        assert mailbox.flags(uid) >= {"\\Seen", "$Rejected"}
    assert "$Rejected" not in mailbox.flags(gmail)
    assert fetch_email().out == []


def test_delete_expunges_filed_messages_but_keeps_rejected_ones(mailbox):
    mailbox.append_sample("01_gmail_utf8_alternative.eml")
    mailbox.append_sample("10_auto_submitted_auto_replied.eml")
    garbage = mailbox.append(NOT_AN_EMAIL)

    run = fetch_email("--delete")

    assert run.code == 0 and len(run.out) == 3
    assert mailbox.uids() == [garbage]
    assert Ticket.objects.count() == 1


def test_over_tls_it_files_mail_only_from_a_server_whose_certificate_it_trusts(mailbox, dovecot, settings, monkeypatch):
    settings.IMAP_SSL, settings.IMAP_PORT = True, dovecot.tls_port
    trusted = mailbox.append_sample("01_gmail_utf8_alternative.eml")
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.certificate))

    run = fetch_email()

    assert (run.code, run.out) == (0, [f"created {Ticket.objects.get().reference}"])
    assert "\\Seen" in mailbox.flags(trusted)

    untrusted = mailbox.append_sample("02_naver_reply_quoted.eml")
    monkeypatch.delenv("SSL_CERT_FILE")

    run = fetch_email()

    assert run.code == 75 and len(run.err) == 1 and "certificate verify failed" in run.err[0]
    assert "\\Seen" not in mailbox.flags(untrusted) and Ticket.objects.count() == 1


def test_an_unreachable_server_exits_75_with_one_line_and_no_traceback():
    result = subprocess.run(
        [sys.executable, "manage.py", "fetch_email"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        env={
            **os.environ,
            "DJANGO_DEBUG": "1",
            "IMAP_HOST": "127.0.0.1",
            "IMAP_PORT": str(free_port()),  # nothing listens there
            "IMAP_SSL": "false",
        },
    )
    assert result.returncode == 75, result.stderr
    assert b"Traceback" not in result.stdout + result.stderr
    assert result.stderr.decode().splitlines() == ["temporary failure: IMAP server unavailable (Connection refused)"]


def test_without_imap_host_it_exits_78(settings):
    settings.IMAP_HOST = ""

    run = fetch_email()

    assert (run.code, run.out, run.err) == (78, [], ["not configured: IMAP_HOST is not set"])


def test_a_refused_login_exits_78(settings):
    # A server of its own: Dovecot slows every login from an address that just failed one, for half a minute.
    with running_dovecot() as server:
        settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_SSL = "127.0.0.1", server.port, False
        settings.IMAP_USER, settings.IMAP_PASSWORD = USER, "wrong password"

        run = fetch_email()

        assert run.code == 78
        assert run.err == [
            f"not configured: IMAP login refused for '{USER}': [AUTHENTICATIONFAILED] Authentication failed."
        ]
