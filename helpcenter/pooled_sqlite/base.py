"""Django's SQLite backend with each process's connections kept and lent to whichever thread asks.

Under ASGI, Django runs each request's synchronous code in a thread of its own (one
ThreadSensitiveContext per request), and its connections are per thread, so CONN_MAX_AGE keeps
nothing: every request opened the file again. A new SQLite connection costs about 2 ms before its
first row here, most of it SQLite reading the schema (some two hundred tables and indexes), which is
more than a page served from the cache costs in all. This is what Django's own pool does for
PostgreSQL (OPTIONS["pool"]), for SQLite: `close()` at the end of a request gives the connection
back instead of closing it, and the next request's thread takes it.

Safe because Django already opens SQLite connections with check_same_thread=False and a connection
is lent to one thread at a time. In-memory databases (the tests') are never pooled: closing those
destroys them, so Django keeps them open anyway.
"""

from __future__ import annotations

import os
import threading

from django.db.backends.sqlite3 import base

POOL_SIZE_OPTION = "pool_size"


class _IdleConnections:
    """The idle connections of one database file in this process."""

    def __init__(self, size: int, file_id: tuple[int, int] | None) -> None:
        self.size = size
        self.pid = os.getpid()
        self.file_id = file_id
        self._idle: list = []
        self._lock = threading.Lock()

    def take(self):
        with self._lock:
            return self._idle.pop() if self._idle else None

    def give(self, raw) -> bool:
        """Keep `raw` for the next thread; False when the pool is full (the caller closes it)."""
        with self._lock:
            if len(self._idle) >= self.size:
                return False
            self._idle.append(raw)
            return True

    def close_all(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for raw in idle:
            raw.close()


_pools: dict[tuple[str, str], _IdleConnections] = {}
_pools_lock = threading.Lock()


def _file_id(name: str) -> tuple[int, int] | None:
    try:
        status = os.stat(name)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        params.pop(POOL_SIZE_OPTION, None)  # ours, not sqlite3.connect()'s
        return params

    def _pool(self) -> _IdleConnections | None:
        size = int(self.settings_dict["OPTIONS"].get(POOL_SIZE_OPTION, 0))
        if size <= 0 or self.is_in_memory_db():
            return None
        name = str(self.settings_dict["NAME"])
        file_id = _file_id(name)
        with _pools_lock:
            pool = _pools.get((self.alias, name))
            # A forked child must not use its parent's connections (SQLite forbids it), and a file
            # deleted or replaced (a test database made again) must not be read through old ones.
            if pool is None or pool.pid != os.getpid() or pool.file_id != file_id:
                if pool is not None and pool.pid == os.getpid():
                    pool.close_all()
                pool = _pools[(self.alias, name)] = _IdleConnections(size, file_id)
            return pool

    def get_new_connection(self, conn_params):
        pool = self._pool()
        raw = pool.take() if pool is not None else None
        if raw is None:
            return super().get_new_connection(conn_params)
        # What a borrower may have changed for itself (migrations turn foreign keys off).
        raw.execute("PRAGMA foreign_keys = ON")
        return raw

    def _close(self):
        pool = self._pool()
        if pool is None or self.connection is None:
            return super()._close()
        raw = self.connection
        with self.wrap_database_errors:
            if raw.in_transaction:
                raw.rollback()
            # The borrower's connect() sets autocommit again (set_autocommit), so nothing else to reset.
            if not pool.give(raw):
                raw.close()
