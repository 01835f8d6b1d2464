"""The round's websocket: it tells a page when its round changed, and nothing else.

The page then asks for its live region over HTTP (sessions/live/events.py says why events carry no
content). Access is the HTTP pages' own (`get_round_for_user`), checked when the socket opens, on
every message the page sends and before every event is passed on, so a person who leaves the round
(a revoked invite, a swapped partner) stops hearing about it at the next event.
"""

from __future__ import annotations

import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sessions.access import get_round_for_user
from sessions.live.events import round_group

# Close codes (4000-4999 are the application's): the page's script reads them to stop reconnecting.
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY = 4429
CLOSE_TOO_BIG = 1009  # the protocol's own "message too big"

MAX_MESSAGE_BYTES = 1024  # a page only ever sends {"kind": "resync"}
MESSAGES_PER_SECOND = 5
BURST = 10


class MessageBudget:
    """A token bucket: `BURST` messages at once, refilled at `rate` per second."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self.tokens, self.at = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def in_pool_thread(func):
    """`func` (database work) run from the event loop in a pool thread with its own connection. By default
    Channels runs all of it in one thread, where a pad's save waiting for the database's write lock would
    hold up every socket's access check behind it."""
    return database_sync_to_async(func, thread_sensitive=False)


def _round_version_now(user, round_id: int) -> int | None:
    """The round's version when `user` may see it, else None."""
    if not user.is_authenticated:
        return None
    try:
        return get_round_for_user(user, round_id).version
    except (Http404, PermissionDenied):
        return None


_round_version = in_pool_thread(_round_version_now)


class RoundConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.round_id = int(self.scope["url_route"]["kwargs"]["round_id"])
        self.budget = MessageBudget(MESSAGES_PER_SECOND, BURST)
        self.joined = False
        version = await _round_version(self.scope["user"], self.round_id)
        if version is None:
            # Accepted only to be closed with a code the page can read: a refused handshake reaches the
            # browser as a bare 1006, after which live.js would keep retrying.
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.channel_layer.group_add(round_group(self.round_id), self.channel_name)
        self.joined = True
        await self.accept()
        await self.send_json({"kind": "hello", "version": version})

    async def disconnect(self, code):
        if self.joined:
            await self.channel_layer.group_discard(round_group(self.round_id), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if bytes_data is not None or text_data is None or len(text_data.encode()) > MAX_MESSAGE_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        if not self.budget.take():
            await self.close(code=CLOSE_TOO_MANY)
            return
        await super().receive(text_data=text_data, **kwargs)

    async def receive_json(self, content, **kwargs):
        # The one request a page makes: "tell me the version now" (after its own reconnect, say).
        version = await _round_version(self.scope["user"], self.round_id)
        if version is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_json({"kind": "changed", "version": version})

    async def round_changed(self, event):
        if await _round_version(self.scope["user"], self.round_id) is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_json({"kind": "changed", "version": event["version"]})
