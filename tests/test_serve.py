"""manage.py serve (make serve) as an operator runs it: a real uvicorn with two workers, the mail worker
and the schedule, answering /healthz and /readyz, and all of it gone after one SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_settings import PRODUCTION, ROOT

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serve_runs_workers_mail_and_schedule_and_stops_cleanly(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(PRODUCTION)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "HELPCENTER_SERVE_GRACE": "5",
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline and server.poll() is None, server.stdout.read()
                time.sleep(0.3)
        assert (status, body) == (200, {"status": "ok"})
        assert get(f"http://127.0.0.1:{port}/readyz") == (
            200,
            {"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok"}},
        )

        parts = {command_line(pid): pid for pid in children_of(server.pid)}
        web = next(
            pid for line, pid in parts.items() if "helpcenter.uvicorn_server helpcenter.asgi:application" in line
        )
        assert any("send_queued_mail --loop" in line for line in parts)
        assert any("run_schedule" in line for line in parts)
        assert len(parts) == 3
        workers = children_of(web)
        assert len(workers) >= 2  # uvicorn's two workers (and, on some versions, its resource tracker)
        everything = [server.pid, *parts.values(), *workers]
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=40)
    assert server.returncode == 0, output
    assert "Stopped." in output
    assert [pid for pid in everything if alive(pid)] == []


def test_the_servers_connections_have_nagles_algorithm_off():
    # What uvicorn's --workers mode binds, as helpcenter.uvicorn_server binds it: every connection
    # accepted on it must send an answer's body without waiting for the headers' acknowledgement.
    from uvicorn.config import Config

    from helpcenter.uvicorn_server import bind_socket_without_nagle

    listening = bind_socket_without_nagle(Config("helpcenter.asgi:application", host="127.0.0.1", port=0))
    try:
        listening.listen()  # as the server's event loop does with it
        client = socket.create_connection(listening.getsockname()[:2])
        accepted, _ = listening.accept()
        with client, accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listening.close()


def test_uvicorns_own_binding_leaves_nagle_on_which_is_why_the_wrapper_exists():
    from uvicorn.config import Config

    listening = Config("helpcenter.asgi:application", host="127.0.0.1", port=0).bind_socket()
    try:
        assert listening.proto == 0  # so asyncio never sets TCP_NODELAY on what it accepts
        listening.listen()
        client = socket.create_connection(listening.getsockname()[:2])
        accepted, _ = listening.accept()
        with client, accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
    finally:
        listening.close()
