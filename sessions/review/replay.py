"""The replay of a round: one timeline of everything that happened on its clock, built from plain rows.

Django-free on purpose (like `sandbox/`): the selector in `sessions/review/page.py` turns database rows
into the small dataclasses below, filtered to what the viewer may see, and this module merges them:

- code and answer snapshots, each with the lines changed since the previous snapshot of the same
  field of the same question (`sessions.review.line_diff`), and the patch that turns one into the other, so the
  browser rebuilds any moment from one request without receiving 2,000 full copies;
- runs and submits (when pressed) and their results (when the verdict came back);
- the round's clock events (start, pause, resume, time added, end, time up), reveals of hints,
  constraints and model answers, question switches, grades and the release of feedback;
- time-stamped notes.

Every entry carries `offset`, seconds on the round's clock (pauses do not count), and `play`,
seconds of playback: stretches longer than `IDLE_SECONDS` in which nothing happened play as
`IDLE_SECONDS`, so a replay does not sit on a minute of thinking. Real offsets are kept.

Snapshots, notes and events store their offset on the round's clock when they are written.
Submissions store only wall-clock timestamps, so their offsets are derived here like
`Round.elapsed_seconds`: wall time since the start less every pause that began before, the
pauses being read from the PAUSE/RESUME (or END while paused) events' timestamps. The result is
clamped to the round's clock (a result that arrives after the end shows at the end).

`phase_timing` turns the first and last change, the first run and the first passing submit into
per-phase times, each flagged when it overran its share of the round (`PHASE_SHARES`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

# Re-exported: the replay's callers and tests take the diff and the phases from here with the rest of the timeline.
from sessions.review.line_diff import line_diff
from sessions.review.phases import PHASE_SHARES, Phase, phase_timing

# A stretch with no entry longer than this plays as this long (seconds).
IDLE_SECONDS = 5.0


# ---------------------------------------------------------------- rows in


@dataclass(frozen=True)
class RoundClock:
    """The round's clock: when it started (wall time), its planned length and the time used so far."""

    started_at: datetime | None
    duration_seconds: float
    elapsed_seconds: float
    stage_kind: str = ""


@dataclass(frozen=True)
class SnapshotRow:
    id: int
    round_question_id: int
    field: str
    content: str
    offset: float


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    round_question_id: int
    kind: str  # "run" or "submit"
    status: str  # queued, running, done, error
    verdict: str
    created_at: datetime
    finished_at: datetime | None = None
    passed: int | None = None
    total: int | None = None
    time_ms: int | None = None
    message: str = ""
    cases: str = ""  # a Run's own test cases in words (sessions/review/page.py own_case_verdicts)


@dataclass(frozen=True)
class EventRow:
    id: int
    kind: str  # a RoundEvent.Kind value
    offset: float
    created_at: datetime | None = None
    round_question_id: int | None = None
    label: str = ""  # "Paused", "Hint revealed"...
    detail: str = ""
    text: str = ""  # the revealed hint or constraint, when the viewer may read it


@dataclass(frozen=True)
class NoteRow:
    id: int
    offset: float
    body_html: str  # already through the one Markdown renderer
    tags: tuple[tuple[str, str], ...] = ()  # (value, label)
    round_question_id: int | None = None


@dataclass(frozen=True)
class RecordingRow:
    """A recording the viewer may hear (sessions/calls/playback.py picks them): its audio is `url`."""

    id: int
    kind: str  # "call" or "answer"
    owner: str  # whose voice
    started_at: datetime
    duration: float  # seconds of audio
    url: str
    round_question_id: int | None = None


# ---------------------------------------------------------------- timeline out


# Among entries at the same offset: the clock starts first, then what the candidate saw, then what
# they did, then what came of it, then notes about it; the clock stops and feedback comes last.
# A resume always has its pause's offset (the clock stood still in between), so it comes right after it.
KIND_RANK = {
    "start": 0, "time_added": 2, "switch": 3,
    "reveal_constraint": 4, "reveal_hint": 4, "reveal_answer": 4,
    "snapshot": 5, "run": 6, "result": 7, "grade": 8, "note": 9,
    "pause": 10, "resume": 10.5, "end": 11, "time_up": 11, "release": 12,
    # A recording's start comes before anything said at the same moment; its end after everything.
    "recording": 1, "recording_end": 13,
}


