#!/usr/bin/env python
"""Public pages under load, as a ratio to a static file served by the same server in the same run.

    .venv/bin/python bench/load.py [--database sqlite|postgres|both] [--seconds 15] [--connections 10]
        [--articles 400] [--workers 2] [--only home,article,...]

For each database: a throwaway database (a SQLite file in a temp dir; for PostgreSQL a database made
on BENCH_POSTGRES_URL's server, else a cluster of our own, as bench/_common.py does), migrated, with
the demo content (`load_demo`) plus --articles generated Korean/English help articles (bench/
faq_search.py's generator: Markdown bodies of 80–300 words, Zipf-like vocabulary) in the demo's
categories, saved one by one through the models so that the search index is the app's own. Then the
production server exactly as `make serve` runs it — `manage.py serve` (uvicorn, --workers worker
processes) with DJANGO_DEBUG off, hashed static files from collectstatic, the default cache
(CACHE_URL unset: one per process) — on a free loopback port, without the mail worker and the
schedule (they would only compete for the CPU). Requests carry X-Forwarded-Proto: https, as from the
TLS proxy the production settings expect.

Each page is driven by wrk (apt install wrk) with --connections connections on 2 threads for
--seconds after a 2-second warm-up; a page with several addresses (articles, categories, queries)
rotates through them; /healthz, answered by the first middleware, shows the server's own ceiling.
A page's first answer must be 200 or the run stops. Printed per page:
requests/s, p50 and p95 latency, errors (socket errors plus non-2xx/3xx answers) and the ratio to
the static file, which is measured first and again last (the ratio uses the mean of both); plus the
1-minute load average before and after each database. The table also goes to
bench/results/load-<database>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MANAGE, RESULTS, ROOT, databases, free_port, log, machine_conditions  # noqa: E402

WARM_UP_SECONDS = 2
WRK_THREADS = 2
GOALS = {"page": 0.70, "search": 0.40, "form": 0.25}
SEARCHES = ["환불", "비밀번호 재설정", "결제 취소", "구독 해지", "로그인", "환뷸", "블루투스 연결", "가족 요금제"]

# Asked by wrk at the end of a run: the figures wrk prints only as text (and p95, which it never prints).
WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p95_ms": %%f, ' ..
    '"socket_errors": %%d, "bad_status": %%d}\\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def fill_database(articles: int) -> None:
    """In a Django process on the run's database: demo content plus `articles` generated ones."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from faq_search import CorpusGenerator

    from faq.models import Article, ArticleTranslation, Category

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    categories = list(Category.objects.all())
    generator = CorpusGenerator(seed=12)
    for number in range(articles):
        made = generator.article()
        article = Article.objects.create(
            slug=f"bench-{number:05d}",
            category=categories[number % len(categories)],
            status=Article.Status.PUBLISHED if made["published"] else Article.Status.DRAFT,
            view_count=generator.rng.randrange(5000),
        )
        ArticleTranslation.objects.create(article=article, language="ko", title=made["ko"][0], body=made["ko"][1])
        if made["has_en"]:
            ArticleTranslation.objects.create(article=article, language="en", title=made["en"][0], body=made["en"][1])
    published = Article.objects.published().filter(translations__language="ko")
    print(
        json.dumps(
            {
                "articles": list(published.order_by("-view_count").values_list("slug", flat=True)[:50]),
                "categories": [category.slug for category in categories],
                "published": published.count(),
            }
        )
    )


def server_environment(url: str, media: Path) -> dict:
    env = dict(os.environ)
    env.pop("DJANGO_DEBUG", None)
    env.pop("CACHE_URL", None)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="helpcenter.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(media),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        HELPCENTER_FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    return env


def manage(env: dict, *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, str(MANAGE), *args], env=env, cwd=ROOT, check=True, capture_output=capture, text=True
    )
    return done.stdout if capture else ""


