#!/usr/bin/env python
"""Console benchmark: how fast the agent's pages answer with a large amount of data.

    .venv/bin/python bench/console.py --database-url URL [--generate-tickets N] [--requests 30]

With --generate-tickets N the database at URL is migrated and filled first by
`manage.py generate_load_data --scale N/1,000,000` (so N tickets, 3 N messages, N/5 claims, N/20
articles) and the generate time is printed; without it the data already there is measured. For
PostgreSQL the database is created when it does not exist (the server must let us).

Then, in this process, as a logged-in agent (load-agent-01, in the Agents group) through Django's
test client (no HTTP server, so this is the application and database time only): each page is
fetched 3 times to warm up, then --requests times; p50 and p95 of those warm runs are printed with
the page's query count and the median CPU time of this process per page (Django's work, and
SQLite's; PostgreSQL's own CPU is not in it), which a busy machine does not inflate the way it
inflates wall time. Pages: the dashboard, the ticket list (default, each saved view, each
filter value, searches for Korean words with a particle, without a space and two words, for an
e-mail address and a reference), a ticket page, the claim list.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file is bench/console.py: with its own folder first on the path, "console" would be this
# script rather than the app.
sys.path[0] = str(ROOT)

from bench._common import pct  # noqa: E402


class QueryCounter:
    """An execute wrapper that counts the page's queries (DEBUG stays off while measuring)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def ensure_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base.replace("postgres://", "postgresql://", 1) + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def generate(url: str, tickets: int) -> float:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run([*manage, "generate_load_data", "--scale", str(tickets / 1_000_000)], env=env, check=True)
    return time.perf_counter() - started


def pages(client) -> list[tuple[str, str]]:
    from console.models import SavedView
    from tickets.models import Ticket

    listing = "/admin/tickets/ticket/"
    found = [("dashboard", "/admin/"), ("ticket list", listing)]
    for view in SavedView.objects.filter(owner=None):
        found.append((f"view {view.name}", view.changelist_url()))
    filters = {
        "status__exact": ["new", "open", "pending"],
        "priority__exact": ["urgent"],
        "channel__exact": ["email"],
        "topic__exact": ["refund"],
        "age": ["7d"],
        "sla": ["overdue"],
        "queue": ["mine", "unassigned", "past-sla", "waiting"],
    }
    for key, values in filters.items():
        for value in values:
            found.append((f"filter {key}={value}", f"{listing}?{key}={value}"))
    found.append(("search 재생", f"{listing}?q=재생"))
    found.append(("search 환불을 (particle)", f"{listing}?q=환불을"))
    found.append(("search 결제취소 (no space)", f"{listing}?q=결제취소"))
    found.append(("search 비밀번호 재생 (2 words)", f"{listing}?q=비밀번호+재생"))
    newest = Ticket.objects.order_by("-pk").values("requester_email", "reference").first()
    found.append(("search e-mail", f"{listing}?q={newest['requester_email']}"))
    found.append(("search reference", f"{listing}?q={newest['reference']}"))
    recent = Ticket.objects.order_by("-created_at").values_list("pk", flat=True).first()
    found.append(("ticket page", f"/admin/tickets/ticket/{recent}/change/"))
    found.append(("claim list", "/admin/refunds/refundclaim/"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--generate-tickets", type=int, default=0)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    generate_seconds = None
    if args.database_url.startswith("postgres"):
        ensure_postgres_database(args.database_url)
    if args.generate_tickets:
        generate_seconds = generate(args.database_url, args.generate_tickets)

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpcenter.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-" + "x" * 20)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at", UserWarning)  # static files are not collected here
    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # Uncollected static files: plain storage (the manifest one needs `collectstatic`); the pages'
    # work is the same.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from faq.models import Article
    from refunds.models import ClaimEvent, RefundClaim
    from tickets.models import Message, Ticket

    client = Client()
    client.force_login(get_user_model().objects.get(username="load-agent-01"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()"
        )
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"database: {version}")
    sizes = {m.__name__: m.objects.count() for m in (Ticket, Message, RefundClaim, ClaimEvent, Article)}
    print("data: " + ", ".join(f"{name} {count:,}" for name, count in sizes.items()))
    if generate_seconds is not None:
        print(f"generate_load_data: {generate_seconds:.1f} s")
    print(f"warm runs per page: {args.requests} (after 3 warm-up), as load-agent-01 (Agents)")
    print(f"machine: {os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.1f}")
    print(f"{'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'queries':>8}")
    for label, url in pages(client):
        for _ in range(3):
            response = client.get(url, secure=True)
            if response.status_code != 200:
                print(f"{label:<34} HTTP {response.status_code}")
                break
        else:
            timings, cpu = [], []
            for _ in range(args.requests):
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(url, secure=True)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                client.get(url, secure=True)
            print(
                f"{label:<34} {statistics.median(timings):8.1f} {pct(timings, 95):8.1f} "
                f"{statistics.median(cpu):8.1f} {counter.count:8d}"
            )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