@dataclass
class Entry:
    kind: str
    offset: float
    id: int  # the row's id within its kind: the stable tiebreak
    question: int | None = None  # round question id
    label: str = ""
    play: float = 0.0
    data: dict = field(default_factory=dict)

    def sort_key(self) -> tuple:
        return (self.offset, KIND_RANK.get(self.kind, 99), self.id)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "offset": round(self.offset, 2), "play": round(self.play, 2), "id": self.id,
                "question": self.question, "label": self.label, **self.data}


@dataclass
class Timeline:
    entries: list[Entry]
    end_offset: float
    play_end: float
    skipped: list[tuple[float, float]]  # idle stretches compressed for playback, as real offsets
    phases: list[Phase]
    recordings: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "end": round(self.end_offset, 2),
            "play_end": round(self.play_end, 2),
            "idle_seconds": IDLE_SECONDS,
            "skipped": [[round(a, 2), round(b, 2)] for a, b in self.skipped],
            "entries": [entry.to_dict() for entry in self.entries],
            "phases": [asdict(phase) for phase in self.phases],
            "recordings": self.recordings,
        }


# ---------------------------------------------------------------- the round's clock


def pause_intervals(events: list[EventRow]) -> list[tuple[datetime, datetime | None]]:
    """Wall-clock pauses from the clock events: (paused at, resumed or ended at; None while still paused)."""
    intervals: list[tuple[datetime, datetime | None]] = []
    paused_at = None
    for event in sorted((e for e in events if e.created_at is not None), key=lambda e: (e.created_at, e.id)):
        if event.kind == "pause" and paused_at is None:
            paused_at = event.created_at
        elif event.kind in ("resume", "end", "time_up") and paused_at is not None:
            intervals.append((paused_at, event.created_at))
            paused_at = None
    if paused_at is not None:
        intervals.append((paused_at, None))
    return intervals


def clock_offset(when: datetime | None, *, clock: RoundClock, pauses: list[tuple[datetime, datetime | None]]) -> float | None:
    """Seconds on the round's clock at wall time `when`: time since the start less the pauses before it."""
    if when is None or clock.started_at is None:
        return None
    paused = 0.0
    for start, end in pauses:
        if when <= start:
            break
        stop = when if end is None else min(when, end)
        paused += (stop - start).total_seconds()
    seconds = (when - clock.started_at).total_seconds() - paused
    return min(max(0.0, seconds), clock.elapsed_seconds)


def audio_segments(recording: RecordingRow, *, clock: RoundClock,
                   pauses: list[tuple[datetime, datetime | None]]) -> list[tuple[float, float, float]]:
    """Where a recording's audio sits on the round's clock: (offset, audio start, length) pieces.

    Audio runs on wall time; the round's clock stands still while the round is paused, so what was
    said during a pause has no place on the clock and the replay skips it (the review's list plays
    the whole recording)."""
    start = recording.started_at
    end = start + timedelta(seconds=recording.duration)
    pieces, cursor = [], start
    for paused_at, resumed_at in pauses:
        stop = resumed_at or end
        if stop <= cursor or paused_at >= end:
            continue
        if paused_at > cursor:
            pieces.append((cursor, paused_at))
        cursor = max(cursor, stop)
    if cursor < end:
        pieces.append((cursor, end))
    segments = []
    for begin, finish in pieces:
        offset = clock_offset(begin, clock=clock, pauses=pauses)
        if offset is None:
            continue
        segments.append((round(offset, 3), round((begin - start).total_seconds(), 3),
                         round((finish - begin).total_seconds(), 3)))
    return segments


# ---------------------------------------------------------------- the timeline


def playback(entries: list[Entry], end_offset: float,
             audible: list[tuple[float, float]] = ()) -> tuple[float, list[tuple[float, float]]]:
    """Set each entry's `play` time, compressing idle stretches; returns (playback length, skipped stretches).

    Stretches inside `audible` (offsets where a recording plays) are never compressed: the audio plays
    in real time. The caller puts an entry at each end of every such stretch, so a gap between two
    entries lies wholly inside one or wholly outside all."""
    def heard(start: float, stop: float) -> bool:
        return any(a <= start + 1e-6 and stop <= b + 1e-6 for a, b in audible)

    play, previous, skipped = 0.0, 0.0, []
    for entry in entries:
        gap = max(0.0, entry.offset - previous)
        if gap > IDLE_SECONDS and not heard(previous, entry.offset):
            skipped.append((previous, entry.offset))
            gap = IDLE_SECONDS
        play += gap
        entry.play = play
        previous = max(previous, entry.offset)
    tail = max(0.0, end_offset - previous)
    if tail > IDLE_SECONDS and not heard(previous, end_offset):
        skipped.append((previous, end_offset))
        tail = IDLE_SECONDS
    return play + tail, skipped


