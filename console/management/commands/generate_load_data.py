"""manage.py generate_load_data: a realistic volume of tickets, claims and articles to measure the
console against (bench/console.py). Adds to what is there; never deletes."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from console.loadgen import Sizes, generate


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError
    return value


class Command(BaseCommand):
    help = (
        "Create load data over two years: by default 1,000,000 tickets with 3,000,000 messages, 200,000 refund "
        "claims with their events and 50,000 FAQ articles. --scale 0.02 makes a fiftieth of that."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every default size (e.g. 0.02).")
        parser.add_argument("--tickets", type=int, help=f"Tickets (default {defaults.tickets:,} × scale).")
        parser.add_argument(
            "--messages", type=int, help=f"Messages over the tickets (default {defaults.messages:,} × scale)."
        )
        parser.add_argument("--claims", type=int, help=f"Refund claims (default {defaults.claims:,} × scale).")
        parser.add_argument("--articles", type=int, help=f"FAQ articles (default {defaults.articles:,} × scale).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same data).")

    def handle(self, *args, scale: float, seed: int, **options):
        if not 0 < scale <= 100:
            raise CommandError("--scale must be above 0 and at most 100.")
        size = Sizes().scaled(scale)
        for name in ("tickets", "messages", "claims", "articles"):
            if options[name] is not None:
                if options[name] < 1:
                    raise CommandError(f"--{name} must be at least 1.")
                setattr(size, name, options[name])
        self.stdout.write(
            f"Generating on {connection.vendor}: {size.tickets:,} tickets, {size.messages:,} messages, "
            f"{size.claims:,} claims, {size.articles:,} articles (seed {seed})."
        )
        started = time.perf_counter()

        def report(table: str, count: int | None, seconds: float) -> None:
            rows = f"{count:,} rows " if count is not None else ""
            self.stdout.write(f"  {table}: {rows}in {seconds:.1f} s")

        with transaction.atomic():
            generate(size, seed, report)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Fresh statistics, or the planner guesses on empty tables; and the visibility map
                # autovacuum would build in a while, without which no count is index-only. VACUUM
                # cannot run inside a transaction (a caller's, such as a test's): ANALYZE alone then.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s."))
