"""The call's signaling: the two browsers of a paired round trade WebRTC offers, answers and ICE
candidates through this websocket, /ws/call/<round>/. The audio and video go browser to browser
(or through the TURN server of WEBRTC_ICE_SERVERS), never through this server.

Who may join: the round's interviewer and candidate, while the round is not finished, checked with
`get_round_for_user` on connect and again before relaying once the last check is ACCESS_TTL old; an
outsider, a solo round or a finished one gets 4403. Each person has one place in the call: joining
from a second tab closes the first one's socket with 4409, so two tabs never answer one offer.

What passes: only the message kinds the client speaks (`hello`, `description`, `candidate`, `media`,
`bye`), rebuilt field by field with their sizes checked, so nothing else a hand-made client sends
reaches the other browser; each also names the sending and the receiving connection (`id`, `to`). Caps: MAX_MESSAGE_BYTES per message, a token bucket per socket.
"""

from __future__ import annotations

import json
import time

from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sessions.access import Role, get_round_for_user
from sessions.live.consumers import CLOSE_FORBIDDEN, CLOSE_TOO_BIG, CLOSE_TOO_MANY, MessageBudget, in_pool_thread
from sessions.models import InterviewSession, Round

CLOSE_MALFORMED = 4400
CLOSE_REPLACED = 4409  # this person joined the call from another tab

MAX_MESSAGE_BYTES = 48 * 1024  # an SDP offer with audio and video is a few KB; 48 KB leaves room for many codecs
MAX_SDP_CHARS = 40 * 1024
MAX_CANDIDATE_CHARS = 1024
CONNECTION_ID_CHARS = 24
MESSAGES_PER_SECOND = 40  # ICE candidates arrive in bursts while a connection is set up
BURST = 200
ACCESS_TTL = 1.0
CALLING = {Role.INTERVIEWER, Role.CANDIDATE}


def call_group(round_id: int) -> str:
    return f"call-{round_id}"


def _call_role_now(user, round_id: int) -> Role | None:
    """The user's role in the round's call, or None: not theirs, not paired, or over."""
    if not user.is_authenticated:
        return None
    try:
        stage_round = get_round_for_user(user, round_id, roles=CALLING)
    except (Http404, PermissionDenied):
        return None
    if stage_round.session.mode != InterviewSession.Mode.PAIRED or stage_round.status == Round.Status.FINISHED:
        return None
    return stage_round.role


_call_role = in_pool_thread(_call_role_now)


def _text(value, limit: int) -> str | None:
    return value if isinstance(value, str) and len(value) <= limit else None


def _connection_id(value) -> bool:
    """A browser's name for one of its connections (static/js/call.js): a few letters and digits."""
    return isinstance(value, str) and 0 < len(value) <= CONNECTION_ID_CHARS and value.isascii() and value.isalnum()


def clean_signal(message) -> dict | None:
    """The message rebuilt from the fields its kind has, or None when anything is missing, of the wrong type
    or too long. Every message names the sender's connection (`id`) and the one it is meant for (`to`, or
    None), so the browsers can drop what was meant for a connection they replaced."""
    if not isinstance(message, dict):
        return None
    ids = {"id": message.get("id"), "to": message.get("to")}
    if not _connection_id(ids["id"]) or not (ids["to"] is None or _connection_id(ids["to"])):
        return None
    body = _clean_body(message)
    return None if body is None else {**body, **ids}


def _clean_body(message: dict) -> dict | None:
    kind = message.get("kind")
    if kind in ("hello", "bye"):
        return {"kind": kind}
    if kind == "description":
        description = message.get("description")
        if not isinstance(description, dict) or description.get("type") not in ("offer", "answer", "rollback"):
            return None
        sdp = _text(description.get("sdp", ""), MAX_SDP_CHARS)
        return None if sdp is None else {"kind": kind, "description": {"type": description["type"], "sdp": sdp}}
    if kind == "candidate":
        candidate = message.get("candidate")
        if candidate is None:
            return {"kind": kind, "candidate": None}  # the end of candidates
        if not isinstance(candidate, dict):
            return None
        text = _text(candidate.get("candidate", ""), MAX_CANDIDATE_CHARS)
        mid = candidate.get("sdpMid")
        index = candidate.get("sdpMLineIndex")
        fragment = candidate.get("usernameFragment")
        if (text is None or (mid is not None and _text(mid, 64) is None)
                or (index is not None and (not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 64))
                or (fragment is not None and _text(fragment, 256) is None)):
            return None
        return {"kind": kind, "candidate": {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index,
                                            "usernameFragment": fragment}}
    if kind == "media":
        muted, camera = message.get("muted"), message.get("camera")
        if not isinstance(muted, bool) or not isinstance(camera, bool):
            return None
        return {"kind": kind, "muted": muted, "camera": camera}
    return None


class CallConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.round_id = int(self.scope["url_route"]["kwargs"]["round_id"])
        self.group = call_group(self.round_id)
        self.joined = False
        self.last_id = None  # the browser's connection, as its last message named it
        self.budget = MessageBudget(MESSAGES_PER_SECOND, BURST)
        user = self.scope["user"]
        self.role = await _call_role(user, self.round_id)
        self.checked_at = time.monotonic()
        if self.role is None:
            await self.accept()  # then closed with a code the page reads (a refused handshake is a bare 1006)
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # In the group before the page hears it is connected: a signal sent the moment after is not lost.
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.joined = True
        await self.accept()
        # The same person's older sockets (another tab) leave the call.
        await self.channel_layer.group_send(self.group, {"type": "call.joined", "sender": self.channel_name,
                                                         "role": str(self.role)})

    async def disconnect(self, code):
        if self.joined:
            self.joined = False
            await self.channel_layer.group_discard(self.group, self.channel_name)
            # For a page that went without saying so (a crash, a lost network): as the page's own bye would.
            bye = {"kind": "bye", "id": self.last_id, "to": None}
            await self.channel_layer.group_send(self.group, {"type": "call.signal", "sender": self.channel_name,
                                                             "role": str(self.role), "message": bye})

    async def _still_allowed(self) -> bool:
        if time.monotonic() - self.checked_at < ACCESS_TTL:
            return True
        self.checked_at = time.monotonic()
        if await _call_role(self.scope["user"], self.round_id) == self.role:
            return True
        await self.close(code=CLOSE_FORBIDDEN)
        return False

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None or text_data is None or len(text_data) > MAX_MESSAGE_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        if not self.budget.take():
            await self.close(code=CLOSE_TOO_MANY)
            return
        try:
            message = clean_signal(json.loads(text_data))
        except (ValueError, RecursionError):
            message = None
        if message is None:
            await self.close(code=CLOSE_MALFORMED)
            return
        if not await self._still_allowed():
            return
        self.last_id = message["id"]
        await self.channel_layer.group_send(self.group, {"type": "call.signal", "sender": self.channel_name,
                                                         "role": str(self.role), "message": message})

    async def call_signal(self, event):
        if event["sender"] == self.channel_name or event["role"] == str(self.role):
            return  # one's own messages, and those of one's own other tab, are not for this socket
        if not await self._still_allowed():
            return
        await self.send(text_data=json.dumps({**event["message"], "from": event["role"]}))

    async def call_joined(self, event):
        if event["sender"] != self.channel_name and event["role"] == str(self.role):
            self.joined = False
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.close(code=CLOSE_REPLACED)
