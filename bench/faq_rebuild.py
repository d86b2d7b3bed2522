#!/usr/bin/env python
"""Where a FAQ index rebuild's time goes, on a database that already holds the articles.

    DATABASE_URL=postgres://…/db .venv/bin/python bench/faq_rebuild.py [--rounds 2]

Runs faq.search.rebuild_index() on the database in DATABASE_URL (nothing is generated: keep the
database a `bench/faq_search.py --worker … ` run or `generate_load_data` left, and run this on it
as often as needed) and prints, per round: the wall time; the CPU of this process and of its
analysers (the forked workers); on PostgreSQL the CPU of the server backend (from /proc, so on this
machine only) and the WAL written; and every statement that took over 0.2 s (the B-tree builds, the
foreign key). bench/faq_search.py times the rebuild as part of its whole run; this one is for
telling its steps apart, and for A/B runs of a change on the same data.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SLOW_STATEMENT_S = 0.2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpcenter.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")

    import django

    django.setup()
    from django.db import connection

    from faq import search

    slow: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            if elapsed > SLOW_STATEMENT_S:
                slow.append((elapsed, " ".join(sql.split())[:100]))

    postgresql = connection.vendor == "postgresql"

    def server_cpu_s() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a server on another machine
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wal_position() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            return cursor.fetchone()[0]

    def wal_between(start: str, end: str) -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(%s, %s)", [end, start])
            return float(cursor.fetchone()[0])

    print(f"database: {connection.vendor}, load average {os.getloadavg()[0]:.2f}")
    for round_number in range(1, args.rounds + 1):
        slow.clear()
        server_before = server_cpu_s() if postgresql else 0.0
        wal_before = wal_position() if postgresql else ""
        before, started = os.times(), time.perf_counter()
        with connection.execute_wrapper(timed):
            indexed = search.rebuild_index()
        wall, after = time.perf_counter() - started, os.times()
        line = (
            f"round {round_number}: {indexed:,} articles in {wall:.2f} s; CPU this process "
            f"{after.user + after.system - before.user - before.system:.2f} s, analysers "
            f"{after.children_user + after.children_system - before.children_user - before.children_system:.2f} s"
        )
        if postgresql:
            line += (
                f", server backend {server_cpu_s() - server_before:.2f} s; "
                f"WAL {wal_between(wal_before, wal_position()) / 2**20:,.0f} MiB"
            )
        print(line)
        for elapsed, sql in slow:
            print(f"  {elapsed:6.2f} s  {sql}")


if __name__ == "__main__":
    main()
