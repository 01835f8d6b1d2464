"""The user's own recordings in the JSON export: left out unless asked for (`?recordings=1` on the export),
and then only the user's own voice, never a partner's. The audio is base64 WebM/Ogg; past
MAX_EXPORT_AUDIO_BYTES the rest are listed without their audio (each plays and downloads from its review).

A recording names where it was made as the cards' reviews do: `{"session": the session's "id" in this
document, "round": round order, "question": question order or null}`. The import reads no recordings:
they are the user's copy, not data for another instance to show.
"""

from __future__ import annotations

import base64

from sessions.calls.recordings import chunk_stream
from sessions.models import Recording
from sessions.portability.schema import moment

MAX_EXPORT_AUDIO_BYTES = 50 * 1024 * 1024


def recordings_data(user, session_ids: set[int]) -> list[dict]:
    listed, audio_bytes = [], 0
    recordings = (Recording.objects.filter(owner=user, round__session_id__in=session_ids, bytes__gt=0)
                  .select_related("round", "round_question").order_by("started_at", "id"))
    for recording in recordings:
        entry = {
            "from": {"session": recording.round.session_id, "round": recording.round.order,
                     "question": None if recording.round_question is None else recording.round_question.order},
            "kind": recording.kind,
            "started_at": moment(recording.started_at),
            "offset_seconds": recording.offset,
            "seconds": recording.duration_seconds,
            "mime": recording.mime,
            "bytes": recording.bytes,
            "audio": None,
        }
        if audio_bytes + recording.bytes <= MAX_EXPORT_AUDIO_BYTES:
            entry["audio"] = base64.b64encode(b"".join(chunk_stream(recording))).decode()
            audio_bytes += recording.bytes
        listed.append(entry)
    return listed
