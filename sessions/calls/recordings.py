"""Recordings: started by a browser, uploaded as it records in numbered chunks, played back as one file.

A browser's MediaRecorder hands out a piece of WebM (or Ogg) every two seconds; each piece is POSTed
with its sequence number as soon as it exists, so a dropped connection costs only what was not yet
sent, and the browser sends again what the server did not confirm. The rules, all checked before
anything is stored:

- a chunk's type is the recording's (audio/webm or audio/ogg), and the first one starts with that
  container's signature: anything else is refused, never stored;
- chunks come in order: the next one carries `chunk_count`; one already stored, sent again with the
  same size (its answer was lost), is accepted without storing it twice; a gap or a different size is
  a 409 that says which number the server expects;
- no chunk is larger than RECORDING_CHUNK_MAX_BYTES, no user's recordings together larger than
  RECORDING_QUOTA_BYTES (uploads of one user take turns, so two tabs cannot both pass it), no recording longer than RECORDING_MAX_SECONDS (nor longer than the time
  since it started, give or take the recorder's own buffering);
- a call is recorded only while both people agree (sessions/calls/consent.py); a spoken answer only
  by the solo owner, on a question that is spoken (concept, behavioural, recruiter).

The audio lives in the "recordings" storage (local files under var/ by default, S3 in production);
the database holds what the chunks are. Deleting a recording (or its round, session or owner)
deletes its files once the deletion commits (sessions/calls/signals.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from questions.models import Question, Stage
from sessions.access import Role
from sessions.models import CallConsent, InterviewSession, Recording, RecordingChunk, Round, RoundQuestion
from sessions.rounds.refusals import RoundClosed

# Container signatures: the first bytes of a WebM (EBML) and an Ogg stream.
SIGNATURES = {"audio/webm": b"\x1a\x45\xdf\xa3", "audio/ogg": b"OggS"}
# A recorder hands over audio a little after it was captured; a chunk may claim this much more audio than
# wall time has passed since the recording started.
CLOCK_SLACK_SECONDS = 10
# A recording with no chunk for this long lost its browser: the sweep marks it finished.
STALE_AFTER = timedelta(minutes=10)
# At most this many unfinished recordings per user (a page that starts one per click cannot pile them up),
# and this many started per minute.
MAX_OPEN_PER_USER = 4
STARTS_PER_MINUTE = 20
SPOKEN_QUESTION_KINDS = {Question.Kind.CONCEPT, Question.Kind.BEHAVIORAL}


class RecordingRefused(ValidationError):
    """A start, chunk or finish refused; `status` is the HTTP status its view answers with."""

    def __init__(self, message: str, *, status: int = 400, expected: int | None = None):
        super().__init__(message)
        self.status = status
        self.expected = expected


def recordings_storage():
    return storages["recordings"]


def base_mime(content_type: str) -> str:
    """"audio/webm;codecs=opus" -> "audio/webm"."""
    return content_type.split(";", 1)[0].strip().lower()


def quota_used(user_id: int) -> int:
    return Recording.objects.filter(owner_id=user_id).aggregate(total=Sum("bytes"))["total"] or 0


def is_spoken(round_question: RoundQuestion) -> bool:
    """May this question be answered aloud? Concept and behavioural questions, and every recruiter question."""
    return (round_question.question.kind in SPOKEN_QUESTION_KINDS
            or round_question.round.stage_kind == Stage.Kind.RECRUITER)


def _mime_checked(mime: str) -> str:
    mime = base_mime(mime or "")
    if mime not in SIGNATURES:
        raise RecordingRefused(f"Recordings are WebM or Ogg audio; this browser offered {mime or 'nothing'}.", status=415)
    return mime


def _offset_now(stage_round: Round, now: datetime) -> float:
    return round(stage_round.elapsed_seconds(now), 3)


def recording_start(*, round: Round, user, kind: str, mime: str, round_question: RoundQuestion | None = None,
                    now: datetime | None = None) -> Recording:
    """A new recording of `user`'s microphone in `round` (whose `role` is set by `sessions.access`)."""
    now = now or timezone.now()
    mime = _mime_checked(mime)
    if not round.is_open:
        raise RecordingRefused("This round is not running: there is nothing to record.", status=409)
    if kind == Recording.Kind.CALL:
        if round.session.mode != InterviewSession.Mode.PAIRED or round.role not in (Role.INTERVIEWER, Role.CANDIDATE):
            raise RecordingRefused("Only the two people in a paired round record its call.", status=403)
        consent = CallConsent.objects.filter(round=round).first()
        if consent is None or not consent.recording:
            raise RecordingRefused("Recording starts only once both of you have agreed.", status=409)
        round_question = round.current
    elif kind == Recording.Kind.ANSWER:
        if round.role != Role.SOLO:
            raise RecordingRefused("Answering aloud is for solo rounds; in a paired round, record the call.", status=403)
        if round_question is None or not is_spoken(round_question):
            raise RecordingRefused("Only concept, behavioural and recruiter questions are answered aloud.", status=400)
    else:
        raise RecordingRefused("Unknown kind of recording.", status=400)
    with transaction.atomic():
        _lock_owner(user.pk)
        if quota_used(user.pk) >= settings.RECORDING_QUOTA_BYTES:
            raise RecordingRefused(quota_message(), status=403)
        if Recording.objects.filter(owner=user, started_at__gt=now - timedelta(minutes=1)).count() >= STARTS_PER_MINUTE:
            raise RecordingRefused("Too many recordings started in the last minute: wait a moment.", status=429)
        recordings_finish_stale(owner_id=user.pk, now=now, keep_open=MAX_OPEN_PER_USER - 1)
        return Recording.objects.create(
            round=round, round_question=round_question, owner=user, kind=kind, mime=mime,
            offset=_offset_now(round, now), started_at=now,
        )


