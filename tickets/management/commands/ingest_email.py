from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError, DataError, IntegrityError

from tickets.mail.ingest import ingest
from tickets.mail.parse import NotAnEmail

# sysexits.h: what an MTA understands from a delivery program.
EX_OK = 0
EX_DATAERR = 65  # this message can never be accepted: bounce it
EX_TEMPFAIL = 75  # try again later: nothing was lost


class Command(BaseCommand):
    help = (
        "Read RFC 5322 messages from files (or one from standard input, for an MTA pipe) and file them "
        "as tickets. Prints 'created <reference>', 'appended <reference>' or 'ignored <reason>' per message. "
        "Exit 65 for a message that can never be accepted, 75 when the database or storage is unavailable "
        "or refuses the message (nothing is kept; the MTA retries)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="message files; none reads one message from standard input")

    def execute(self, *args, **options):
        # Never a traceback to the MTA: every failure becomes a one-line reason and an exit code.
        try:
            return super().execute(*args, **options)
        except SystemExit:
            raise
        except DatabaseError as error:
            sys.stderr.write(f"temporary failure: database unavailable ({type(error).__name__})\n")
            sys.exit(EX_TEMPFAIL)

    def handle(self, *args, files: list[str], **options):
        worst = EX_OK
        for source in files or ["-"]:
            code = self.ingest_one(source)
            worst = max(worst, code)  # 75 (retry) outranks 65 (refuse) outranks 0
        if worst:
            sys.exit(worst)

    def ingest_one(self, source: str) -> int:
        label = "" if source == "-" else f"{source}: "
        try:
            raw = sys.stdin.buffer.read() if source == "-" else open(source, "rb").read()
        except OSError as error:
            self.stderr.write(f"{label}cannot read: {error.strerror}")
            return EX_DATAERR
        try:
            result = ingest(raw)
        except NotAnEmail as error:
            self.stderr.write(f"{label}rejected: {error}")
            return EX_DATAERR
        except DataError as error:
            # The database is there but refuses this message's data: retrying cannot help.
            self.stderr.write(f"{label}rejected: the message cannot be stored ({type(error).__name__})")
            return EX_DATAERR
        except IntegrityError as error:
            # Not a duplicate (ingest() ignores those): a constraint failed, nothing was kept, and the
            # MTA's retry must not lose the message.
            self.stderr.write(f"{label}temporary failure: the database refused the message ({type(error).__name__})")
            return EX_TEMPFAIL
        except DatabaseError as error:
            self.stderr.write(f"{label}temporary failure: database unavailable ({type(error).__name__})")
            return EX_TEMPFAIL
        except OSError as error:
            self.stderr.write(f"{label}temporary failure: storage unavailable ({error.strerror or error})")
            return EX_TEMPFAIL
        self.stdout.write(str(result))
        return EX_OK
