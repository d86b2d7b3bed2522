"""Redis goes away in the middle of a chat: a customer on one server process and an agent on
another keep writing, every message is stored, nobody gets an error or a traceback, and once Redis
is back both sides (and a fresh reconnect) have the whole conversation.

Starts a throwaway redis-server on a port of its own (skipped without the binary)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import time

import pytest

from tests.chat.live import daphne_servers, free_port, manage, server_env, server_log, set_up

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")

BODIES = """
import json
from tickets.models import Message
print(json.dumps(list(Message.objects.order_by("pk").values_list("body", flat=True))))
"""


@contextlib.contextmanager
def redis_server(port: int):
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            break
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("redis-server did not start")
        time.sleep(0.1)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


async def next_of(ws, kind: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=max(deadline - time.monotonic(), 0.1)))
        if frame["type"] == kind:
            return frame


def test_messages_written_while_redis_is_down_are_kept_and_delivered_when_it_is_back(tmp_path):
    import websockets

    port = free_port()
    env = server_env(tmp_path / "chat.sqlite3", f"redis://127.0.0.1:{port}/0")
    manage(env, "migrate", "--noinput", "-v0")
    setup = set_up(env)
    redis = redis_server(port)
    redis.__enter__()
    try:
        with daphne_servers(env, 2) as (ports, processes):
            customer_port, agent_port = ports

            async def customer_socket():
                return await websockets.connect(
                    f"ws://127.0.0.1:{customer_port}/ws/chat/",
                    origin=f"http://127.0.0.1:{customer_port}",
                    additional_headers={"Cookie": f"hc_chat={setup['tokens'][0]}"},
                )

            async def conversation() -> dict:
                seen: dict = {}
                customer = await customer_socket()
                agent = await websockets.connect(
                    f"ws://127.0.0.1:{agent_port}/ws/chat/agent/",
                    origin=f"http://127.0.0.1:{agent_port}",
                    additional_headers={"Cookie": f"sessionid={setup['session']}"},
                )
                chat_id = (await next_of(agent, "welcome"))["chats"][0]["id"]
                await next_of(customer, "welcome")
                await customer.send(json.dumps({"type": "message", "id": "c1", "text": "레디스가 있을 때"}))
                await next_of(customer, "ack")
                seen["before"] = (await next_of(agent, "message"))["message"]["text"]

                redis.__exit__(None, None, None)  # Redis stops mid-chat
                await customer.send(json.dumps({"type": "message", "id": "c2", "text": "레디스 없이 보냅니다"}))
                seen["customer_ack"] = (await next_of(customer, "ack"))["message"]["text"]
                await agent.send(json.dumps({"type": "message", "id": "a1", "chat": chat_id, "text": "저도 보냅니다"}))
                seen["agent_ack"] = (await next_of(agent, "ack"))["message"]["text"]
                seen["stored_during"] = json.loads(manage(env, "shell", "--no-imports", "-c", BODIES))

                redis_again = redis_server(port)
                redis_again.__enter__()
                try:
                    # The sockets stayed open: each hears, unasked, what the other side wrote meanwhile.
                    resumed = await next_of(customer, "welcome")
                    seen["customer_resumed"] = [m["text"] for m in resumed["messages"]]
                    history = await next_of(agent, "history")
                    seen["agent_resumed"] = [m["text"] for m in history["messages"]]
                    # And the live path works again, across the two processes.
                    await customer.send(json.dumps({"type": "message", "id": "c3", "text": "다시 연결됐네요"}))
                    seen["after"] = (await next_of(agent, "message"))["message"]["text"]
                    # A customer who reloads gets the whole conversation.
                    await customer.close()
                    reloaded = await customer_socket()
                    seen["reloaded"] = [m["text"] for m in (await next_of(reloaded, "welcome"))["messages"]]
                    await reloaded.close()
                    await agent.close()
                finally:
                    redis_again.__exit__(None, None, None)
                return seen

            try:
                seen = asyncio.run(conversation())
            except (TimeoutError, OSError) as error:
                pytest.fail(f"{error!r}; the servers said:\n" + "".join(server_log(p) for p in processes))
        server_errors = "".join(server_log(process) for process in processes)
    finally:
        redis.__exit__(None, None, None)

    conversation_texts = ["안녕하세요", "레디스가 있을 때", "레디스 없이 보냅니다", "저도 보냅니다"]
    assert seen["before"] == "레디스가 있을 때"
    assert (seen["customer_ack"], seen["agent_ack"]) == ("레디스 없이 보냅니다", "저도 보냅니다")
    assert seen["stored_during"] == conversation_texts
    assert seen["customer_resumed"] == conversation_texts
    assert seen["agent_resumed"] == conversation_texts
    assert seen["after"] == "다시 연결됐네요"
    assert seen["reloaded"] == [*conversation_texts, "다시 연결됐네요"]
    assert "Traceback" not in server_errors
    assert "channel layer unavailable" in server_errors  # logged as a warning instead
