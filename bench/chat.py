"""Live chat under load: N customers and M agents over loopback WebSockets for a bounded time.

Two setups: the in-memory layer with one Daphne process, and the Redis layer (REDIS_URL) with two
Daphne processes (customers on one, agents on the other). Each customer sends a message every
--interval seconds; the latency is from the customer's send to the agent's receipt (one clock, one
machine). Prints p50/p95/p99, messages lost (acknowledged to the customer but never seen by an
agent), server memory per connection and server CPU.

    .venv/bin/python bench/chat.py                                   # 500 customers, 20 agents, 60 s, both
    .venv/bin/python bench/chat.py --customers 100 --agents 5 --seconds 15 --layer memory
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import pct  # noqa: E402
from tests.chat.live import daphne_servers, manage, server_env  # noqa: E402

SETUP = """
import json, math
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from chat.models import AgentAvailability, Chat
agents, sessions = [], []
for n in range(%(agents)d):
    agent = User.objects.create_user(f"agent{n}", f"agent{n}@example.com", "pw", is_staff=True)
    agent.groups.add(Group.objects.get(name="Agents"))
    AgentAvailability.objects.create(agent=agent, status="online", capacity=math.ceil(%(customers)d / %(agents)d))
    session = SessionStore()
    session.update({"_auth_user_id": str(agent.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                    "_auth_user_hash": agent.get_session_auth_hash()})
    session.create()
    sessions.append(session.session_key)
tokens = [Chat.start(name=f"c{n}", email=f"c{n}@example.com", topic="payment", text="hi", language="ko")[1]
          for n in range(%(customers)d)]
print(json.dumps({"sessions": sessions, "tokens": tokens}))
"""


def rss_cpu_and_wait(pid: int) -> tuple[int, float, float]:
    """Resident memory, CPU seconds, and seconds its threads were ready to run but waited for a
    core (schedstat): on a shared machine the last says whether the server was starved."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    waited = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            waited += int((task / "schedstat").read_text().split()[1]) / 1e9
    return rss, (int(fields[11]) + int(fields[12])) / ticks, waited


async def run_load(customer_ports, agent_ports, setup, seconds: float, interval: float, pids: list[int]) -> dict:
    import websockets

    sent: dict[str, float] = {}
    acked: set[str] = set()
    latencies: list[float] = []
    received: set[str] = set()
    stop = asyncio.Event()
    drained = asyncio.Event()

    async def agent(session: str, port: int, ready: asyncio.Event):
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/chat/agent/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": f"sessionid={session}"},
            max_queue=None,
        ) as ws:
            ready.set()
            # Agents listen past the end of sending: a message in flight then is late, not lost.
            while not drained.is_set():
                try:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=1))
                except TimeoutError:
                    continue
                if frame["type"] in ("message", "signal") and frame["message"]["client_id"] in sent:
                    client_id = frame["message"]["client_id"]
                    if client_id not in received:
                        received.add(client_id)
                        latencies.append((time.perf_counter() - sent[client_id]) * 1000)

    go = asyncio.Event()
    handshakes = asyncio.Semaphore(25)  # browsers arrive over time, not 500 in one instant
    connected: list[int] = []

    async def customer(number: int, token: str, port: int):
        async with handshakes:
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/chat/",
                origin=f"http://127.0.0.1:{port}",
                additional_headers={"Cookie": f"hc_chat={token}"},
            )
            await ws.recv()  # welcome
        connected.append(number)
        async with ws:
            await go.wait()
            await asyncio.sleep(interval * (number % 100) / 100)  # spread the sends
            sequence = 0
            while not stop.is_set():
                client_id = f"{number}-{sequence}"
                sequence += 1
                sent[client_id] = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "id": client_id, "text": f"message {client_id}"}))
                deadline = time.perf_counter() + interval
                while time.perf_counter() < deadline:
                    try:
                        frame = json.loads(
                            await asyncio.wait_for(ws.recv(), timeout=max(deadline - time.perf_counter(), 0.01))
                        )
                    except TimeoutError:
                        break
                    if frame["type"] == "ack":
                        acked.add(frame["id"])

    readies = []
    agent_tasks = []
    for index, session in enumerate(setup["sessions"]):
        ready = asyncio.Event()
        readies.append(ready)
        agent_tasks.append(asyncio.create_task(agent(session, agent_ports[index % len(agent_ports)], ready)))
    await asyncio.gather(*(r.wait() for r in readies))
    connecting = time.perf_counter()
    customer_tasks = [
        asyncio.create_task(customer(n, token, customer_ports[n % len(customer_ports)]))
        for n, token in enumerate(setup["tokens"])
    ]
    while len(connected) < len(customer_tasks) and not all(task.done() for task in customer_tasks):
        await asyncio.sleep(0.05)
        if len(connected) + sum(task.done() for task in customer_tasks) >= len(customer_tasks):
            break
    connect_seconds = time.perf_counter() - connecting
    load_before = os.getloadavg()
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    steady_before = [rss_cpu_and_wait(pid) for pid in pids]
    go.set()
    await asyncio.sleep(seconds)
    stop.set()
    steady_after = [rss_cpu_and_wait(pid) for pid in pids]
    outcomes = await asyncio.gather(*customer_tasks, return_exceptions=True)
    failures = [repr(outcome) for outcome in outcomes if isinstance(outcome, BaseException)]
    await asyncio.sleep(5)  # the last messages in flight
    drained.set()
    await asyncio.gather(*agent_tasks, return_exceptions=True)
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "sent": len(sent),
        "acked": len(acked),
        "received": len(received),
        "latencies": latencies,
        "acked_ids": acked,
        "received_ids": received,
        "failures": failures,
        "steady_cpu": sum(a[1] - b[1] for a, b in zip(steady_after, steady_before, strict=True)),
        "steady_wait": sum(a[2] - b[2] for a, b in zip(steady_after, steady_before, strict=True)),
        "connected": len(connected),
        "connect_seconds": connect_seconds,
        "load": (load_before, os.getloadavg()),
        "client_cpu": usage_after.ru_utime + usage_after.ru_stime - usage_before.ru_utime - usage_before.ru_stime,
    }


