"""The per-IP limit holds across server processes: counted in the database, not in each process's cache."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import RequestFactory

from helpcenter import ratelimit
from helpcenter.models import RateCounter

ROOT = Path(__file__).resolve().parent.parent

# One "server process": 15 submissions from the same address, printing how many were let through.
WORKER = """
import sys
from django.test import RequestFactory
from helpcenter import ratelimit
sys.stdin.readline()  # start together
request = RequestFactory().post("/ko/contact/", REMOTE_ADDR="203.0.113.9")
print(sum(ratelimit.allow(request) for _ in range(15)))
"""


def test_two_processes_sharing_one_database_share_one_limit(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "CACHE_URL"}},
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "HELPCENTER_RATE_PER_IP": "20",
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", WORKER],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [worker.communicate("go\n", timeout=120) for worker in workers]
    allowed = [int(out.strip()) for out, _err in results]
    # Each process alone would have let 15 through (30 in all) with counters kept per process.
    assert sum(allowed) == 20, results


@pytest.mark.django_db
def test_the_address_limit_counts_each_address_apart(settings):
    settings.HELPCENTER_RATE_PER_ADDRESS = 2
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    assert [ratelimit.allow(request, address="Hong@Example.com") for _ in range(3)] == [True, True, False]
    assert ratelimit.allow(request, address="hong@example.com") is False  # the same address, other case
    assert ratelimit.allow(request, address="kim@example.com") is True


@pytest.mark.django_db
def test_the_counters_keep_no_addresses_and_forget_past_hours(settings, monkeypatch):
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    ratelimit.allow(request, address="hong@example.com")
    stored = " ".join(RateCounter.objects.values_list("counter", flat=True))
    assert "198.51.100.7" not in stored and "hong@example.com" not in stored
    assert RateCounter.objects.count() == 2
    later = ratelimit.timezone.now() + timedelta(hours=3)
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: later)
    assert ratelimit.allow(request) is True
    assert RateCounter.objects.count() == 1  # only this hour's counter is left
