"""Filing the support mailbox as tickets over IMAP (manage.py fetch_email).

"Done" is the \\Seen flag. A run searches UNSEEN, fetches each message with BODY.PEEK[] (a plain
BODY[] would set \\Seen on the way out), hands the bytes to ingest() and adds \\Seen only after
ingest() has returned, that is after its transaction committed. A database outage, a lost connection
or a killed process in between leaves the message unseen: the next run fetches it again and ingest()
recognises the Message-ID it already stored. Mail is filed at least once and never lost.

Why UNSEEN rather than NOT DELETED: without --delete, NOT DELETED would refile every message the
mailbox ever received; and a private keyword such as $Filed is not allowed by every server, while
every server keeps \\Seen. The price: the mailbox must belong to the help center alone, because a
person who opens a message in a mail client marks it seen before we file it.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, DataError, IntegrityError

from tickets.mail.ingest import ingest
from tickets.mail.parse import NotAnEmail

# For the connection and for each command: a server that stops answering must not hang cron forever.
TIMEOUT = 60
# Set, where the server allows keywords, on messages that can never become a ticket, so that a person
# can find them in a mail client; they are also \Seen so they do not block the queue.
REJECTED_KEYWORD = "$Rejected"


@dataclass
class Outcome:
    uid: str
    action: str  # created, appended, ignored or rejected
    detail: str  # the ticket reference, or why the message was ignored or rejected

    def __str__(self) -> str:
        return f"{self.action} {self.detail}"


@dataclass
class Poll:
    outcomes: list[Outcome] = field(default_factory=list)
    # Why the run stopped early; the message it stopped at and those after it stay unseen for the next run.
    failure: str = ""


def fetch_mailbox(delete: bool = False) -> Poll:
    """File every unseen message of settings.IMAP_MAILBOX. Temporary failures (server, database,
    storage) end up in Poll.failure; ImproperlyConfigured means no retry will help."""
    if not settings.IMAP_HOST:
        raise ImproperlyConfigured("IMAP_HOST is not set")
    poll = Poll()
    try:
        with _connect() as connection:
            _log_in(connection)
            _open_mailbox(connection)
            _file_unseen(connection, poll, delete)
    except (OSError, imaplib.IMAP4.error) as error:
        poll.failure = f"IMAP server unavailable ({_describe(error)})"
    return poll


def _connect() -> imaplib.IMAP4:
    host, port = settings.IMAP_HOST, settings.IMAP_PORT
    if settings.IMAP_SSL:
        # imaplib's own default context checks no certificate at all; this one checks it and the name.
        return imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT)
    return imaplib.IMAP4(host, port, timeout=TIMEOUT)


def _log_in(connection: imaplib.IMAP4) -> None:
    try:
        connection.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as error:
        reason = _describe(error)
        if "[UNAVAILABLE]" in reason:  # RFC 5530: the server's own back end is down, not our password
            raise
        raise ImproperlyConfigured(f"IMAP login refused for {settings.IMAP_USER!r}: {reason}") from error


def _open_mailbox(connection: imaplib.IMAP4) -> None:
    mailbox = settings.IMAP_MAILBOX
    try:
        status, data = connection.select(_quoted(mailbox))
    except imaplib.IMAP4.readonly as error:
        raise ImproperlyConfigured(f"IMAP mailbox {mailbox!r} is read-only: messages cannot be marked done") from error
    if status != "OK":
        raise ImproperlyConfigured(f"cannot open IMAP mailbox {mailbox!r}: {_describe(data)}")


def _file_unseen(connection: imaplib.IMAP4, poll: Poll, delete: bool) -> None:
    status, data = connection.uid("SEARCH", "UNSEEN")
    _expect_ok(status, data)
    # UIDs, not sequence numbers: they stay put while other clients expunge during the run.
    uids = [uid.decode() for uid in data[0].split()]
    rejected_flags = "\\Seen " + REJECTED_KEYWORD if _allows_keywords(connection) else "\\Seen"
    done_flags = "\\Seen \\Deleted" if delete else "\\Seen"

    for uid in uids:
        raw = _fetch(connection, uid)
        if raw is None:  # expunged by someone else since the search
            continue
        try:
            result = ingest(raw)
        except (NotAnEmail, DataError) as error:
            # NotAnEmail, or data the database refuses: retrying can never help, so it must not
            # block every message behind it.
            reason = str(error) if isinstance(error, NotAnEmail) else f"cannot be stored ({type(error).__name__})"
            poll.outcomes.append(Outcome(uid, "rejected", reason))
            # Never deleted, even with --delete: nobody else would ever see it.
            _store(connection, uid, rejected_flags)
            continue
        except IntegrityError as error:
            # Not a duplicate (ingest() ignores those) and nothing was kept: left unseen, retried.
            poll.failure = f"the database refused a message ({type(error).__name__})"
            break
        except DatabaseError as error:
            poll.failure = f"database unavailable ({type(error).__name__})"
            break
        except OSError as error:
            poll.failure = f"storage unavailable ({error.strerror or error})"
            break
        # Reported before the flag is stored: the ticket exists even if the server fails us now.
        poll.outcomes.append(
            Outcome(uid, result.action, result.reason if result.action == "ignored" else result.reference)
        )
        _store(connection, uid, done_flags)

    if delete:
        # A plain EXPUNGE also removes what an earlier run marked \Deleted but lost its connection
        # before expunging; in a mailbox that belongs to the help center, \Deleted means "remove".
        status, data = connection.expunge()
        _expect_ok(status, data)


def _fetch(connection: imaplib.IMAP4, uid: str) -> bytes | None:
    status, data = connection.uid("FETCH", uid, "(BODY.PEEK[])")
    _expect_ok(status, data)
    # The answer may also carry unsolicited flag updates for other messages: take the one with a body.
    for item in data:
        if isinstance(item, tuple) and b"BODY[]" in item[0].upper():
            return item[1]
    return None


def _store(connection: imaplib.IMAP4, uid: str, flags: str) -> None:
    status, data = connection.uid("STORE", uid, "+FLAGS.SILENT", f"({flags})")
    _expect_ok(status, data)


def _allows_keywords(connection: imaplib.IMAP4) -> bool:
    _, data = connection.response("PERMANENTFLAGS")
    return any(item and b"\\*" in item for item in data)


def _expect_ok(status: str, data: list) -> None:
    if status != "OK":
        raise imaplib.IMAP4.error(_describe(data))


def _quoted(mailbox: str) -> str:
    # imaplib sends the name as it is; a name with a space would otherwise be two arguments.
    return '"' + re.sub(r'(["\\])', r"\\\1", mailbox) + '"'


def _describe(error: Exception | list) -> str:
    """One line for an operator from an imaplib error, whose text is often the repr of the server's bytes."""
    if isinstance(error, list):
        text = b" ".join(item for item in error if isinstance(item, bytes)).decode(errors="replace")
    elif isinstance(error, OSError):
        text = error.strerror or str(error) or type(error).__name__
    else:
        text = str(error)
        match = re.fullmatch(r"b(['\"])(.*)\1", text)
        if match:
            text = match.group(2)
    return " ".join(text.split()) or "no answer"
