"""The scheduled commands, run by `manage.py serve` beside the web server (or alone, or from cron).

Each command runs once per period. With several servers each running this, the first to take the
period's lock in the shared cache (CACHE_URL) runs it; the others skip. With a per-process cache a
command may run once per server, which is harmless: each is idempotent.
"""

from __future__ import annotations

import logging
import signal
import socket
import time
from datetime import timedelta

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

logger = logging.getLogger(__name__)

# Called by name, so a command may move to another app without this list changing.
SCHEDULE = [
    ("close_solved_tickets", timedelta(hours=1)),  # auto-close after TICKETS_AUTOCLOSE_DAYS
    ("refund_reminders", timedelta(days=1)),  # remind, then deny for no answer
    ("purge_expired_data", timedelta(days=1)),  # retention
]


def run_due(now=None) -> list[str]:
    """Run each command whose period has begun and that no one has run in it yet; returns their names."""
    now = now or timezone.now()
    ran = []
    for name, period in SCHEDULE:
        seconds = int(period.total_seconds())
        key = f"helpcenter:schedule:{name}:{int(now.timestamp()) // seconds}"
        if not cache.add(key, socket.gethostname(), seconds + 60):
            continue
        try:
            call_command(name)
        except Exception:  # one failing command must not stop the others; it is tried again next tick
            logger.exception("scheduled command %s failed", name)
            cache.delete(key)
        else:
            ran.append(name)
    return ran


class Command(BaseCommand):
    help = "Run the scheduled commands (auto-close, refund reminders, retention) when due; --once for one pass."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--tick", type=float, default=60.0, help="seconds between passes")

    def handle(self, *args, once: bool = False, tick: float = 60.0, **options):
        if once:
            for name in run_due():
                self.stdout.write(f"ran {name}")
            return
        stopping = False

        def stop(signum, frame):  # finish the command at hand, then leave
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            for name in run_due():
                self.stdout.write(f"ran {name}")
            self.stdout.flush()
            deadline = time.monotonic() + tick
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
