from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import Error as DatabaseError
from django.db import connection

from outbox.delivery import send_due


class Command(BaseCommand):
    help = "Deliver queued e-mail (retrying failures with backoff). --loop keeps running as a worker."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, checking every --interval seconds")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, loop: bool = False, interval: float = 5.0, **options):
        stopping = False

        def stop(signum, frame):  # SIGTERM/Ctrl-C: finish and record the message in hand, then leave
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            try:
                sent, failed = send_due(stopping=lambda: stopping)
            except DatabaseError as error:  # the database is away for a moment: wait, do not die
                self.stderr.write(f"database unavailable: {error}")
                connection.close()  # the next round opens a fresh connection
                sent = failed = 0
            if sent or failed or not loop:
                self.stdout.write(f"sent {sent}, failed {failed}")
                self.stdout.flush()
            if not loop:
                return
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.2, interval))
        self.stdout.write("stopped")