def _lock_owner(user_id: int) -> None:
    """Take the owner's row lock until the transaction ends. Two tabs uploading at once each lock only
    their own recording, so both could read the same total and both pass the quota; with this, one waits
    for the other to commit and reads its bytes. Always the user before a recording: one order, no deadlock.
    (SQLite needs no help: its IMMEDIATE transactions already take one write lock at a time.)"""
    list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def quota_message() -> str:
    size = settings.RECORDING_QUOTA_BYTES / (1024 * 1024)
    return (f"Your recordings have reached your {size:.0f} MB allowance. "
            "Delete some from your sessions' review pages to record again.")


@dataclass(frozen=True)
class ChunkReceipt:
    seq: int
    stored: bool  # False when it was a copy of a chunk already stored
    expected: int  # the number the next chunk must carry


def chunk_append(*, recording: Recording, seq: int, data: bytes, content_type: str, audio_ms: int | None,
                 now: datetime | None = None) -> ChunkReceipt:
    """Store chunk `seq` of `recording` (its owner's, checked by `sessions.access`)."""
    now = now or timezone.now()
    if base_mime(content_type) != recording.mime:
        raise RecordingRefused(f"This recording takes {recording.mime} chunks.", status=415)
    size = len(data)
    if size == 0:
        raise RecordingRefused("An empty chunk: there is nothing to store.", status=400)
    if size > settings.RECORDING_CHUNK_MAX_BYTES:
        raise RecordingRefused(f"A chunk may be at most {settings.RECORDING_CHUNK_MAX_BYTES // 1024} KB.", status=413)
    storage = recordings_storage()
    with transaction.atomic():
        _lock_owner(recording.owner_id)
        locked = Recording.objects.select_for_update().get(pk=recording.pk)
        if seq < locked.chunk_count:
            existing = RecordingChunk.objects.filter(recording=locked, seq=seq).values_list("size", flat=True).first()
            if existing == size:
                return ChunkReceipt(seq, stored=False, expected=locked.chunk_count)
            raise RecordingRefused(f"Chunk {seq} was already stored with other content.", status=409,
                                   expected=locked.chunk_count)
        if seq > locked.chunk_count:
            raise RecordingRefused(f"Chunk {locked.chunk_count} must come next, not {seq}.", status=409,
                                   expected=locked.chunk_count)
        if locked.finished_at is not None:
            raise RecordingRefused("This recording is finished.", status=409, expected=locked.chunk_count)
        if seq == 0 and not data.startswith(SIGNATURES[locked.mime]):
            raise RecordingRefused(f"That is not the start of {locked.mime} audio.", status=415)
        duration = _duration_checked(locked, audio_ms, now)
        if quota_used(locked.owner_id) + size > settings.RECORDING_QUOTA_BYTES:
            raise RecordingRefused(quota_message(), status=403, expected=locked.chunk_count)
        name = storage.save(f"{locked.owner_id}/{locked.pk}/{seq:06d}.part", ContentFile(data))
        try:
            RecordingChunk.objects.create(recording=locked, seq=seq, size=size, name=name)
            Recording.objects.filter(pk=locked.pk).update(
                chunk_count=seq + 1, bytes=locked.bytes + size, duration_seconds=duration,
            )
        except Exception:
            storage.delete(name)
            raise
    return ChunkReceipt(seq, stored=True, expected=seq + 1)