def build_timeline(
    *,
    clock: RoundClock,
    snapshots: list[SnapshotRow],
    submissions: list[SubmissionRow],
    events: list[EventRow],
    notes: list[NoteRow],
    has_coding: bool,
    recordings: list[RecordingRow] = (),
) -> Timeline:
    """One ordered timeline of a round, with playback times, line diffs, per-phase timing and the
    recordings placed on its clock."""
    entries: list[Entry] = []
    previous: dict[tuple[int, str], str] = {}
    for snapshot in sorted(snapshots, key=lambda s: (s.offset, s.id)):
        key = (snapshot.round_question_id, snapshot.field)
        diff = line_diff(previous.get(key, ""), snapshot.content)
        previous[key] = snapshot.content
        entries.append(Entry("snapshot", snapshot.offset, snapshot.id, snapshot.round_question_id,
                             data={"field": snapshot.field, **diff}))

    pauses = pause_intervals(events)
    first_run = first_pass = None
    for run in submissions:
        created = clock_offset(run.created_at, clock=clock, pauses=pauses)
        finished = clock_offset(run.finished_at, clock=clock, pauses=pauses)
        if created is None:
            continue
        what = "Submit" if run.kind == "submit" else "Run"
        outcome = {"run_kind": run.kind, "status": run.status, "verdict": run.verdict, "passed": run.passed,
                   "total": run.total, "time_ms": run.time_ms}
        entries.append(Entry("run", created, run.id, run.round_question_id, f"{what} pressed",
                             data={**outcome, "finished": finished}))
        if finished is not None:
            verdict = run.verdict or run.status
            score = f" {run.passed}/{run.total}" if run.total else ""
            entries.append(Entry("result", finished, run.id, run.round_question_id, f"{what}: {verdict}{score}",
                                 data={**outcome, "started": created,
                                       "message": " · ".join(part for part in (run.message, run.cases) if part)}))
        first_run = created if first_run is None else min(first_run, created)
        if run.kind == "submit" and run.verdict == "AC":
            first_pass = created if first_pass is None else min(first_pass, created)

    for event in events:
        label = event.label or event.kind
        if event.detail and event.kind in ("time_added", "resume", "grade"):
            label = f"{label} ({event.detail})"
        entries.append(Entry(event.kind, event.offset, event.id, event.round_question_id, label,
                             data={"text": event.text} if event.text else {}))

    for note in notes:
        entries.append(Entry("note", note.offset, note.id, note.round_question_id, "Note",
                             data={"html": note.body_html, "tags": [list(tag) for tag in note.tags]}))

    placed, audible = [], []
    for recording in sorted(recordings, key=lambda r: (r.started_at, r.id)):
        segments = audio_segments(recording, clock=clock, pauses=pauses)
        if not segments:
            continue
        start, end = segments[0][0], max(offset + length for offset, _, length in segments)
        audible.append((start, end))
        what = "answer aloud" if recording.kind == "answer" else "call"
        about = {"recording": recording.id, "owner": recording.owner}
        entries.append(Entry("recording", start, recording.id, recording.round_question_id,
                             f"Recording starts: {recording.owner} ({what})", data=about))
        entries.append(Entry("recording_end", end, recording.id, recording.round_question_id,
                             f"Recording ends: {recording.owner}", data=about))
        placed.append({"id": recording.id, "kind": recording.kind, "owner": recording.owner, "url": recording.url,
                       "question": recording.round_question_id, "offset": start, "end": end,
                       "duration": recording.duration, "segments": [list(s) for s in segments]})

    entries.sort(key=Entry.sort_key)
    end_offset = max([clock.elapsed_seconds, *(entry.offset for entry in entries)])
    play_end, skipped = playback(entries, end_offset, audible)
    changes = [s.offset for s in snapshots]
    phases = [] if clock.started_at is None else phase_timing(
        stage_kind=clock.stage_kind, duration_seconds=clock.duration_seconds, elapsed_seconds=clock.elapsed_seconds,
        first_change=min(changes, default=None), last_change=max(changes, default=None),
        first_run=first_run, first_pass=first_pass, has_coding=has_coding,
    )
    return Timeline(entries, end_offset, play_end, skipped, phases, placed)
