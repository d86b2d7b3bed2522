"""The settings an operator sets through the environment, checked in a fresh process each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
        "django.db.backends.sqlite3",
        "django.core.mail.backends.console.EmailBackend",
    ], result.stderr


def test_cache_url_selects_a_shared_cache_for_several_processes():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    for url, backend in [("db://", "DatabaseCache"), ("redis://cache:6379/0", "RedisCache"), ("", "LocMemCache")]:
        result = manage("shell", "--no-imports", "-c", code, env={**PRODUCTION, "CACHE_URL": url})
        assert result.stdout.strip().endswith(backend), result.stderr
