"""pytest plugin for `make mutation`: migrate the test database once, then give each run a copy.

mutmut starts a fresh pytest session for every mutant. With the suite's in-memory SQLite each
session would apply every migration again, which is most of a mutant's time. Under this plugin the
first session migrates a file database, before any test can touch it, and keeps it as a template;
every session then works on a copy of its own (two mutants run side by side and must not share a
file) that pytest-django reuses as it is (--reuse-db). Loaded only by mutmut (`-p tests.mutation_db`
in pyproject.toml); the ordinary suite never sees it.

It also puts a mutant's tests in the order that finds a killer soonest. mutmut runs them with `-x`
(stop at the first failure) in whatever order its set of test ids comes in, so a mutant that the
first quick test kills could wait a minute behind a property-based or subprocess test. Here the
test modules run fastest first (by the durations mutmut's stats pass recorded), each module's tests
kept together and in their own order (module fixtures are set up once), and within pytest-django's
rule that transactional tests come last, so a flush never runs before a test that needs the
migrated data. The verdict is the same; only the time to reach it changes.
"""

from __future__ import annotations

import hashlib
import json
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


def _under_a_mutant() -> bool:
    # mutmut also runs the tests for its stats, clean and forced-fail passes ("stats", "", "fail").
    return "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", "")


def _transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs this test with real transactions (it flushes the tables after)."""
    from django.test import TestCase, TransactionTestCase
    from pytest_django.fixtures import validate_django_db

    test_class = getattr(item, "cls", None)
    if test_class is not None and issubclass(test_class, TransactionTestCase):
        return not issubclass(test_class, TestCase)
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        transaction, reset_sequences, *_rest = validate_django_db(marker)
        transactional = transactional or transaction or reset_sequences
    return bool(transactional)


def fastest_modules_first(items: list[pytest.Item], seconds_by_test: dict[str, float]) -> list[pytest.Item]:
    """The items with their modules by their tests' total time, quickest first, the transactional
    tests after all others as pytest-django has them; a module's tests stay together in their own
    order. Tests without a recorded time count as slow."""
    unknown = max(seconds_by_test.values(), default=1.0)
    module_seconds: dict[tuple[bool, str], float] = {}
    for item in items:
        key = (_transactional(item), item.nodeid.split("::")[0])
        module_seconds[key] = module_seconds.get(key, 0.0) + seconds_by_test.get(item.nodeid, unknown)
    position = {id(item): index for index, item in enumerate(items)}

    def order(item: pytest.Item) -> tuple[bool, float, str, int]:
        group, module = _transactional(item), item.nodeid.split("::")[0]
        return group, module_seconds[(group, module)], module, position[id(item)]

    return sorted(items, key=order)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    stats = Path.cwd() / "mutmut-stats.json"
    if not _under_a_mutant() or not stats.exists():
        return
    items[:] = fastest_modules_first(items, json.loads(stats.read_text()).get("duration_by_test", {}))


def pytest_unconfigure(config: pytest.Config) -> None:
    own = config.stash.get(_OWN_DATABASE, None)
    if own is None:
        return
    for path in (own, own.with_name(own.name + "-wal"), own.with_name(own.name + "-shm")):
        path.unlink(missing_ok=True)
