"""Real chat servers for the cross-process test: a migrated SQLite file, two Daphne processes on
free ports sharing one Redis, and the setup done through `manage.py shell`."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database: Path, redis_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL"}}
    return {
        **clean,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": redis_url,
        # Its own prefix: runs sharing the Redis never hear each other's groups.
        "CHAT_LAYER_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    if result.returncode:
        raise RuntimeError(result.stdout + result.stderr)
    return result.stdout


SETUP = """
import json
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from chat.models import AgentAvailability, Chat
agent = User.objects.create_user("kim", "kim@example.com", "pw", is_staff=True)
agent.groups.add(Group.objects.get(name="Agents"))
AgentAvailability.objects.create(agent=agent, status="online", capacity=%(capacity)d)
session = SessionStore()
session["_auth_user_id"] = str(agent.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = agent.get_session_auth_hash()
session.create()
tokens = [Chat.start(name=f"고객{n}", email=f"c{n}@example.com", topic="payment", text="안녕하세요", language="ko")[1]
          for n in range(%(chats)d)]
print(json.dumps({"session": session.session_key, "tokens": tokens}))
"""


def set_up(env: dict[str, str], chats: int = 1, capacity: int = 3) -> dict:
    output = manage(env, "shell", "-c", SETUP % {"chats": chats, "capacity": capacity})
    return json.loads(output.strip().splitlines()[-1])


@contextlib.contextmanager
def daphne_servers(env: dict[str, str], count: int = 2):
    """`count` Daphne processes on free loopback ports; stopped (by their own pid) on the way out."""
    ports = [free_port() for _ in range(count)]
    # Each server's log goes to a file: a pipe nobody reads fills up after a few hundred
    # connections' access lines, and the server then blocks in the middle of writing one.
    logs = [tempfile.TemporaryFile() for _ in ports]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "helpcenter.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    for process, log in zip(processes, logs, strict=True):
        process.log = log
    try:
        for port, process in zip(ports, processes, strict=True):
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(server_log(process))
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Daphne did not listen on {port}")
                time.sleep(0.2)
        yield ports, processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def server_log(process: subprocess.Popen) -> str:
    """What a server started by daphne_servers wrote to its log (stderr) so far."""
    process.log.seek(0)
    return process.log.read().decode(errors="replace")
