"""The settings an operator sets through the environment, checked in a fresh process each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "k9$Lr2!vQ8zT4wX7pN1mB6cF3hJ0sD5gA8eR2tY9uI4oP7lK1jH6fG3dS0aZ5xC8vB",
    "ALLOWED_HOSTS": "help.example.com",
    "DATABASE_URL": "sqlite:////tmp/helpcenter-deploy-check.sqlite3",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_database_url_selects_postgresql_through_psycopg():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['PORT'])"
    )
    env = {**PRODUCTION, "DATABASE_URL": "postgres://help:pw@db.internal:6543/helpdesk"}
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split() == ["django.db.backends.postgresql", "helpdesk", "6543"], result.stderr


def test_defaults_are_safe_for_a_laptop():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.TIME_ZONE, s.LANGUAGE_CODE, s.DATABASES['default']['ENGINE'], s.EMAIL_BACKEND)"
    )
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": "", "TIME_ZONE": ""}
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split() == [
        "True",
        "Asia/Seoul",
        "ko",
        "helpcenter.pooled_sqlite",  # Django's SQLite backend with its connections kept per process
        "django.core.mail.backends.console.EmailBackend",
    ], result.stderr


def test_cache_url_selects_a_shared_cache_for_several_processes():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    for url, backend in [("db://", "DatabaseCache"), ("redis://cache:6379/0", "RedisCache"), ("", "LocMemCache")]:
        result = manage("shell", "--no-imports", "-c", code, env={**PRODUCTION, "CACHE_URL": url})
        assert result.stdout.strip().endswith(backend), result.stderr


def setting_values(*names: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, list[str]]:
    code = f"from django.conf import settings; print(*(getattr(settings, n) for n in {names!r}), sep='\\n')"
    result = manage("shell", "--no-imports", "-c", code, env=env)
    return result, result.stdout.splitlines()


def test_a_typo_in_an_on_off_variable_stops_the_server():
    result = manage("check", env={**PRODUCTION, "SECURE_SSL_REDIRECT": "ture"})
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: SECURE_SSL_REDIRECT='ture' is neither on nor off: "
        "use one of 0, 1, false, no, off, on, true, yes." in result.stderr
    )


def test_on_off_variables_read_every_spelling_of_off():
    for word in ("0", "false", "No", "OFF"):
        result, values = setting_values("SECURE_SSL_REDIRECT", env={**PRODUCTION, "SECURE_SSL_REDIRECT": word})
        assert values == ["False"], result.stderr
    result, values = setting_values("SECURE_SSL_REDIRECT", env={**PRODUCTION, "SECURE_SSL_REDIRECT": "yes"})
    assert values == ["True"], result.stderr


def test_a_number_that_is_not_one_stops_the_server_naming_the_variable():
    result = manage("check", env={**PRODUCTION, "HELPCENTER_RATE_PER_IP": "20/h"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: HELPCENTER_RATE_PER_IP='20/h' is not a whole number." in result.stderr


def test_site_url_follows_host_and_port_unless_it_is_set():
    local = {"DJANGO_DEBUG": "1", "SITE_URL": ""}
    _result, values = setting_values("SITE_URL", env={**local, "HOST": "", "PORT": ""})
    assert values == ["http://127.0.0.1:8000"]
    _result, values = setting_values("SITE_URL", env={**local, "HOST": "127.0.0.1", "PORT": "8200"})
    assert values == ["http://127.0.0.1:8200"]
    _result, values = setting_values("SITE_URL", env={**local, "HOST": "0.0.0.0", "PORT": "8300"})
    assert values == ["http://localhost:8300"]
    _result, values = setting_values(
        "SITE_URL", env={**local, "HOST": "0.0.0.0", "PORT": "8300", "SITE_URL": "https://help.example.com/"}
    )
    assert values == ["https://help.example.com"]


def test_make_run_hands_host_and_port_to_every_command(tmp_path):
    # A stand-in for the venv's python records each command with the HOST/PORT it was given. (The
    # mail worker is left out: it runs in the background and renders no links.)
    log = tmp_path / "calls.log"
    fake_python = tmp_path / "python"
    fake_python.write_text(f'#!/bin/sh\necho "$HOST:$PORT $*" >> {log}\n')
    fake_python.chmod(0o755)
    stamp = tmp_path / "installed"
    result = subprocess.run(
        ["make", "--no-print-directory", "run", "PORT=8200", f"PY={fake_python}", f"STAMP={stamp}"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"HOST", "PORT"}},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    calls = log.read_text().splitlines()
    assert "127.0.0.1:8200 manage.py load_demo" in calls
    assert "127.0.0.1:8200 manage.py runserver 127.0.0.1:8200" in calls


def test_shared_settings_have_neutral_names_and_still_read_the_old_ones():
    names = ("HELPCENTER_LINK_MAX_AGE_DAYS", "HELPCENTER_RATE_PER_ADDRESS", "HELPCENTER_RATE_PER_IP")
    old = {"TICKETS_LINK_MAX_AGE_DAYS": "30", "TICKETS_RATE_PER_ADDRESS": "3", "TICKETS_RATE_PER_IP": "40"}
    result, values = setting_values(*names, env={**PRODUCTION, **old})
    assert values == ["30", "3", "40"], result.stderr
    new = {"HELPCENTER_LINK_MAX_AGE_DAYS": "90", "HELPCENTER_RATE_PER_ADDRESS": "4", "HELPCENTER_RATE_PER_IP": "50"}
    result, values = setting_values(*names, env={**PRODUCTION, **old, **new})
    assert values == ["90", "4", "50"], result.stderr  # the new name wins
    result, values = setting_values(
        "HELPCENTER_MAX_ATTACHMENTS",
        "HELPCENTER_MAX_ATTACHMENT_BYTES",
        "HELPCENTER_MAX_REQUEST_BYTES",
        env={**PRODUCTION, "TICKETS_MAX_ATTACHMENTS": "3", "TICKETS_MAX_ATTACHMENT_BYTES": "1048576"},
    )
    assert values == ["3", "1048576", str(3 * 1048576 + 1048576)], result.stderr


def test_the_package_declares_its_license_as_an_spdx_string():
    # The table form makes setuptools warn on every `pip install -e .` (so on every `make run`).
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    assert 'requires = ["setuptools>=77"]' in (ROOT / "pyproject.toml").read_text()


def test_sqlite_is_set_up_for_a_web_server_and_a_mail_worker_side_by_side(tmp_path):
    """WAL, a busy timeout, and write transactions that take the lock when they begin: a
    transaction that has only read so far already keeps other writers out, so it can never fail
    half-way with "database is locked" when it starts writing."""
    code = (
        "import sqlite3; from django.db import connection, transaction; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA busy_timeout').fetchone()[0]); "
        "other = sqlite3.connect(connection.settings_dict['NAME'], timeout=0, isolation_level=None)\n"
        "with transaction.atomic():\n"
        "    connection.cursor().execute('SELECT 1')\n"
        "    try:\n"
        "        other.execute('BEGIN IMMEDIATE'); print('other writer got in')\n"
        "    except sqlite3.OperationalError as error:\n"
        "        print(error)"
    )
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.splitlines() == ["wal 20000", "database is locked"], result.stderr


def test_postgresql_plans_no_parallel_workers_unless_asked():
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    env = {**PRODUCTION, "DATABASE_URL": "postgres://help:pw@db.internal:6543/helpdesk"}
    assert manage("shell", "--no-imports", "-c", code, env=env).stdout.strip() == "-c max_parallel_workers_per_gather=0"
    asked = manage("shell", "--no-imports", "-c", code, env={**env, "DATABASE_PARALLEL_WORKERS": "2"})
    assert asked.stdout.strip() == "-c max_parallel_workers_per_gather=2"
    refused = manage("check", env={**env, "DATABASE_PARALLEL_WORKERS": "-1"})
    assert refused.returncode != 0
    assert "DATABASE_PARALLEL_WORKERS=-1 must be 0 or more." in refused.stderr


def test_the_connection_to_postgresql_plans_no_parallel_walks(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no parallel plans")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
