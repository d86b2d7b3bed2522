"""Counters that reach the database in batches: one UPDATE per article every few seconds rather than
one per page view.

A view counted with its own UPDATE is a write on every article page: on SQLite every server process
then queues for the one write lock, and a page served from the cache in a fraction of a millisecond
waits for it. Counts are kept per process and written by the first request after
HELPCENTER_COUNTS_FLUSH_SECONDS, and when the process exits; a process killed outright loses at
most that many seconds of views.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable

from django.conf import settings


class BatchedCounter:
    def __init__(self, write: Callable[[Counter], None]) -> None:
        self._write = write
        self._pending: Counter = Counter()
        self._lock = threading.Lock()  # sync views run in several threads of one process under ASGI
        self._flushed_at = time.monotonic()
        atexit.register(self.flush)

    def add(self, key: Hashable, amount: int = 1) -> None:
        with self._lock:
            self._pending[key] += amount
            if time.monotonic() - self._flushed_at < settings.HELPCENTER_COUNTS_FLUSH_SECONDS:
                return
        self.flush()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._flushed_at = time.monotonic()
        if pending:
            self._write(pending)
