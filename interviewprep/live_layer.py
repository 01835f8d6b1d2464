"""The channel layer of `make run`: Channels' in-memory layer, reachable from the Celery worker's processes.

`make run` has no Redis, and the worker that judges a run is another process than the web server
that holds the browsers' websockets, so a result published by the worker must cross a process
boundary. The web server listens on a Unix socket in var/ (private, like the embedded broker's
folders) as soon as a consumer joins a group; any other process that publishes connects to that
socket and hands the message over; the web server then delivers it like any in-memory group message.

Production uses channels-redis instead (settings.CHANNEL_LAYERS): several web processes, several
machines. Both are driven through the same `group_send`, so the code that publishes does not know
which one it talks to.
"""

from __future__ import annotations

import asyncio
import logging
import os
import struct

import msgpack
from channels.layers import InMemoryChannelLayer
from channels_redis.core import RedisChannelLayer

logger = logging.getLogger(__name__)

_LENGTH = struct.Struct("!I")
MAX_FRAME_BYTES = 256 * 1024  # a message handed over is small (ids and a version); anything bigger is refused
_CONNECT_TIMEOUT_S = 0.5


class EmbeddedChannelLayer(InMemoryChannelLayer):
    """In-memory groups in the web server; a Unix socket for publishers in other processes."""

    def __init__(self, socket_path: str, **kwargs):
        super().__init__(**kwargs)
        self.socket_path = str(socket_path)
        self._server: asyncio.AbstractServer | None = None
        self._server_loop: asyncio.AbstractEventLoop | None = None

    @property
    def is_hub(self) -> bool:
        """This process holds the websockets (it started listening)."""
        return self._server is not None

    async def group_add(self, group, channel):
        await super().group_add(group, channel)
        await self._listen()

    async def group_send(self, group, message):
        if self.is_hub:
            await self._deliver_here(group, message)
        else:
            await self._hand_over(group, message)

    async def _deliver_here(self, group, message):
        loop = asyncio.get_running_loop()
        if loop is self._server_loop:
            await super().group_send(group, message)
        else:
            # A sync view in this process publishing from a loop of its own (async_to_sync outside the
            # server's loop): the in-memory queues belong to the server's loop.
            future = asyncio.run_coroutine_threadsafe(super().group_send(group, message), self._server_loop)
            await asyncio.wrap_future(future)

    async def _listen(self) -> None:
        if self._server is not None:
            return
        try:
            os.unlink(self.socket_path)  # left by a web server that stopped without cleaning up
        except FileNotFoundError:
            pass
        self._server = await asyncio.start_unix_server(self._receive_frames, path=self.socket_path)
        self._server_loop = asyncio.get_running_loop()
        os.chmod(self.socket_path, 0o600)
        logger.info("live events: listening on %s for the worker's messages", self.socket_path)

    async def _receive_frames(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    header = await reader.readexactly(_LENGTH.size)
                except asyncio.IncompleteReadError:
                    return
                (length,) = _LENGTH.unpack(header)
                if length > MAX_FRAME_BYTES:
                    logger.warning("live events: refused a %d-byte message on %s", length, self.socket_path)
                    return
                group, message = msgpack.unpackb(await reader.readexactly(length), raw=False)
                await super().group_send(group, message)
        except (ValueError, TypeError, asyncio.IncompleteReadError, msgpack.UnpackException) as error:
            logger.warning("live events: dropped a malformed message: %s", error)
        finally:
            writer.close()

    async def _hand_over(self, group, message) -> None:
        frame = msgpack.packb([group, message], use_bin_type=True)
        if len(frame) > MAX_FRAME_BYTES:
            raise ValueError(f"a live event of {len(frame)} bytes is over the {MAX_FRAME_BYTES}-byte limit")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_unix_connection(self.socket_path), _CONNECT_TIMEOUT_S)
        except (FileNotFoundError, ConnectionRefusedError, TimeoutError):
            return  # no web server is listening, so no browser is waiting for this
        try:
            writer.write(_LENGTH.pack(len(frame)) + frame)
            await writer.drain()
        finally:
            writer.close()
            await writer.wait_closed()

    async def flush(self):
        await super().flush()
        if self._server is not None:
            self._server.close()
            self._server = None
            try:
                os.unlink(self.socket_path)
            except FileNotFoundError:
                pass


class RedisLayer(RedisChannelLayer):
    """Production's layer: channels-redis, waiting for events with a blocking read shorter than redis-py 8's
    default 5 s socket timeout. With channels-redis's own 5 s the client's timeout raced the server's empty
    answer, and every idle websocket was torn down after about 5 s."""

    brpop_timeout = 2
