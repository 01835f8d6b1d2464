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
from datetime import datetime

# Re-exported: the replay's callers and tests take the diff from here with the rest of the timeline.
from sessions.review.line_diff import line_diff

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


# ---------------------------------------------------------------- timeline out


# Among entries at the same offset: the clock starts first, then what the candidate saw, then what
# they did, then what came of it, then notes about it; the clock stops and feedback comes last.
# A resume always has its pause's offset (the clock stood still in between), so it comes right after it.
KIND_RANK = {
    "start": 0, "time_added": 2, "switch": 3,
    "reveal_constraint": 4, "reveal_hint": 4, "reveal_answer": 4,
    "snapshot": 5, "run": 6, "result": 7, "grade": 8, "note": 9,
    "pause": 10, "resume": 10.5, "end": 11, "time_up": 11, "release": 12,
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


@dataclass(frozen=True)
class Phase:
    key: str
    label: str
    seconds: float | None  # None: it never happened
    limit_seconds: float | None  # None: this stage kind sets no share for it
    share: float | None
    flagged: bool

    @property
    def reached(self) -> bool:
        return self.seconds is not None


@dataclass
class Timeline:
    entries: list[Entry]
    end_offset: float
    play_end: float
    skipped: list[tuple[float, float]]  # idle stretches compressed for playback, as real offsets
    phases: list[Phase]

    def to_dict(self) -> dict:
        return {
            "end": round(self.end_offset, 2),
            "play_end": round(self.play_end, 2),
            "idle_seconds": IDLE_SECONDS,
            "skipped": [[round(a, 2), round(b, 2)] for a, b in self.skipped],
            "entries": [entry.to_dict() for entry in self.entries],
            "phases": [asdict(phase) for phase in self.phases],
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


# ---------------------------------------------------------------- per-phase timing


@dataclass(frozen=True)
class PhaseShares:
    """The most of a round's planned length each phase should take, as a fraction (None: not judged)."""

    first_keystroke: float | None
    first_run: float | None
    first_pass: float | None
    after_last_change: float | None


# What each stage kind's guidance suggests, as shares of the round (duration, added time included):
# - coding: understand and plan, then write (first keystroke within 15%); run something by half
#   time; a passing submit with 15% left to test and discuss; and no more than 15% after the last
#   edit (a long tail of no changes is time not spent testing or improving);
# - ML knowledge (concept answers): start writing within 10%; at most 20% idle at the end;
# - ML design and system design: clarify requirements for up to 20% before writing; 15% tail;
# - behavioural, people and culture, technical management, recruiter: stories start within 10%;
#   a quarter of the round may go to the interviewer's follow-ups and questions at the end.
PHASE_SHARES = {
    "coding": PhaseShares(first_keystroke=0.15, first_run=0.50, first_pass=0.85, after_last_change=0.15),
    "ml_knowledge": PhaseShares(first_keystroke=0.10, first_run=None, first_pass=None, after_last_change=0.20),
    "ml_design": PhaseShares(first_keystroke=0.20, first_run=None, first_pass=None, after_last_change=0.15),
    "system_design": PhaseShares(first_keystroke=0.20, first_run=None, first_pass=None, after_last_change=0.15),
    "behavioral": PhaseShares(first_keystroke=0.10, first_run=None, first_pass=None, after_last_change=0.25),
    "technical_management": PhaseShares(first_keystroke=0.10, first_run=None, first_pass=None, after_last_change=0.25),
    "recruiter": PhaseShares(first_keystroke=0.10, first_run=None, first_pass=None, after_last_change=0.30),
}
DEFAULT_SHARES = PhaseShares(first_keystroke=0.15, first_run=None, first_pass=None, after_last_change=0.20)
# Any round with a coding question is judged on runs, whatever its stage (a coding share applies).
CODING_SHARES = PHASE_SHARES["coding"]

PHASE_LABELS = {
    "first_keystroke": "Time to first keystroke",
    "first_run": "Time to first run",
    "first_pass": "Time to first passing submit",
    "after_last_change": "Time after the last change",
}


def phase_timing(
    *,
    stage_kind: str,
    duration_seconds: float,
    elapsed_seconds: float,
    first_change: float | None,
    last_change: float | None,
    first_run: float | None,
    first_pass: float | None,
    has_coding: bool,
) -> list[Phase]:
    """Per-phase times of a round, flagged when over the stage's share.

    A phase that never happened counts as lasting the whole time used, so a round that ran past
    a phase's limit without reaching it is flagged too. Run phases apply only to rounds with a
    coding question; the time after the last change only once something was written.
    """
    shares = PHASE_SHARES.get(stage_kind, DEFAULT_SHARES)
    measured = {
        "first_keystroke": first_change,
        "first_run": first_run,
        "first_pass": first_pass,
        "after_last_change": None if last_change is None else max(0.0, elapsed_seconds - last_change),
    }
    phases = []
    for key, label in PHASE_LABELS.items():
        if key in ("first_run", "first_pass"):
            if not has_coding:
                continue
            share = getattr(shares, key) if getattr(shares, key) is not None else getattr(CODING_SHARES, key)
        else:
            share = getattr(shares, key)
        seconds = measured[key]
        if key == "after_last_change" and seconds is None:
            continue
        limit = share * duration_seconds if share is not None else None
        spent = seconds if seconds is not None else elapsed_seconds
        flagged = limit is not None and spent > limit
        phases.append(Phase(key, label, seconds, limit, share, flagged))
    return phases


# ---------------------------------------------------------------- the timeline


def playback(entries: list[Entry], end_offset: float) -> tuple[float, list[tuple[float, float]]]:
    """Set each entry's `play` time, compressing idle stretches; returns (playback length, skipped stretches)."""
    play, previous, skipped = 0.0, 0.0, []
    for entry in entries:
        gap = max(0.0, entry.offset - previous)
        if gap > IDLE_SECONDS:
            skipped.append((previous, entry.offset))
            gap = IDLE_SECONDS
        play += gap
        entry.play = play
        previous = max(previous, entry.offset)
    tail = max(0.0, end_offset - previous)
    if tail > IDLE_SECONDS:
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
) -> Timeline:
    """One ordered timeline of a round, with playback times, line diffs and per-phase timing."""
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

    entries.sort(key=Entry.sort_key)
    end_offset = max([clock.elapsed_seconds, *(entry.offset for entry in entries)])
    play_end, skipped = playback(entries, end_offset)
    changes = [s.offset for s in snapshots]
    phases = [] if clock.started_at is None else phase_timing(
        stage_kind=clock.stage_kind, duration_seconds=clock.duration_seconds, elapsed_seconds=clock.elapsed_seconds,
        first_change=min(changes, default=None), last_change=max(changes, default=None),
        first_run=first_run, first_pass=first_pass, has_coding=has_coding,
    )
    return Timeline(entries, end_offset, play_end, skipped, phases)
