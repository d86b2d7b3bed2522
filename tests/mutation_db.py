"""pytest plugin for `make mutation`: migrate the test database once, then give each run a copy.

mutmut starts a fresh pytest session for every mutant. With the suite's in-memory SQLite each
session would apply every migration again, which is most of a mutant's time. Under this plugin the
first session migrates a file database, before any test can touch it, and keeps it as a template;
every session then works on a copy of its own (two mutants run side by side and must not share a
file) that pytest-django reuses as it is (--reuse-db). Loaded only by mutmut (`-p tests.mutation_db`
in pyproject.toml); the ordinary suite never sees it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

_OWN_DATABASE = pytest.StashKey[Path]()


def _databases_directory() -> Path:
    # mutmut runs the tests inside mutants/, so the copies go away with it.
    return Path.cwd() / ".test-databases"


def _migrations_digest(root: Path) -> str:
    """Names the template after the migrations it holds: a rebase that brings a migration must not
    leave the mutants' tests on a database without its tables (mutants/ outlives one run)."""
    digest = hashlib.sha256()
    for migration in sorted(root.glob("*/migrations/*.py")):
        digest.update(migration.relative_to(root).as_posix().encode() + b"\0" + migration.read_bytes())
    return digest.hexdigest()[:16]


def _migrate_template(template: Path) -> None:
    partial = template.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{partial}", "DJANGO_SETTINGS_MODULE": "tests.settings"}
    env.pop("MUTANT_UNDER_TEST", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        check=True,
        env=env,
    )
    # A copy of the main file alone must hold everything, so leave WAL mode before copying it.
    with sqlite3.connect(partial) as database:
        database.execute("PRAGMA journal_mode=DELETE")
    database.close()
    partial.rename(template)


class _CopiedDatabase:
    """Takes the place of pytest-django's django_db_setup: the copy is already migrated."""

    @pytest.fixture(scope="session")
    def django_db_setup(self, request: pytest.FixtureRequest, django_test_environment: None, django_db_blocker):
        from django.conf import settings
        from django.db import connections

        connection = connections["default"]
        with django_db_blocker.unblock():
            connection.close()
            connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = str(
                request.config.stash[_OWN_DATABASE]
            )
        yield
        with django_db_blocker.unblock():
            connection.close()


def pytest_configure(config: pytest.Config) -> None:
    from django.db import connections

    if connections["default"].vendor != "sqlite":  # Django's backend or ours (helpcenter/pooled_sqlite)
        return
    directory = _databases_directory()
    directory.mkdir(exist_ok=True)
    template = directory / f"template-{_migrations_digest(Path.cwd())}.sqlite3"
    if not template.exists():
        _migrate_template(template)
    own = directory / f"session-{os.getpid()}.sqlite3"
    shutil.copyfile(template, own)
    config.stash[_OWN_DATABASE] = own
    # Registered after pytest-django, so its fixture is the one tests get.
    config.pluginmanager.register(_CopiedDatabase(), "hc-copied-database")


def pytest_unconfigure(config: pytest.Config) -> None:
    own = config.stash.get(_OWN_DATABASE, None)
    if own is None:
        return
    for path in (own, own.with_name(own.name + "-wal"), own.with_name(own.name + "-shm")):
        path.unlink(missing_ok=True)
