from __future__ import annotations

import sys
import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from tickets.mail.imap import Poll, fetch_mailbox

# sysexits.h, as for ingest_email: what cron, systemd or a supervisor can act on.
EX_OK = 0
EX_TEMPFAIL = 75  # the IMAP server, the database or storage was unavailable: the next run retries
EX_CONFIG = 78  # IMAP_HOST unset, login refused, no such mailbox: no retry will help


class Command(BaseCommand):
    help = (
        "File the unseen messages of the IMAP mailbox (IMAP_HOST, IMAP_MAILBOX, ...) as tickets, marking each "
        "seen once its ticket is committed. Prints 'created <reference>', 'appended <reference>', "
        "'ignored <reason>' or 'rejected <reason>' per message. Exit 75 when the server, database or storage "
        "was unavailable (what is left stays unseen for the next run), 78 when the settings are wrong."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="check the mailbox once and exit (the default)")
        mode.add_argument("--loop", action="store_true", help="keep checking, every --interval seconds")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between checks with --loop")
        parser.add_argument(
            "--delete",
            action="store_true",
            help="expunge messages once filed or ignored; rejected ones stay in the mailbox for a person",
        )

    def execute(self, *args, **options):
        # Never a traceback for an outage or a setting: one line and an exit code a supervisor understands.
        try:
            return super().execute(*args, **options)
        except ImproperlyConfigured as error:
            self.stderr.write(f"not configured: {error}")
            sys.exit(EX_CONFIG)
        except DatabaseError as error:
            self.stderr.write(f"temporary failure: database unavailable ({type(error).__name__})")
            sys.exit(EX_TEMPFAIL)

    def handle(self, *args, loop: bool = False, interval: float = 60.0, delete: bool = False, **options):
        if not loop:
            if not self.report(fetch_mailbox(delete=delete)):
                sys.exit(EX_TEMPFAIL)
            return
        try:
            while True:
                self.report(fetch_mailbox(delete=delete))  # an outage is reported and retried next round
                # A database that restarted while we slept must not fail every later round.
                close_old_connections()
                time.sleep(interval)
        except KeyboardInterrupt:
            pass  # safe at any point: a message not yet marked seen is filed by the next run

    def report(self, poll: Poll) -> bool:
        for outcome in poll.outcomes:
            self.stdout.write(str(outcome))
        if poll.failure:
            self.stderr.write(f"temporary failure: {poll.failure}")
        return not poll.failure
