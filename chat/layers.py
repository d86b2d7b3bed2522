"""The chat's channel layers: channels' in-memory one, made cheaper per message, and channels-redis,
made to outlive a Redis restart.

The in-memory layer sweeps every channel and group membership for expired entries on each send
and each receive: with 520 sockets that was a sixth of the server's time (py-spy, bench/chat.py).
Entries expire after a minute, so sweeping once a second is plenty.

Out of the box a lost Redis makes every socket's `receive` raise: each consumer dies with a
traceback and every customer and agent is cut off until they reconnect, which they cannot while
`group_add` fails too. With this one a socket stays open through the outage: messages keep being stored
(the database is the record; chat/notify.py drops the notices it cannot send), and once Redis
answers again each socket joins its groups anew (a restarted Redis has forgotten them) and hears a
`layer.resumed` event, on which the consumer sends the client the history it missed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict

from channels.layers import InMemoryChannelLayer
from channels_redis.core import RedisChannelLayer
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RESUMED = {"type": "layer.resumed"}

# What a lost Redis raises: redis-py's errors, and the socket's own when the server vanishes mid-call.
LAYER_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)


class InMemoryChatLayer(InMemoryChannelLayer):
    sweep_seconds = 1.0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.swept_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self.swept_at >= self.sweep_seconds:
            self.swept_at = now
            super()._clean_expired()


class ResilientRedisChannelLayer(RedisChannelLayer):
    retry_seconds = 1.0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.memberships: defaultdict[str, set[str]] = defaultdict(set)  # channel -> its groups
        self.cut_off: set[str] = set()  # channels whose groups Redis may have lost

    async def group_add(self, group: str, channel: str) -> None:
        self.memberships[channel].add(group)
        try:
            await super().group_add(group, channel)
        except LAYER_ERRORS as error:
            self.cut_off.add(channel)
            logger.warning("chat: channel layer unavailable, %s joins %s once it is back: %r", channel, group, error)

    async def group_discard(self, group: str, channel: str) -> None:
        groups = self.memberships.get(channel)
        if groups is not None:
            groups.discard(group)
            if not groups:
                del self.memberships[channel]
                self.cut_off.discard(channel)
        try:
            await super().group_discard(group, channel)
        except LAYER_ERRORS:
            pass  # Redis drops a stale membership itself after group_expiry

    async def receive(self, channel: str) -> dict:
        while True:
            try:
                if channel in self.cut_off:
                    for group in list(self.memberships.get(channel, ())):
                        await super().group_add(group, channel)
                    self.cut_off.discard(channel)
                    logger.warning("chat: channel layer back for %s", channel)
                    return dict(RESUMED)
                return await super().receive(channel)
            except LAYER_ERRORS as error:
                if channel not in self.cut_off:
                    logger.warning("chat: channel layer unavailable for %s, retrying: %r", channel, error)
                    self.cut_off.add(channel)
                await asyncio.sleep(self.retry_seconds)
