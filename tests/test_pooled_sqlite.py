"""SQLite connections kept per process and lent to each request's thread (helpcenter/pooled_sqlite)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db.utils import load_backend

BACKEND = load_backend("helpcenter.pooled_sqlite")


@pytest.fixture(autouse=True)
def _files_of_our_own(django_db_blocker):
    # These wrappers open their own files in tmp_path, never the test database.
    with django_db_blocker.unblock():
        yield


def _wrapper(name: str, pool_size: int = 4):
    settings_dict = {
        "ENGINE": "helpcenter.pooled_sqlite",
        "NAME": name,
        "OPTIONS": {"pool_size": pool_size, "timeout": 5},
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    return BACKEND.DatabaseWrapper(settings_dict, alias=f"pool-test-{name}")


def _in_a_thread(function):
    result = []
    thread = threading.Thread(target=lambda: result.append(function()))
    thread.start()
    thread.join()
    return result[0]


def _raw_connection_of_a_request(name: str):
    """What one request does: its own wrapper in its own thread, a query, then close at its end."""

    def request():
        database = _wrapper(name)
        with database.cursor() as cursor:
            cursor.execute("SELECT 1")
        raw = database.connection
        database.close()
        return raw

    return _in_a_thread(request)


def test_the_next_request_in_another_thread_gets_the_same_connection(tmp_path):
    name = str(tmp_path / "pooled.sqlite3")
    first = _raw_connection_of_a_request(name)
    second = _raw_connection_of_a_request(name)
    assert second is first
    first.execute("SELECT 1")  # given back open, not closed


def test_a_connection_given_back_in_a_transaction_is_rolled_back(tmp_path):
    name = str(tmp_path / "pooled.sqlite3")
    database = _wrapper(name)
    with database.cursor() as cursor:
        cursor.execute("CREATE TABLE note (text TEXT)")
    database.connection.execute("BEGIN")
    database.connection.execute("INSERT INTO note VALUES ('half done')")
    database.close()
    again = _wrapper(name)
    with again.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM note")
        assert cursor.fetchone() == (0,)
    assert again.connection.in_transaction is False
    assert again.get_autocommit() is True
    again.close()


def test_a_replaced_database_file_is_not_read_through_old_connections(tmp_path):
    name = str(tmp_path / "pooled.sqlite3")
    database = _wrapper(name)
    with database.cursor() as cursor:
        cursor.execute("CREATE TABLE old_table (x INTEGER)")
    old_raw = database.connection
    database.close()
    Path(name).unlink()  # a test database made again, a restored backup
    fresh = _wrapper(name)
    with fresh.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'old_table'")
        assert cursor.fetchone() == (0,)
    assert fresh.connection is not old_raw
    fresh.close()


def test_no_more_connections_are_kept_than_the_pool_size(tmp_path):
    name = str(tmp_path / "pooled.sqlite3")
    wrappers = [_wrapper(name, pool_size=2) for _ in range(3)]
    raws = []
    for database in wrappers:
        database.ensure_connection()
        raws.append(database.connection)
    for database in wrappers:
        database.close()
    import sqlite3

    with pytest.raises(sqlite3.ProgrammingError):  # the third was closed, not kept
        raws[2].execute("SELECT 1")
    raws[0].execute("SELECT 1")
    raws[1].execute("SELECT 1")


def test_an_in_memory_database_is_never_pooled():
    database = _wrapper(":memory:")
    assert database._pool() is None
