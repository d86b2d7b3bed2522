"""Small helpers shared by bench/tickets_ingest.py and bench/tickets_webform.py.

The throwaway PostgreSQL cluster here follows bench/faq_search.py's (which keeps its own copy, so
each of these benchmarks still runs on its own); this one can make several databases in it.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MANAGE = ROOT / "manage.py"


def pct(values: list[float], p: float) -> float:
    """The p-th percentile, linear between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def human_bytes(n: float | None) -> str:
    if n is None:
        return "?"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def as_postgres(command: str) -> None:
    subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", command], check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def postgres_databases(names: list[str], prefix: str = "tickets"):
    """{name: url} of new, empty PostgreSQL databases: on BENCH_POSTGRES_URL's server (created here
    and dropped afterwards), else in a throwaway cluster of our own in a temp dir on a free loopback
    port, stopped and removed afterwards, even on error."""
    if os.environ.get("BENCH_POSTGRES_URL"):
        import psycopg

        admin = os.environ["BENCH_POSTGRES_URL"].replace("postgres://", "postgresql://", 1)
        real = {name: f"{prefix}_bench_{name}_{os.getpid()}" for name in names}
        with psycopg.connect(admin, autocommit=True) as connection:
            for database in real.values():
                connection.execute(f'CREATE DATABASE "{database}"')
        base = admin.rsplit("/", 1)[0]
        try:
            yield {name: f"{base}/{database}" for name, database in real.items()}
        finally:
            with psycopg.connect(admin, autocommit=True) as connection:
                for database in real.values():
                    connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        return
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not bins:
        raise SystemExit("No PostgreSQL found in /usr/lib/postgresql/*/bin; set BENCH_POSTGRES_URL instead.")
    bindir = bins[-1].parent
    tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}-bench-pg-"))
    data, port = tmp / "data", free_port()
    started = False
    try:
        shutil.chown(tmp, "postgres", "postgres")
        as_postgres(f"'{bindir}/initdb' -D '{data}' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null")
        as_postgres(
            f"'{bindir}/pg_ctl' -D '{data}' -l '{tmp}/server.log' -w -o "
            f"\"-p {port} -k '{tmp}' -c listen_addresses=127.0.0.1\" start"
        )
        started = True
        for name in names:
            as_postgres(f"'{bindir}/createdb' -h '{tmp}' -p {port} -U postgres {prefix}_{name}")
        yield {name: f"postgres://postgres@127.0.0.1:{port}/{prefix}_{name}" for name in names}
    finally:
        if started:
            with contextlib.suppress(subprocess.CalledProcessError):
                as_postgres(f"'{bindir}/pg_ctl' -D '{data}' -m fast -w stop")
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def sqlite_databases(names: list[str], prefix: str = "tickets"):
    """{name: url} of SQLite files in a temp dir, removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}-bench-sqlite-"))
    try:
        yield {name: f"sqlite:///{tmp / (name + '.sqlite3')}" for name in names}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def databases(database: str, names: list[str], prefix: str = "tickets"):
    return (sqlite_databases if database == "sqlite" else postgres_databases)(names, prefix)


def migrate(env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(MANAGE), "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def django_environment(url: str, media: Path, **extra: str) -> dict:
    """The environment of a benchmark's Django processes: its own database and MEDIA_ROOT, mail kept
    in memory (nothing leaves the machine), warnings only in the log; `extra` adds or overrides."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_DEBUG="1",
        DJANGO_SETTINGS_MODULE="helpcenter.settings",
        MEDIA_ROOT=str(media),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def machine_conditions() -> dict:
    """What every benchmark reports about where it ran."""
    import django

    return {
        "cpu_cores": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def run_stats_worker(script: str | Path, env: dict) -> dict:
    """Run `script --stats` in the run's environment (a fresh Django process on the run's database)
    and return the JSON object it prints last."""
    result = subprocess.run(
        [sys.executable, str(Path(script).resolve()), "--stats"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def setup_django() -> None:
    """For a stats worker: Django set up from the run's environment, the project importable."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ticket_counts() -> dict:
    """What a run left in the tickets tables (called inside a Django process)."""
    from django.db.models import Count, Sum

    from outbox.models import OutgoingEmail
    from tickets.models import Attachment, Message, Ticket

    return {
        "tickets": Ticket.objects.count(),
        "tickets_by_channel": dict(Ticket.objects.values_list("channel").annotate(n=Count("id")).order_by()),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
        "attachment_bytes": Attachment.objects.aggregate(s=Sum("size"))["s"] or 0,
        "outgoing_queued": OutgoingEmail.objects.filter(state=OutgoingEmail.State.QUEUED).count(),
    }


def database_facts() -> dict:
    """The database engine's version, durability settings and size (called inside a Django process)."""
    from django.db import connection

    facts: dict = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for setting in ("server_version", "shared_buffers", "fsync", "synchronous_commit", "max_connections"):
                cursor.execute(f"SHOW {setting}")
                facts[setting] = cursor.fetchone()[0]
            cursor.execute("SELECT pg_database_size(current_database())")
            facts["database_bytes"] = cursor.fetchone()[0]
        else:
            sqlite = connection.connection
            facts["server_version"] = sqlite.execute("select sqlite_version()").fetchone()[0]
            facts["journal_mode"] = sqlite.execute("PRAGMA journal_mode").fetchone()[0]
            facts["synchronous"] = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(
                sqlite.execute("PRAGMA synchronous").fetchone()[0]
            )
            path = Path(connection.settings_dict["NAME"])
            facts["database_bytes"] = path.stat().st_size + sum(
                p.stat().st_size for p in path.parent.glob(path.name + "-*") if p.exists()
            )
    return facts


def describe_engine(facts: dict, note: str = "") -> str:
    """One line naming the database a run used, from database_facts(); `note` adds the run's own settings."""
    note = f", {note}" if note else ""
    if facts["vendor"] == "postgresql":
        return (
            f"PostgreSQL {facts['server_version']} (throwaway cluster, shared_buffers {facts['shared_buffers']}, "
            f"fsync {facts['fsync']}, synchronous_commit {facts['synchronous_commit']}{note})"
        )
    return f"SQLite {facts['server_version']} (journal_mode {facts['journal_mode']}, synchronous {facts['synchronous']}{note})"


def make_png(rng: random.Random) -> bytes:
    """A real small PNG: a grey 'screenshot' with a little noise, a few KB to some tens of KB."""
    width, height = rng.choice([(120, 240), (200, 120), (240, 160), (180, 320)])
    rows = []
    for y in range(height):
        row = bytearray([0])
        base = 200 + (y * 40 // height)
        for _x in range(width):
            row += bytes([max(0, min(255, base + rng.randint(-6, 6)))] * 3)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 6)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def explain_rate_queries() -> dict:
    """The query plans of the per-address checks each new ticket runs (called inside a Django
    process): the web form's ratelimit.address_allowed() and the acknowledgement's
    outbox.queue.address_allowed(). Both compare the address case-insensitively."""
    from datetime import timedelta

    from django.utils import timezone

    from outbox.models import OutgoingEmail
    from tickets.models import Ticket

    since = timezone.now() - timedelta(hours=1)
    address = "someone@example.com"
    plans = {}
    for label, queryset in (
        (
            "ratelimit.address_allowed",
            Ticket.objects.filter(requester_email__iexact=address, created_at__gte=since).order_by(),
        ),
        (
            "outbox.queue.address_allowed",
            OutgoingEmail.objects.filter(kind="acknowledgement", to__iexact=address, created_at__gte=since).order_by(),
        ),
    ):
        with contextlib.suppress(Exception):
            plans[label] = {"sql": str(queryset.only("pk").query), "plan": queryset.explain()}
    return plans


def describe_plans(plans: dict, when: str) -> list[str]:
    """One line per query plan from explain_rate_queries(); `when` says how often the query runs."""
    return [
        f"plan of {label}() ({when}): " + " | ".join(line.strip() for line in plan["plan"].splitlines() if line.strip())
        for label, plan in plans.items()
    ]


class CpuMeter:
    """How much of the machine's CPU other people's processes took while we measured.

    Between start() and stop(): CPU seconds the whole machine was busy (/proc/stat), and those of
    this benchmark's own processes: this process and its descendants, plus processes whose command
    line holds one of the markers (the throwaway PostgreSQL cluster's postmaster) and theirs. Exited
    children count through their parents' cutime/cstime. The rest is everybody else's.
    """

    def __init__(self, markers: tuple[str, ...] = ()) -> None:
        self.markers = markers
        self.tick = os.sysconf("SC_CLK_TCK")
        self._start: tuple[float, float, float] | None = None

    @staticmethod
    def _machine_busy_ticks() -> int:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
        return user + nice + system + irq + softirq + steal

    def _our_ticks(self) -> int:
        parent, ticks, roots = {}, {}, {os.getpid()}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                if self.markers:
                    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                        command = cmdline.read().decode("utf-8", "replace")
                    if any(marker in command for marker in self.markers):
                        roots.add(pid)
            except (OSError, IndexError):
                continue
            parent[pid] = int(fields[1])
            ticks[pid] = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        children: dict[int, list[int]] = {}
        for pid, ppid in parent.items():
            children.setdefault(ppid, []).append(pid)
        ours, stack = set(), [pid for pid in roots if pid in ticks]
        while stack:
            pid = stack.pop()
            if pid not in ours:
                ours.add(pid)
                stack.extend(children.get(pid, []))
        return sum(ticks[pid] for pid in ours)

    def start(self) -> None:
        self._start = (time.monotonic(), self._machine_busy_ticks(), self._our_ticks())

    def stop(self) -> dict:
        began, busy, ours = self._start
        wall = time.monotonic() - began
        busy = (self._machine_busy_ticks() - busy) / self.tick
        ours = (self._our_ticks() - ours) / self.tick
        others = max(0.0, busy - ours)
        capacity = wall * (os.cpu_count() or 1)
        return {
            "wall_s": round(wall, 2),
            "machine_busy_cpu_s": round(busy, 2),
            "benchmark_cpu_s": round(ours, 2),
            "others_cpu_s": round(others, 2),
            "others_share_of_machine": round(others / capacity, 3) if capacity else 0.0,
        }


def describe_cpu(meter: dict) -> str:
    return (
        f"CPU during it: this benchmark {meter['benchmark_cpu_s']} s, other processes on the machine "
        f"{meter['others_cpu_s']} s ({meter['others_share_of_machine'] * 100:.0f} % of all cores)"
    )
