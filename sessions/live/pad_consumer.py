"""The shared pad's websocket: Yjs's sync and awareness messages (the y-protocols wire format) between
the two people of a paired round, with the server holding the document.

Each web process keeps one copy of each open pad (`PadRoom`), shared by the sockets it serves;
edits reach the other processes' copies through the channel layer group, and every copy is saved
by merging (sessions/live/pads.py), so any number of processes agree. Access is `pad_access`,
the HTTP pages' rules, checked on connect and again before a message is taken once the last check
is a second old (a query per keystroke would cost more than the keystroke); a read-only person's
edits are dropped, their cursor is still shared.
"""

from __future__ import annotations

import asyncio
import logging
import time

import pycrdt
from channels.generic.websocket import AsyncWebsocketConsumer

from sessions.live.consumers import CLOSE_FORBIDDEN, CLOSE_TOO_BIG, CLOSE_TOO_MANY, MessageBudget, in_pool_thread
from sessions.live.pads import TEXT, PadAccess, pad_access, pad_persist, pad_state_load

logger = logging.getLogger(__name__)

CLOSE_MALFORMED = 4400
MAX_MESSAGE_BYTES = 64 * 1024  # the ASGI server's own cap is the same (interviewprep/asgi_worker.py)
MESSAGES_PER_SECOND = 60  # typing fast is ~15 edits a second; cursor moves come with them
BURST = 300
ACCESS_TTL_S = 1.0
SAVE_AFTER_S = 0.4  # a pause this long in the edits saves the text...
SAVE_AT_MOST_EVERY_S = 2.0  # ...and typing without a pause saves at least this often


def pad_group(round_question_id: int, field: str) -> str:
    return f"pad-{round_question_id}-{field}"


class PadRoom:
    """This process's copy of one pad's document, and its saving (debounced, merged into the database)."""

    rooms: dict[tuple[int, int, str], PadRoom] = {}  # (event loop, round question, field) -> room

    def __init__(self, key: tuple[int, int, str], state: bytes):
        self.key = key
        self.doc = pycrdt.Doc()
        self.doc.apply_update(state)
        self.text = self.doc.get(TEXT, type=pycrdt.Text)
        self.members = 0
        self.dirty_since: float | None = None
        self.saver: asyncio.Task | None = None

    @classmethod
    async def join(cls, round_question_id: int, field: str) -> PadRoom:
        key = (id(asyncio.get_running_loop()), round_question_id, field)
        room = cls.rooms.get(key)
        if room is None:
            state = await in_pool_thread(pad_state_load)(round_question_id=round_question_id, field=field)
            room = cls.rooms.get(key) or cls(key, state)  # another socket may have loaded it meanwhile
            cls.rooms[key] = room
        room.members += 1
        return room

    async def leave(self) -> None:
        self.members -= 1
        if self.members <= 0:
            self.rooms.pop(self.key, None)
            if self.saver is not None:
                self.saver.cancel()
            await self.save()  # the last person left: save now, not after the pause

    def text_bytes(self) -> int:
        return len(str(self.text).encode())

    def apply(self, update: bytes) -> None:
        if update != b"\x00\x00":
            self.doc.apply_update(update)

    def changed(self) -> None:
        now = time.monotonic()
        if self.dirty_since is None:
            self.dirty_since = now
        if self.saver is not None:
            self.saver.cancel()
        wait = min(SAVE_AFTER_S, max(0.0, self.dirty_since + SAVE_AT_MOST_EVERY_S - now))
        self.saver = asyncio.ensure_future(self._save_after(wait))

    async def _save_after(self, wait: float) -> None:
        await asyncio.sleep(wait)
        self.saver = None
        await self.save()

    async def save(self) -> None:
        if self.dirty_since is None:
            return
        self.dirty_since = None
        _, round_question_id, field = self.key
        try:
            await in_pool_thread(pad_persist)(
                round_question_id=round_question_id, field=field, state=self.doc.get_update()
            )
        except Exception:  # the edits stay in the document; the next change saves again
            logger.warning("pad %s: could not save", self.key[1:], exc_info=True)
            self.dirty_since = time.monotonic()


class PadConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        self.address = (int(kwargs["round_id"]), int(kwargs["number"]), kwargs["field"])
        self.room = None
        self.access: PadAccess | None = await in_pool_thread(pad_access)(self.scope["user"], *self.address)
        self.checked_at = time.monotonic()
        self.budget = MessageBudget(MESSAGES_PER_SECOND, BURST)
        await self.accept()  # then closed with a code the page can read when refused (see RoundConsumer)
        if self.access is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = pad_group(self.access.round_question_id, self.access.field)
        self.room = await PadRoom.join(self.access.round_question_id, self.access.field)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send(bytes_data=pycrdt.create_sync_message(self.room.doc))  # step 1: "what do you have?"

    async def disconnect(self, code):
        if self.room is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.room.leave()
            self.room = None

    async def _still_allowed(self) -> bool:
        if time.monotonic() - self.checked_at > ACCESS_TTL_S:
            self.access = await in_pool_thread(pad_access)(self.scope["user"], *self.address)
            self.checked_at = time.monotonic()
        return self.access is not None

    async def receive(self, text_data=None, bytes_data=None):
        if self.room is None:
            return
        if bytes_data is None or len(bytes_data) > MAX_MESSAGE_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        if not self.budget.take():
            await self.close(code=CLOSE_TOO_MANY)
            return
        if not await self._still_allowed():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        try:
            await self._take(bytes_data)
        except Exception:  # whatever the bytes were, they were not a Yjs message
            logger.info("pad %s: malformed message from %s", self.address, self.scope["user"], exc_info=True)
            await self.close(code=CLOSE_MALFORMED)

    async def _take(self, message: bytes) -> None:
        kind = message[0]
        if kind == pycrdt.YMessageType.AWARENESS:  # a cursor or selection: passed on as it is
            await self._pass_on(message)
            return
        if kind != pycrdt.YMessageType.SYNC:
            raise ValueError(f"message type {kind}")
        step = message[1]
        if step == pycrdt.YSyncMessageType.SYNC_STEP1:
            reply = pycrdt.handle_sync_message(message[1:], self.room.doc)
            await self.send(bytes_data=reply)
            return
        if step not in (pycrdt.YSyncMessageType.SYNC_STEP2, pycrdt.YSyncMessageType.SYNC_UPDATE):
            raise ValueError(f"sync step {step}")
        update = pycrdt.read_message(message[2:])
        if not self.access.can_write:
            return  # the interviewer of a candidate-only pad, or a round that ended: nothing changes
        # An update adds at most its own size in text: refused before it is applied, so the document
        # never grows past the answer's limit (deletions are small and always pass).
        if self.room.text_bytes() + len(update) > self.access.max_bytes + 64:
            await self.close(code=CLOSE_TOO_BIG)
            return
        self.room.apply(update)
        self.room.changed()
        await self._pass_on(pycrdt.create_update_message(update))

    async def _pass_on(self, message: bytes) -> None:
        await self.channel_layer.group_send(
            self.group, {"type": "pad.message", "message": message, "sender": self.channel_name}
        )

    async def pad_message(self, event):
        if event["sender"] == self.channel_name:
            return
        message = event["message"]
        if message[0] == pycrdt.YMessageType.SYNC and self.room is not None:
            # From a socket of another process: this process's copy must have it too (a no-op if it does).
            self.room.apply(pycrdt.read_message(message[2:]))
        await self.send(bytes_data=message)