def measure(layer: str, args) -> None:
    redis_url = os.environ.get("REDIS_URL", "") if layer == "redis" else ""
    if layer == "redis" and not redis_url:
        print("redis: skipped (set REDIS_URL)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(Path(tmp) / "bench.sqlite3", redis_url)
        # As in production: DEBUG off (with it Django records every query's SQL, a cost per message).
        env.update(DJANGO_DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1")
        if not redis_url:
            env.pop("REDIS_URL")
        manage(env, "migrate", "--noinput", "-v0")
        output = manage(env, "shell", "-c", SETUP % {"agents": args.agents, "customers": args.customers})
        setup = json.loads(output.strip().splitlines()[-1])
        count = 2 if redis_url else 1
        with daphne_servers(env, count) as (ports, processes):
            before = [rss_cpu_and_wait(p.pid) for p in processes]
            customer_ports, agent_ports = (ports[:1], ports[1:]) if count == 2 else (ports, ports)
            started = time.perf_counter()
            result = asyncio.run(
                run_load(customer_ports, agent_ports, setup, args.seconds, args.interval, [p.pid for p in processes])
            )
            wall = time.perf_counter() - started
            after = [rss_cpu_and_wait(p.pid) for p in processes]
    connections = args.customers + args.agents
    rss_growth = sum(a[0] - b[0] for a, b in zip(after, before, strict=True))
    cpu = sum(a[1] - b[1] for a, b in zip(after, before, strict=True))
    waited = sum(a[2] - b[2] for a, b in zip(after, before, strict=True))
    lost = len(result["acked_ids"] - result["received_ids"])
    lat = result["latencies"]
    (load_start, load_end) = result["load"]
    print(
        f"{layer}: {count} server process(es), {args.customers} customers, {args.agents} agents, {args.seconds:.0f} s, "
        f"one message per customer every {args.interval:.1f} s\n"
        f"  customers connected {result['connected']}/{args.customers} in {result['connect_seconds']:.1f} s "
        f"(25 handshakes at a time), then measured\n"
        f"  sent {result['sent']}, acknowledged {result['acked']}, received by agents {result['received']}, lost {lost}\n"
        f"  latency ms: p50 {pct(lat, 50):.1f}  p95 {pct(lat, 95):.1f}  p99 {pct(lat, 99):.1f}\n"
        f"  server memory per connection: {rss_growth / connections / 1024:.1f} KiB (RSS growth over {connections})\n"
        f"  server CPU: {cpu:.1f} s over {wall:.1f} s wall ({100 * cpu / wall:.0f}% of one core), "
        f"{waited:.1f} s ready but waiting for a core; load-generating client's CPU {result['client_cpu']:.1f} s\n"
        f"  machine load average (1 min): {load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end"
    )
    messages = max(len(result["acked_ids"]), 1)
    print(
        f"  while sending ({args.seconds:.0f} s): server CPU {result['steady_cpu']:.1f} s, "
        f"{1000 * result['steady_cpu'] / messages:.2f} ms per acknowledged message "
        f"(one core would carry about {messages / max(result['steady_cpu'], 0.001):.0f} messages/s); "
        f"{result['steady_wait']:.1f} s ready but waiting for a core"
    )
    if result["failures"]:
        print(f"  customer connections that failed: {len(result['failures'])}, first: {result['failures'][0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between one customer's messages")
    parser.add_argument("--layer", choices=["memory", "redis", "both"], default="both")
    args = parser.parse_args()
    if args.customers < 1 or args.agents < 1 or args.seconds <= 0 or args.interval <= 0:
        parser.error("customers, agents, seconds and interval must be positive")
    print(
        f"bench/chat.py on {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        "SQLite (WAL), DJANGO_DEBUG off, Daphne"
    )
    for layer in ("memory", "redis") if args.layer == "both" else (args.layer,):
        measure(layer, args)


if __name__ == "__main__":
    main()
