"""A customer on one server process and an agent on another, through a real Redis.

Reads REDIS_URL (e.g. redis://127.0.0.1:6379/0); without it, or with no Redis answering, the test is
skipped and says why."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from tests.chat.live import daphne_servers, server_env, set_up

REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(
    not REDIS_URL or not redis_answers(REDIS_URL),
    reason="REDIS_URL is not set or no Redis answers there: start redis-server and export REDIS_URL to run it",
)


async def next_of(ws, kind: str) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        if frame["type"] == kind:
            return frame


def test_a_customer_and_an_agent_on_two_processes_exchange_messages(tmp_path):
    import websockets

    env = server_env(tmp_path / "chat.sqlite3", REDIS_URL)
    from tests.chat.live import manage

    manage(env, "migrate", "--noinput", "-v0")
    setup = set_up(env)
    with daphne_servers(env, 2) as (ports, _processes):
        customer_port, agent_port = ports

        async def talk() -> tuple[dict, dict]:
            async with (
                websockets.connect(
                    f"ws://127.0.0.1:{customer_port}/ws/chat/",
                    origin=f"http://127.0.0.1:{customer_port}",
                    additional_headers={"Cookie": f"hc_chat={setup['tokens'][0]}"},
                ) as customer,
                websockets.connect(
                    f"ws://127.0.0.1:{agent_port}/ws/chat/agent/",
                    origin=f"http://127.0.0.1:{agent_port}",
                    additional_headers={"Cookie": f"sessionid={setup['session']}"},
                ) as agent,
            ):
                welcome = await next_of(agent, "welcome")
                chat_id = welcome["chats"][0]["id"]
                await next_of(customer, "welcome")
                await customer.send(json.dumps({"type": "message", "id": "c1", "text": "다른 서버에서 보냅니다"}))
                to_agent = await next_of(agent, "message")
                await agent.send(json.dumps({"type": "message", "id": "a1", "chat": chat_id, "text": "잘 받았어요"}))
                to_customer = await next_of(customer, "message")
                return to_agent, to_customer

        to_agent, to_customer = asyncio.run(talk())
    assert to_agent["message"]["text"] == "다른 서버에서 보냅니다"
    assert (to_customer["message"]["author"], to_customer["message"]["text"]) == ("agent", "잘 받았어요")
