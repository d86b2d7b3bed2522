"""How the chat's sockets reach the database: asgiref's one sync thread, as channels'
database_sync_to_async does, but keeping a SQLite connection open between frames.

SQLite connections are opened per request (CONN_MAX_AGE 0), which costs a page nothing; a chat
server makes a database call per frame, and reopening the file each time (connect, PRAGMAs, and a
WAL checkpoint when the last connection closes) took two thirds of the time a message spent there
(bench/chat.py, py-spy). A connection that had an unrecoverable error is still closed, and
PostgreSQL keeps its own CONN_MAX_AGE.
"""

from __future__ import annotations

from asgiref.sync import SyncToAsync
from django.db import close_old_connections, connections


def _tidy_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "sqlite" and connection.connection is not None:
            connection.close_at = None  # Django's own meaning: a persistent connection
    close_old_connections()


class ChatDatabase(SyncToAsync):
    def thread_handler(self, loop, *args, **kwargs):
        _tidy_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _tidy_connections()


chat_db = ChatDatabase