def get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https", "Accept-Language": "ko"})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@contextlib.contextmanager
def running_server(env: dict, workers: int):
    port = free_port()
    command = [
        sys.executable, str(MANAGE), "serve", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--no-mail-worker", "--no-schedule",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if get(port, "/healthz")[0] == 200:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.3)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wrk(port: int, paths: list[str], seconds: int, connections: int, script_dir: Path) -> dict:
    script = script_dir / "rotate.lua"
    script.write_text(WRK_SCRIPT % {"paths": ", ".join(json.dumps(path, ensure_ascii=False) for path in paths)})
    command = [
        "wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
        "-H", "X-Forwarded-Proto: https", "-H", "Accept-Language: ko", f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"wrk failed: {done.stderr or done.stdout}")
    output = done.stdout
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    figures = json.loads(line.removeprefix("WRKJSON "))
    figures["requests_per_s"] = figures["requests"] / figures["seconds"]
    figures["errors"] = figures["socket_errors"] + figures["bad_status"]
    return figures


def pages_to_drive(port: int, filled: dict) -> dict[str, tuple[str, list[str]]]:
    """name → (goal kind, paths), each path checked to answer 200 first."""
    status, home = get(port, "/ko/")
    stylesheet = re.search(r'href="(/static/css/helpcenter\.[0-9a-f]+\.css)"', home)
    if status != 200 or not stylesheet:
        raise SystemExit(f"the home page answered {status} without its hashed stylesheet")
    quoted = [quote(query) for query in SEARCHES]
    pages = {
        "static file": ("static", [stylesheet[1]]),
        # Answered by the first middleware, before Django does anything else: the server's own ceiling.
        "/healthz": ("ceiling", ["/healthz"]),
        "home": ("page", ["/ko/"]),
        "FAQ index": ("page", ["/ko/faq/"]),
        "category": ("page", [f"/ko/faq/categories/{slug}/" for slug in filled["categories"]]),
        "article": ("page", [f"/ko/faq/articles/{slug}/" for slug in filled["articles"]]),
        "search page": ("search", [f"/ko/faq/search/?q={query}" for query in quoted]),
        "search API": ("search", [f"/api/faq/search?q={query}&lang=ko" for query in quoted]),
        "contact form": ("form", ["/ko/contact/"]),
        "refund form": ("form", ["/ko/refunds/"]),
    }
    for name, (_, paths) in pages.items():
        for path in paths:
            status, _ = get(port, path)
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}")
    return pages


def run(database: str, args: argparse.Namespace) -> dict:
    with databases(database, ["load"], prefix="loadbench") as urls, tempfile.TemporaryDirectory() as tmp:
        env = server_environment(urls["load"], Path(tmp) / "media")
        log(f"{database}: migrating and filling ({args.articles} generated articles)")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        fill = subprocess.run(
            [sys.executable, __file__, "--fill", str(args.articles)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if fill.returncode:
            raise SystemExit(f"filling the database failed:\n{fill.stderr}")
        filled = json.loads(fill.stdout.strip().splitlines()[-1])
        load_before = os.getloadavg()
        results: dict[str, dict] = {}
        with running_server(env, args.workers) as port:
            pages = pages_to_drive(port, filled)
            order = [
                name for name in pages if not args.only or name in args.only or name in ("static file", "/healthz")
            ]
            for name in [*order, "static file (again)"]:
                kind, paths = pages["static file" if name.startswith("static") else name]
                wrk(port, paths, WARM_UP_SECONDS, args.connections, Path(tmp))
                figures = wrk(port, paths, args.seconds, args.connections, Path(tmp))
                figures["kind"] = kind
                figures["load_average_1min"] = os.getloadavg()[0]
                results[name] = figures
                log(f"{database}: {name}: {figures['requests_per_s']:.0f} requests/s, errors {figures['errors']}")
        load_after = os.getloadavg()
    static = (results["static file"]["requests_per_s"] + results["static file (again)"]["requests_per_s"]) / 2
    for figures in results.values():
        figures["ratio_to_static"] = figures["requests_per_s"] / static
    return {
        "database": database,
        "published_articles": filled["published"],
        "workers": args.workers,
        "connections": args.connections,
        "seconds_per_page": args.seconds,
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        "static_requests_per_s_mean": static,
        "pages": results,
        "machine": machine_conditions(),
    }


def print_table(result: dict) -> None:
    print(
        f"\n{result['database']}: {result['published_articles']} published articles, {result['workers']} uvicorn "
        f"workers, {result['connections']} connections, {result['seconds_per_page']} s per page; load average "
        f"{result['load_average_before'][0]} before, {result['load_average_after'][0]} after"
    )
    print(f"{'page':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'static':>7} {'goal':>6}  load")
    for name, figures in result["pages"].items():
        goal = GOALS.get(figures["kind"])
        verdict = "" if goal is None else ("ok" if figures["ratio_to_static"] >= goal else f"<{goal:.0%}")
        print(
            f"{name:<20} {figures['requests_per_s']:>8.0f} {figures['p50_ms']:>8.2f} {figures['p95_ms']:>8.2f} "
            f"{figures['errors']:>7} {figures['ratio_to_static']:>7.0%} {verdict:>6}  {figures['load_average_1min']:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", type=lambda text: set(text.split(",")), default=None)
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)  # the filling subprocess
    args = parser.parse_args()
    if args.fill is not None:
        fill_database(args.fill)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt install wrk")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for database in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
        result = run(database, args)
        (RESULTS / f"load-{database}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        print_table(result)


if __name__ == "__main__":
    main()