def _duration_checked(recording: Recording, audio_ms: int | None, now: datetime) -> float:
    """The recording's length after this chunk, as its recorder reports it, within what is possible."""
    if audio_ms is None:
        return recording.duration_seconds
    seconds = audio_ms / 1000
    wall = (now - recording.started_at).total_seconds()
    if seconds < recording.duration_seconds or seconds > wall + CLOCK_SLACK_SECONDS:
        raise RecordingRefused("The chunk's time does not fit the recording's.", status=400)
    if seconds > settings.RECORDING_MAX_SECONDS:
        raise RecordingRefused(f"A recording stops after {settings.RECORDING_MAX_SECONDS // 60} minutes.", status=409)
    return seconds


def recording_finish(*, recording: Recording, now: datetime | None = None) -> Recording:
    """The browser stopped recording and sent every chunk. Finishing twice is no error."""
    Recording.objects.filter(pk=recording.pk, finished_at=None).update(finished_at=now or timezone.now())
    recording.refresh_from_db()
    return recording


def recording_delete(*, recording: Recording, user) -> None:
    """Only its owner deletes a recording; the files go once the deletion commits."""
    if recording.owner_id != user.pk:
        raise PermissionDenied("Only the person whose voice it is can delete a recording.")
    recording.delete()


def recordings_finish_stale(*, now: datetime | None = None, owner_id: int | None = None, keep_open: int = 0) -> int:
    """Mark finished the recordings whose browser went away (no chunk for STALE_AFTER). With `owner_id`,
    that user's open recordings beyond their `keep_open` newest are finished too."""
    now = now or timezone.now()
    open_ones = Recording.objects.filter(finished_at=None)
    if owner_id is not None:
        open_ones = open_ones.filter(owner_id=owner_id)
        surplus = list(open_ones.order_by("-started_at", "-id").values_list("pk", flat=True)[keep_open:])
        finished = Recording.objects.filter(pk__in=surplus).update(finished_at=now)
    else:
        finished = 0
    cutoff = now - STALE_AFTER
    abandoned = (open_ones.filter(started_at__lt=cutoff).annotate(last_chunk=Max("chunks__created_at"))
                 .filter(Q(last_chunk=None) | Q(last_chunk__lt=cutoff)).values_list("pk", flat=True))
    finished += Recording.objects.filter(pk__in=list(abandoned), finished_at=None).update(finished_at=now)
    if owner_id is None:  # the sweep: a finished recording that never received audio is nothing to keep
        Recording.objects.filter(bytes=0, finished_at__lt=now - STALE_AFTER).delete()
    return finished


def recordings_purge(*, now: datetime | None = None) -> int:
    """Delete recordings older than RECORDING_RETENTION_DAYS (none when it is 0); returns how many."""
    days = settings.RECORDING_RETENTION_DAYS
    if not days:
        return 0
    old = Recording.objects.filter(started_at__lt=(now or timezone.now()) - timedelta(days=days))
    # One delete; Django still sends each chunk's post_delete, which removes its file (sessions/calls/signals.py).
    _, deleted = old.delete()
    return deleted.get(Recording._meta.label, 0)


def _chunk_names(recording: Recording) -> list[str]:
    return list(recording.chunks.order_by("seq").values_list("name", flat=True))


def _chunk_read(name: str) -> bytes:
    with recordings_storage().open(name, "rb") as part:
        return part.read()


def chunk_stream(recording: Recording):
    """The recording's bytes, chunk after chunk, read from the storage one at a time."""
    for name in _chunk_names(recording):
        yield _chunk_read(name)


async def chunk_stream_async(recording: Recording):
    """`chunk_stream` for an ASGI server, which would otherwise read a sync stream whole before sending it."""
    for name in await sync_to_async(_chunk_names)(recording):
        yield await sync_to_async(_chunk_read, thread_sensitive=False)(name)
