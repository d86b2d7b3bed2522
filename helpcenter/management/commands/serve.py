"""`make serve`: the production server and its companions as one command that stops cleanly.

- uvicorn serving helpcenter.asgi with several worker processes (HELPCENTER_SERVE_WORKERS),
  through helpcenter/uvicorn_server.py;
- the mail worker, `send_queued_mail --loop`;
- the scheduled commands, `run_schedule`.

SIGTERM or Ctrl-C stops all three (each gets SIGTERM and up to HELPCENTER_SERVE_GRACE seconds);
if any of them dies, the others are stopped too and this exits 1, so the supervisor above (systemd,
a container runtime) restarts the whole set instead of running half of it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


class Command(BaseCommand):
    help = "Run the ASGI server (several workers), the mail worker and the scheduled commands; stop them together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=settings.HELPCENTER_SERVE_WORKERS)
        parser.add_argument("--no-mail-worker", action="store_true", help="when another server runs it")
        parser.add_argument("--no-schedule", action="store_true", help="when another server runs it")

    def handle(self, *args, host: str, port: int, workers: int, **options):
        commands = {
            "web": [
                # uvicorn with Nagle's algorithm off on its workers' connections (helpcenter/uvicorn_server.py).
                sys.executable, "-m", "helpcenter.uvicorn_server", "helpcenter.asgi:application",
                "--host", host, "--port", str(port), "--workers", str(workers),
                # The proxy in front sets the client's address; only it is believed (rate limits, lock-outs).
                "--proxy-headers", "--forwarded-allow-ips", settings.HELPCENTER_FORWARDED_ALLOW_IPS,
                "--timeout-graceful-shutdown", str(settings.HELPCENTER_SERVE_GRACE),
                # The access log is on: private links' tokens are cut out of it (helpcenter.logredact).
            ],
        }  # fmt: skip
        if not options["no_mail_worker"]:
            commands["mail worker"] = [sys.executable, MANAGE, "send_queued_mail", "--loop"]
        if not options["no_schedule"]:
            commands["schedule"] = [sys.executable, MANAGE, "run_schedule"]

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        children = {name: subprocess.Popen(command) for name, command in commands.items()}
        self.stdout.write(
            f"Serving on http://{host}:{port} with {workers} workers; running: {', '.join(children)}.", ending="\n"
        )
        self.stdout.flush()
        failed = None
        while not stopping and failed is None:
            for name, child in children.items():
                if child.poll() is not None:
                    failed = name
                    break
            time.sleep(0.2)
        if failed:
            self.stderr.write(f"{failed} exited with {children[failed].returncode}; stopping the rest.")
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + settings.HELPCENTER_SERVE_GRACE + 5
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("Stopped.")
        if failed:
            sys.exit(1)
