#!/usr/bin/env python
"""Contact-form benchmark: how many web-form submissions per second the server takes.

    .venv/bin/python bench/tickets_webform.py [--submissions 500] [--concurrency 4]
        [--database sqlite|postgres|both] [--server gunicorn|runserver] [--workers N] [--threads N]

Serves the app on 127.0.0.1 (a free port) with a real HTTP server — gunicorn if it is installed in
the virtualenv (sync workers, 2 × cores + 1 of them unless --workers says otherwise), else
`manage.py runserver --noreload` (threaded) — with DJANGO_DEBUG=1, on a fresh migrated throwaway
database (a SQLite file in a temp dir, or a throwaway PostgreSQL cluster; BENCH_POSTGRES_URL names
a server to create the database on instead), MEDIA_ROOT in a temp dir, EMAIL_BACKEND locmem, and the
per-IP and per-address limits raised through TICKETS_RATE_PER_IP / TICKETS_RATE_PER_ADDRESS so
nothing is throttled. The mail queue worker is not running: acknowledgements only accumulate.

Each submission is what a browser does: GET /ko/contact/ (CSRF cookie and the form's token), then a
multipart POST of every field (half of them with a small PNG), expecting 302 to /ko/contact/sent/.
--concurrency client threads, a fresh cookie jar per submission (a new visitor each time), a
different e-mail address each time, only loopback traffic. Two timed phases of --submissions each:

  pairs      each thread does GET then POST, as fast as it can: full GET+POST pairs per second;
  post-only  the forms are fetched first (not timed), then only the POSTs are timed: submissions
             (POSTs) per second, the rate at which the server files tickets.

Results: printed, and bench/results/tickets_webform-<database>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path

from _common import (
    MANAGE,
    RESULTS,
    ROOT,
    CpuMeter,
    database_facts,
    databases,
    describe_cpu,
    describe_engine,
    describe_plans,
    django_environment,
    explain_rate_queries,
    free_port,
    log,
    machine_conditions,
    make_png,
    migrate,
    pct,
    run_stats_worker,
    setup_django,
    ticket_counts,
)

SEED = 20261125
MARKERS = ("webform-bench-pg-",)  # our throwaway cluster's temp dir, in its postmaster's command line
CONTACT = "/ko/contact/"
SENT = "/ko/contact/sent/"
RAISED_LIMIT = 1_000_000_000
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 15; SM-S921N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

NAMES = [
    "김민지",
    "이서준",
    "박지우",
    "최하은",
    "정도윤",
    "강서연",
    "조예준",
    "윤수아",
    "장지호",
    "임채원",
    "한현우",
    "오다은",
]
TOPICS = {
    "payment": ["결제가 두 번 됐어요", "이번 달 요금이 중복 청구되었습니다", "결제 수단 변경이 안 됩니다"],
    "refund": ["환불 요청드립니다", "구독 해지 후 환불 문의", "미사용 기간 환불 가능한가요?"],
    "account": ["로그인이 안 돼요", "비밀번호 재설정 메일이 오지 않습니다", "휴대폰 번호 변경 후 인증이 안 됩니다"],
    "subscription": ["가족 요금제 초대가 안 됩니다", "학생 요금제 인증 문의", "정기결제 해지 방법"],
    "playback": ["음악 재생이 자꾸 멈춰요", "가사가 안 보여요", "블루투스 연결 시 소리가 끊겨요"],
    "other": ["제휴 문의드립니다", "앱 개선 제안"],
}
SENTENCES = [
    "11월 3일에 프리미엄 요금이 카드에서 두 번 빠져나갔습니다.",
    "카드사 앱에서 보니 같은 금액이 두 건 승인되어 있어요.",
    "업데이트 후로 가사 화면이 빈칸으로 나옵니다.",
    "앱을 지우고 다시 설치해 봤는데도 똑같습니다.",
    "비밀번호 재설정 메일을 여러 번 요청했는데 스팸함에도 없습니다.",
    "차량 블루투스로 연결하면 몇 분마다 소리가 끊깁니다.",
    "가족 요금제에 동생을 초대했는데 초대 링크가 만료되었다고 나옵니다.",
    "확인 부탁드립니다.",
    "빠른 답변 부탁드립니다. 감사합니다.",
]
DEVICES = [
    ("Galaxy S24", "Android 15"),
    ("iPhone 15", "iOS 18.1"),
    ("Galaxy Z Flip5", "Android 14"),
    ("Windows PC", "Windows 11"),
    ("MacBook Air", "macOS 15"),
]
ERRORS = ["", "", "일시적인 오류가 발생했습니다 (E-1042)", "결제를 처리할 수 없습니다", "재생할 수 없는 곡입니다"]


# ---------------------------------------------------------------------------------------------
# The client: one browser visit per submission


class Visit:
    """One customer: a cookie jar of their own, a GET of the form, a multipart POST."""

    def __init__(self, port: int, number: int, png: bytes | None) -> None:
        self.port = port
        self.number = number
        self.png = png
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            all_headers = {
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "ko-KR,ko;q=0.9,en-US;q=0.8",
                **(headers or {}),
            }
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for key, morsel in jar.items():
                    self.cookies[key] = morsel.value
            return response.status, response.getheader("Location", ""), content
        finally:
            connection.close()

    def get_form(self) -> tuple[int, float]:
        started = time.perf_counter()
        status, _, content = self.request("GET", CONTACT)
        elapsed = time.perf_counter() - started
        match = TOKEN.search(content.decode("utf-8", "replace"))
        self.token = match.group(1) if match else ""
        if status == 200 and not (self.token and "csrftoken" in self.cookies):
            status = -1  # a page without the CSRF token or cookie
        return status, elapsed

    def post_form(self) -> tuple[int, str, float]:
        rng = random.Random(SEED + self.number)
        topic = rng.choice(list(TOPICS))
        device, os_name = rng.choice(DEVICES)
        fields = [
            ("csrfmiddlewaretoken", self.token),
            ("requester_name", rng.choice(NAMES)),
            ("requester_email", f"bench.user{self.number:06d}@example.com"),
            ("topic", topic),
            ("subject", rng.choice(TOPICS[topic])),
            ("description", " ".join(rng.sample(SENTENCES, rng.randint(2, 5)))),
            ("device", device),
            ("operating_system", os_name),
            ("app_version", f"7.{rng.randint(0, 3)}.{rng.randint(0, 9)}"),
            ("error_message", rng.choice(ERRORS)),
        ]
        boundary = f"----WebKitFormBoundary{rng.getrandbits(64):016x}"
        parts = []
        for name, value in fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        if self.png is not None:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="스크린샷_{self.number}.png"'
                "\r\nContent-Type: image/png\r\n\r\n".encode()
                + self.png
                + b"\r\n"
            )
        else:  # what a browser sends for an empty file input
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\n'
                "Content-Type: application/octet-stream\r\n\r\n\r\n".encode()
            )
        for name, value in (("website", ""), ("submit", "문의 보내기")):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        origin = f"http://127.0.0.1:{self.port}"
        started = time.perf_counter()
        status, location, _ = self.request(
            "POST",
            CONTACT,
            body=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Origin": origin,
                "Referer": origin + CONTACT,
            },
        )
        return status, location, time.perf_counter() - started


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.get_times: list[float] = []
        self.post_times: list[float] = []
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.ok = 0

    def get(self, status: int, elapsed: float) -> bool:
        with self.lock:
            self.get_times.append(elapsed)
            self.statuses[f"GET {status}"] += 1
            if status != 200:
                self.errors.append(f"GET {CONTACT} -> {status}")
                return False
        return True

    def post(self, status: int, location: str, elapsed: float) -> None:
        with self.lock:
            self.post_times.append(elapsed)
            good = status == 302 and location.split("?")[0].endswith(SENT)
            self.statuses[f"POST {status}" + ("" if status != 302 or good else f" to {location}")] += 1
            if good:
                self.ok += 1
            else:
                self.errors.append(f"POST {CONTACT} -> {status} {location}")

    def failure(self, what: str, error: BaseException) -> None:
        with self.lock:
            self.statuses[f"{what} {type(error).__name__}"] += 1
            self.errors.append(f"{what}: {type(error).__name__}: {error}")


def run_threads(concurrency: int, target) -> float:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def pngs() -> list[bytes]:
    rng = random.Random(SEED)
    return [make_png(rng) for _ in range(8)]


def phase_pairs(port: int, numbers: range, concurrency: int, images: list[bytes]) -> dict:
    """Each thread: GET the form, POST it, next."""
    recorder = Recorder()
    queue = iter(numbers)
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                number = next(queue, None)
            if number is None:
                return
            visit = Visit(port, number, images[number % len(images)] if number % 2 else None)
            try:
                if recorder.get(*visit.get_form()):
                    recorder.post(*visit.post_form())
            except (OSError, http.client.HTTPException) as error:
                recorder.failure("request", error)

    wall = run_threads(concurrency, worker)
    return summarise(recorder, wall, len(numbers), concurrency)


def phase_post_only(port: int, numbers: range, concurrency: int, images: list[bytes], meter: CpuMeter) -> dict:
    """All forms fetched first (timed separately), then only the POSTs, as fast as the threads can."""
    recorder = Recorder()
    visits = [Visit(port, n, images[n % len(images)] if n % 2 else None) for n in numbers]
    fetch = iter(visits)
    lock = threading.Lock()
    ready: list[Visit] = []

    def fetcher() -> None:
        while True:
            with lock:
                visit = next(fetch, None)
            if visit is None:
                return
            try:
                if recorder.get(*visit.get_form()):
                    with lock:
                        ready.append(visit)
            except (OSError, http.client.HTTPException) as error:
                recorder.failure("GET", error)

    get_wall = run_threads(concurrency, fetcher)
    ready.sort(key=lambda v: v.number)
    post_queue = iter(ready)

    def poster() -> None:
        while True:
            with lock:
                visit = next(post_queue, None)
            if visit is None:
                return
            try:
                recorder.post(*visit.post_form())
            except (OSError, http.client.HTTPException) as error:
                recorder.failure("POST", error)

    meter.start()
    wall = run_threads(concurrency, poster)
    cpu = meter.stop()
    result = summarise(recorder, wall, len(numbers), concurrency)
    result["cpu"] = cpu
    result["get_phase_s"] = round(get_wall, 3)
    result["gets_per_s"] = round(len(visits) / get_wall, 1)
    return result


def summarise(recorder: Recorder, wall: float, count: int, concurrency: int) -> dict:
    def ms(values: list[float]) -> dict:
        if not values:
            return {}
        values = [v * 1000 for v in values]
        return {
            "median": round(statistics.median(values), 1),
            "p95": round(pct(values, 95), 1),
            "max": round(max(values), 1),
            "n": len(values),
        }

    return {
        "submissions": count,
        "concurrency": concurrency,
        "wall_s": round(wall, 3),
        "ok": recorder.ok,
        "errors": len(recorder.errors),
        "error_examples": recorder.errors[:5],
        "statuses": dict(recorder.statuses),
        "per_s": round(recorder.ok / wall, 1),
        "post_ms": ms(recorder.post_times),
        "get_ms": ms(recorder.get_times),
    }


# ---------------------------------------------------------------------------------------------
# The server


def gunicorn_path() -> Path | None:
    candidate = Path(sys.executable).parent / "gunicorn"
    return candidate if candidate.exists() else None


def start_server(kind: str, port: int, env: dict, workers: int, threads: int, logdir: Path):
    log_file = open(logdir / "server.log", "wb")
    if kind == "gunicorn":
        command = [
            str(gunicorn_path()),
            "helpcenter.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ]
    else:
        command = [sys.executable, str(MANAGE), "runserver", "--noreload", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited at start-up: {(logdir / 'server.log').read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", CONTACT)
            if connection.getresponse().status == 200:
                connection.close()
                return process, log_file
            connection.close()
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(process, log_file)
    raise SystemExit("the server did not answer within 60 s")


def stop_server(process: subprocess.Popen, log_file) -> None:
    """Stop the server we started (its own process group: gunicorn's master and workers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    log_file.close()


def server_errors(logdir: Path) -> list[str]:
    text = (logdir / "server.log").read_text(errors="replace")
    return [line for line in text.splitlines() if re.search(r"Error|Traceback|locked|CRITICAL|WORKER TIMEOUT", line)]


# ---------------------------------------------------------------------------------------------
# Stats worker: counts in the database (run as `tickets_webform.py --stats` with the run's environment)


def stats_worker() -> None:
    setup_django()
    from django.contrib.sessions.models import Session

    out = {**ticket_counts(), "sessions": Session.objects.count(), "plans": explain_rate_queries(), **database_facts()}
    print(json.dumps(out))


def stats(env: dict) -> dict:
    return run_stats_worker(__file__, env)


def environment(url: str, media: Path) -> dict:
    return django_environment(
        url, media, TICKETS_RATE_PER_IP=str(RAISED_LIMIT), TICKETS_RATE_PER_ADDRESS=str(RAISED_LIMIT)
    )


def run_database(database: str, args: argparse.Namespace) -> dict:
    result: dict = {"database": database}
    work = Path(tempfile.mkdtemp(prefix="tickets-webform-"))
    images = pngs()
    try:
        with databases(database, ["webform"], prefix="webform") as urls:
            env = environment(urls["webform"], work / "media")
            log(f"{database}: migrate")
            result["migrate_s"] = round(migrate(env), 2)
            port = free_port()
            log(f"{database}: starting {args.server} on 127.0.0.1:{port}")
            process, log_file = start_server(args.server, port, env, args.workers, args.threads, work)
            try:
                warm = range(0, args.warmup)
                log(f"{database}: warm-up, {len(warm)} submissions (not counted)")
                result["warmup"] = phase_pairs(port, warm, args.concurrency, images)
                numbers = range(args.warmup, args.warmup + args.submissions)
                log(f"{database}: pairs phase, {args.submissions} GET+POST pairs on {args.concurrency} threads")
                meter = CpuMeter(MARKERS)
                meter.start()
                result["pairs"] = phase_pairs(port, numbers, args.concurrency, images)
                result["pairs"]["cpu"] = meter.stop()
                numbers = range(numbers.stop, numbers.stop + args.submissions)
                log(f"{database}: post-only phase, {args.submissions} forms fetched, then the POSTs timed")
                result["post_only"] = phase_post_only(port, numbers, args.concurrency, images, meter)
            finally:
                stop_server(process, log_file)
            result["server_log_errors"] = server_errors(work)[:20]
            result["after"] = stats(env)
            result["attachment_files_on_disk"] = sum(1 for p in (work / "media").rglob("*") if p.is_file())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


# ---------------------------------------------------------------------------------------------
# Report


def engine(after: dict) -> str:
    # The server's processes keep their connections (CONN_MAX_AGE); SQLite waits for a busy writer.
    return describe_engine(after, "CONN_MAX_AGE 60" if after["vendor"] == "postgresql" else "timeout 20 s")


def report(result: dict) -> str:
    a = result["after"]
    p, o = result["pairs"], result["post_only"]
    lines = [f"=== {result['database']}: {engine(a)} ==="]
    w = result["warmup"]
    lines.append(f"warm-up: {w['submissions']} submissions, {w['ok']} ok, {w['errors']} errors (not counted below)")
    lines.append(
        f"PAIRS      {p['ok']}/{p['submissions']} GET+POST pairs in {p['wall_s']} s: {p['per_s']} pairs/s "
        f"(= submissions/s with the form fetched each time); errors {p['errors']}"
    )
    lines.append(f"  {describe_cpu(p['cpu'])}")
    lines.append(
        f"  POST latency median {p['post_ms']['median']} ms, p95 {p['post_ms']['p95']} ms, max {p['post_ms']['max']} ms; "
        f"GET median {p['get_ms']['median']} ms, p95 {p['get_ms']['p95']} ms"
    )
    lines.append(
        f"POST-ONLY  {o['ok']}/{o['submissions']} POSTs in {o['wall_s']} s: {o['per_s']} submissions/s "
        f"(forms fetched beforehand: {o['gets_per_s']} GET/s); errors {o['errors']}"
    )
    lines.append(f"  {describe_cpu(o['cpu'])} (POSTs only)")
    lines.append(
        f"  POST latency median {o['post_ms']['median']} ms, p95 {o['post_ms']['p95']} ms, max {o['post_ms']['max']} ms"
    )
    statuses = Counter(p["statuses"]) + Counter(o["statuses"])
    lines.append("  responses (both phases): " + ", ".join(f"{k} ×{v}" for k, v in sorted(statuses.items())))
    for example in (p["error_examples"] + o["error_examples"])[:3]:
        lines.append(f"  error: {example}")
    expected = w["ok"] + p["ok"] + o["ok"]
    lines.append(
        f"database after: {a['tickets']} tickets (expected {expected}: warm-up + both phases), {a['messages']} messages, "
        f"{a['attachments']} attachments ({result['attachment_files_on_disk']} files in MEDIA_ROOT), "
        f"{a['outgoing_queued']} acknowledgements queued and not sent (no mail worker), {a['sessions']} sessions"
    )
    lines.extend(describe_plans(a.get("plans", {}), "each submission"))
    if result["server_log_errors"]:
        lines.append(
            f"server log: {len(result['server_log_errors'])} error lines, e.g. {result['server_log_errors'][0]}"
        )
    else:
        lines.append("server log: no errors")
    return "\n".join(lines)


def print_report(results: list[dict], conditions: dict) -> None:
    print()
    print("Contact-form benchmark (GET /ko/contact/ + multipart POST, expecting 302 to /ko/contact/sent/)")
    print(
        f"machine: {conditions['cpu_cores']} cores ({conditions['cpu']}), Python {conditions['python']}, "
        f"Django {conditions['django']}; client and server on the same machine, loopback only"
    )
    print(
        f"server: {conditions['server_description']}; DJANGO_DEBUG=1, EMAIL_BACKEND locmem, MEDIA_ROOT in a temp dir, "
        f"LOG_LEVEL=WARNING, TICKETS_RATE_PER_IP and TICKETS_RATE_PER_ADDRESS raised to {RAISED_LIMIT:,}"
    )
    print(
        f"client: {conditions['concurrency']} threads (http.client, a new connection and cookie jar per visit), "
        f"{conditions['submissions']} submissions per phase after {conditions['warmup']} warm-up ones; a different "
        "e-mail address each; every other one attaches a PNG "
        f"({', '.join(f'{n // 1024} KiB' for n in conditions['png_sizes'])})"
    )
    print(
        "the mail queue worker (send_queued_mail) is NOT running: each submission's acknowledgement is only "
        "queued, and the queue just accumulates"
    )
    print(
        "latency = time from sending the request to reading the whole response, seen by the client; "
        "p95 = 95th percentile, linear interpolation"
    )
    for result in results:
        print()
        print(report(result))
    print()
    print("JSON: " + ", ".join(str(RESULTS / f"tickets_webform-{r['database']}.json") for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=500, help="per timed phase")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--server",
        choices=["gunicorn", "runserver"],
        default=None,
        help="default: gunicorn if installed in the virtualenv, else runserver",
    )
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 2 × cores + 1)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--stats", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stats:
        stats_worker()
        return
    if args.submissions < 1 or args.concurrency < 1:
        raise SystemExit("--submissions and --concurrency must be at least 1")
    args.server = args.server or ("gunicorn" if gunicorn_path() else "runserver")
    if args.server == "gunicorn" and not gunicorn_path():
        raise SystemExit("gunicorn is not installed in this virtualenv: .venv/bin/pip install gunicorn")
    args.workers = args.workers or 2 * (os.cpu_count() or 1) + 1

    if args.server == "gunicorn":
        version = subprocess.run([str(gunicorn_path()), "--version"], capture_output=True, text=True).stdout.strip()
        kind = "sync" if args.threads == 1 else f"gthread, {args.threads} threads each"
        server = f"{version}, {args.workers} workers ({kind}), helpcenter.wsgi:application"
    else:
        server = "manage.py runserver --noreload (threaded: a thread per request), one process"
    conditions = {
        **machine_conditions(),
        "server": args.server,
        "server_description": server,
        "workers": args.workers if args.server == "gunicorn" else 1,
        "threads": args.threads,
        "concurrency": args.concurrency,
        "submissions": args.submissions,
        "warmup": args.warmup,
        "png_sizes": [len(p) for p in pngs()],
        "mail_worker_running": False,
        "debug": True,
        "rate_limits": RAISED_LIMIT,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = []
    for database in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
        result = run_database(database, args)
        result["conditions"] = conditions
        (RESULTS / f"tickets_webform-{database}.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        results.append(result)
    print_report(results, conditions)


if __name__ == "__main__":
    main()
