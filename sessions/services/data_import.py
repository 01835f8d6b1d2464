"""Import a JSON export (`sessions.exports.user_data`) made on another instance, for the importing user.

The whole document is checked before anything is written: its format and version,
every value's type and size, and every reference to a question, stage or loop, which
must exist on this instance (questions are matched by pack slug and question slug). A
document with any error saves nothing and the caller gets every error at once.

What is created belongs to the importing user: they own each session, and in a paired
round they take the role they had; the other person is not recreated, so that side of
the round stays empty. Notes, sheets and scorecards written by the other person cannot
be kept without them (their author columns are required); scorecards the user may read
are kept with the user as their holder, notes by others are counted and left out. The
candidate's feedback on the interview belongs to the round, so it is kept either way.

Importing the same file twice creates nothing the second time: a session is the same
when one of the user's sessions has its mode, title and creation time.

Every session created is marked imported and its rounds arrive closed; who may import,
and what an imported round may never become, is `sessions.services.import_rules`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import sandbox
from questions.models import InterviewLoop, Question, Stage
from sessions.exports import FORMAT, VERSION
from sessions.feedback.note_templates import TEMPLATES
from sessions.feedback.notes import MAX_NOTES_PER_ROUND
from sessions.models import (
    InterviewerFeedback,
    InterviewSession,
    Note,
    NoteSheet,
    Round,
    RoundEvent,
    RoundQuestion,
    Scorecard,
    Snapshot,
    Submission,
)
from sessions.rounds.answer_limits import MAX_ANSWER_BYTES
from sessions.rounds.answers import MAX_SNAPSHOTS_PER_FIELD
from sessions.rounds.clock import MAX_ROUND_SECONDS
from sessions.runs.results import redact_hidden_usage
from sessions.services import import_rules

MAX_SESSIONS = 2000
MAX_ROUNDS_PER_SESSION = 50
MAX_QUESTIONS_PER_ROUND = 20
MAX_EVENTS_PER_ROUND = 20000
MAX_SUBMISSIONS_PER_QUESTION = 2000
MAX_OUTPUT_BYTES = 1024 * 1024  # stdout, stderr, compiler output of one run
MAX_RESULTS_BYTES = 2 * 1024 * 1024  # a judged run's stored results, as JSON
MAX_SHEET_BYTES = 256 * 1024
MAX_ERRORS = 100  # past this the list stops growing: the document is plainly not an export
UNFINISHED_RUN = "This run had not finished when the data was exported, so it was not run here."
# PostgreSQL stores no NUL character in text or JSON; no answer typed in a browser holds one.
NUL_MESSAGE = "holds a NUL character, which cannot be stored."
EARLIEST, LATEST = 1970, 9999


@dataclass(frozen=True)
class ImportResult:
    created: int  # sessions
    skipped: int  # sessions already here (imported before)
    notes_left_out: int  # notes and sheets by the other person of a paired round


class _Errors(Exception):
    """Raised when the error list is full."""


class _Reader:
    """Reads typed values out of the document, collecting every error with where it was found."""

    def __init__(self):
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}" if path else message)
        if len(self.errors) >= MAX_ERRORS:
            raise _Errors

    def mapping(self, value, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, "expected an object.")
            return None
        return value

    def optional_mapping(self, value, path: str) -> dict | None:
        """None (absent, or null) is fine; anything else must be an object."""
        return None if value is None else self.mapping(value, path)

    def items(self, data: dict, key: str, path: str, *, limit: int) -> list:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.error(f"{path}.{key}", "expected a list.")
            return []
        if len(value) > limit:
            self.error(f"{path}.{key}", f"at most {limit} entries are allowed, this has {len(value)}.")
            return []
        return value

    def text(self, data: dict, key: str, path: str, *, max_bytes: int = MAX_ANSWER_BYTES, max_chars: int | None = None,
             default=None, null: bool = False) -> str | None:
        """Long text is limited in bytes (as the services limit answers), names and labels in characters."""
        value = data.get(key, default)
        if value is None and null:
            return None
        if not isinstance(value, str):
            self.error(f"{path}.{key}", "expected text." if key in data else "missing.")
            return ""
        if max_chars is not None and len(value) > max_chars:
            self.error(f"{path}.{key}", f"longer than {max_chars} characters.")
        elif len(value.encode()) > max_bytes:
            self.error(f"{path}.{key}", f"over the {_size(max_bytes)} limit.")
        elif "\x00" in value:
            self.error(f"{path}.{key}", NUL_MESSAGE)
        return value

    def integer(self, data: dict, key: str, path: str, *, low: int, high: int, default=None,
                null: bool = False) -> int | None:
        value = data.get(key, default)
        if value is None and null:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{path}.{key}", "expected a whole number." if key in data else "missing.")
            return low
        if not low <= value <= high:
            self.error(f"{path}.{key}", f"expected a number from {low} to {high}, not {value}.")
        return value

    def number(self, data: dict, key: str, path: str, *, low: float, high: float, default=None) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(f"{path}.{key}", "expected a number." if key in data else "missing.")
            return low
        if not low <= value <= high:
            self.error(f"{path}.{key}", f"expected a number from {low:g} to {high:g}.")
        return float(value)

    def flag(self, data: dict, key: str, path: str, *, default=None) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{path}.{key}", "expected true or false." if key in data else "missing.")
            return False
        return value

    def choice(self, data: dict, key: str, path: str, choices, *, default=None) -> str:
        value = data.get(key, default)
        if value not in choices:
            allowed = ", ".join(repr(c) for c in choices)
            self.error(f"{path}.{key}", f"expected one of {allowed}." if key in data else "missing.")
            return next(iter(choices))
        return value

    def moment(self, data: dict, key: str, path: str, *, null: bool = True) -> datetime | None:
        value = data.get(key)
        if value is None and null:
            return None
        if not isinstance(value, str):
            self.error(f"{path}.{key}", "expected a date and time." if key in data else "missing.")
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.error(f"{path}.{key}", f"{value[:40]!r} is not an ISO 8601 date and time.")
            return None
        if parsed.tzinfo is None:
            self.error(f"{path}.{key}", "a date and time needs its time zone offset.")
            return None
        try:
            parsed = parsed.astimezone(UTC)
        except OverflowError:
            parsed = None
        if parsed is None or not EARLIEST <= parsed.year <= LATEST:
            self.error(f"{path}.{key}", f"expected a date between {EARLIEST} and {LATEST}.")
            return None
        return parsed

    def blob(self, data: dict, key: str, path: str, kind: type, *, max_bytes: int):
        """A JSON object or list stored as it is (run results, sheet fields), checked for type and size."""
        value = data.get(key, kind())
        if not isinstance(value, kind):
            self.error(f"{path}.{key}", f"expected {'an object' if kind is dict else 'a list'}.")
            return kind()
        try:
            text = json.dumps(value, allow_nan=False)
        except ValueError:
            self.error(f"{path}.{key}", "holds a number that is not finite (NaN or infinity).")
            return kind()
        if len(text) > max_bytes:
            self.error(f"{path}.{key}", f"over the {_size(max_bytes)} limit.")
        elif _has_nul(value):
            self.error(f"{path}.{key}", NUL_MESSAGE)
        return value


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


# ---------------------------------------------------------------- references to this instance's packs


class _Catalogue:
    """The questions, stages and loops the document names, looked up once."""

    def __init__(self, document: dict):
        question_slugs, loop_slugs = set(), set()
        for session in _dicts(document.get("sessions")):
            if isinstance(session.get("loop"), dict):
                loop_slugs.add(session["loop"].get("slug"))
            for stage_round in _dicts(session.get("rounds")):
                if isinstance(stage_round.get("stage"), dict):
                    loop_slugs.add(stage_round["stage"].get("loop"))
                for rq in _dicts(stage_round.get("questions")):
                    if isinstance(rq.get("question"), dict):
                        question_slugs.add(rq["question"].get("slug"))
        question_slugs = {s for s in question_slugs if isinstance(s, str)}
        loop_slugs = {s for s in loop_slugs if isinstance(s, str)}
        self.questions = {
            (q.pack.slug, q.slug): q
            for q in Question.objects.filter(slug__in=question_slugs).select_related("pack")
            .prefetch_related("rubric_items")
        }
        self.loops = {
            (loop.pack.slug, loop.slug): loop
            for loop in InterviewLoop.objects.filter(slug__in=loop_slugs).select_related("pack")
        }
        self.stages = {
            (stage.loop.pack.slug, stage.loop.slug, stage.slug): stage
            for stage in Stage.objects.filter(loop__slug__in=loop_slugs).select_related("loop__pack")
            .prefetch_related("rubric_items")
        }
        self.missing: dict[str, str] = {}  # one message per missing thing, however often it is named

    def question(self, reader: _Reader, ref, path: str) -> Question | None:
        ref = reader.mapping(ref, path)
        if ref is None:
            return None
        pack = reader.text(ref, "pack", path, max_chars=80)
        slug = reader.text(ref, "slug", path, max_chars=120)
        found = self.questions.get((pack, slug))
        if found is None and pack and slug:
            title = ref.get("title") if isinstance(ref.get("title"), str) else slug
            self.missing[f"question {pack}/{slug}"] = (
                f"The question “{title[:200]}” ({pack}/{slug}) is not on this instance: load the pack “{pack}” first."
            )
        return found

    def stage(self, reader: _Reader, ref, path: str) -> Stage | None:
        ref = reader.optional_mapping(ref, path)
        if ref is None:
            return None
        key = tuple(reader.text(ref, name, path, max_chars=80) for name in ("pack", "loop", "slug"))
        found = self.stages.get(key)
        if found is None and all(key):
            self.missing["stage " + "/".join(key)] = (
                f"The stage {key[1]}/{key[2]} of the pack “{key[0]}” is not on this instance: load the pack first."
            )
        return found

    def loop(self, reader: _Reader, ref, path: str) -> InterviewLoop | None:
        ref = reader.optional_mapping(ref, path)
        if ref is None:
            return None
        key = (reader.text(ref, "pack", path, max_chars=80), reader.text(ref, "slug", path, max_chars=80))
        found = self.loops.get(key)
        if found is None and all(key):
            self.missing[f"loop {key[0]}/{key[1]}"] = (
                f"The loop {key[1]} of the pack “{key[0]}” is not on this instance: load the pack first."
            )
        return found


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


# ---------------------------------------------------------------- reading the document into unsaved rows


@dataclass
class _PlannedQuestion:
    row: RoundQuestion
    updated_at: datetime | None
    snapshots: list[tuple[Snapshot, datetime]]
    submissions: list[tuple[Submission, datetime]]


@dataclass
class _PlannedRound:
    row: Round
    current: int | None  # order of the question on screen
    questions: list[_PlannedQuestion]
    events: list[tuple[RoundEvent, int | None, datetime]]  # (row, question order, created_at)
    notes: list[tuple[Note, int | None, datetime, datetime]]
    sheets: list[tuple[NoteSheet, int | None, datetime]]
    scorecard: tuple[Scorecard, datetime] | None
    interviewer_feedback: InterviewerFeedback | None = None

    @property
    def snapshot_bytes(self) -> int:
        return sum(len(snapshot.content.encode()) for p in self.questions for snapshot, _ in p.snapshots)


@dataclass
class _PlannedSession:
    row: InterviewSession
    created_at: datetime
    rounds: list[_PlannedRound]
    notes_left_out: int

    @property
    def snapshot_bytes(self) -> int:
        return sum(planned_round.snapshot_bytes for planned_round in self.rounds)


class _Planner:
    def __init__(self, user, reader: _Reader, catalogue: _Catalogue):
        self.user, self.reader, self.catalogue = user, reader, catalogue
        self.notes_left_out = 0
        self.answer_rule, self.now = import_rules.AnswerRule(user), timezone.now()

    def session(self, data, path: str) -> _PlannedSession | None:
        r = self.reader
        data = r.mapping(data, path)
        if data is None:
            return None
        mode = r.choice(data, "mode", path, InterviewSession.Mode.values)
        created_at = r.moment(data, "created_at", path, null=False)
        row = InterviewSession(
            owner=self.user, mode=mode, title=r.text(data, "title", path, max_chars=200),
            loop=self.catalogue.loop(r, data.get("loop"), f"{path}.loop"), imported_at=self.now,
        )
        rounds = []
        orders = set()
        left_out_before = self.notes_left_out
        for i, round_data in enumerate(r.items(data, "rounds", path, limit=MAX_ROUNDS_PER_SESSION)):
            planned = self.round(round_data, f"{path}.rounds[{i}]", mode)
            if planned is None:
                continue
            if planned.row.order in orders:
                r.error(f"{path}.rounds[{i}].order", f"two rounds have the order {planned.row.order}.")
            orders.add(planned.row.order)
            rounds.append(planned)
        return _PlannedSession(row=row, created_at=created_at, rounds=rounds,
                               notes_left_out=self.notes_left_out - left_out_before)

    def round(self, data, path: str, mode: str) -> _PlannedRound | None:
        r = self.reader
        data = r.mapping(data, path)
        if data is None:
            return None
        roles = ("solo",) if mode == InterviewSession.Mode.SOLO else ("interviewer", "candidate")
        role = r.choice(data, "role", path, roles)
        stage = self.catalogue.stage(r, data.get("stage"), f"{path}.stage")
        status = r.choice(data, "status", path, Round.Status.values)
        row = Round(
            stage=stage,
            order=r.integer(data, "order", path, low=0, high=MAX_ROUNDS_PER_SESSION),
            title=r.text(data, "title", path, max_chars=200),
            stage_kind=r.text(data, "stage_kind", path, max_chars=32),
            duration_seconds=r.integer(data, "duration_seconds", path, low=1, high=MAX_ROUND_SECONDS),
            status=status,
            started_at=r.moment(data, "started_at", path),
            paused_at=r.moment(data, "paused_at", path),
            paused_seconds=r.number(data, "paused_seconds", path, low=0, high=10 ** 8, default=0),
            ended_at=r.moment(data, "ended_at", path),
            end_reason=r.choice(data, "end_reason", path, ["", *Round.EndReason.values], default=""),
            current_since=r.moment(data, "current_since", path),
            interviewer=self.user if role == "interviewer" else None,
            candidate=self.user if role == "candidate" else None,
        )
        questions, question_orders = [], set()
        for i, rq_data in enumerate(r.items(data, "questions", path, limit=MAX_QUESTIONS_PER_ROUND)):
            planned = self.round_question(rq_data, f"{path}.questions[{i}]", role)
            if planned is None:
                continue
            if planned.row.order in question_orders:
                r.error(f"{path}.questions[{i}].order", f"two questions have the order {planned.row.order}.")
            question_orders.add(planned.row.order)
            questions.append(planned)
        current = self._question_order(data, "current", path, question_orders)
        self._self_assessment(data.get("self_assessment"), f"{path}.self_assessment", row, stage, role)
        events = []
        for i, event in enumerate(r.items(data, "events", path, limit=MAX_EVENTS_PER_ROUND)):
            event_path = f"{path}.events[{i}]"
            event = r.mapping(event, event_path)
            if event is None:
                continue
            events.append((
                RoundEvent(
                    kind=r.choice(event, "kind", event_path, RoundEvent.Kind.values),
                    detail=r.text(event, "detail", event_path, max_chars=500, default=""),
                    offset_seconds=r.number(event, "offset_seconds", event_path, low=0, high=10 ** 8, default=0),
                ),
                self._question_order(event, "question", event_path, question_orders),
                r.moment(event, "created_at", event_path, null=False),
            ))
        notes = self._notes(data, path, question_orders)
        sheets = self._sheets(data, path, question_orders)
        scorecard = self._scorecard(data.get("scorecard"), f"{path}.scorecard", stage, questions, role)
        feedback = self._interviewer_feedback(data.get("interviewer_feedback"), f"{path}.interviewer_feedback", role)
        import_rules.round_settle(row, path, r.error, scorecard=scorecard and scorecard[0])
        return _PlannedRound(row=row, current=current, questions=questions, events=events, notes=notes,
                             sheets=sheets, scorecard=scorecard, interviewer_feedback=feedback)

    def _question_order(self, data: dict, key: str, path: str, question_orders: set) -> int | None:
        order = self.reader.integer(data, key, path, low=0, high=MAX_QUESTIONS_PER_ROUND, null=True, default=None)
        if order is not None and order not in question_orders:
            self.reader.error(f"{path}.{key}", f"no question of this round has the order {order}.")
            return None
        return order

    def round_question(self, data, path: str, role: str) -> _PlannedQuestion | None:
        r = self.reader
        data = r.mapping(data, path)
        if data is None:
            return None
        question = self.catalogue.question(r, data.get("question"), f"{path}.question")
        self.answer_rule.check(question, f"{path}.question", r.error)
        code_limit = settings.RUN_MAX_SOURCE_BYTES
        row = RoundQuestion(
            order=r.integer(data, "order", path, low=0, high=MAX_QUESTIONS_PER_ROUND),
            **{
                name: r.text(data, name, path, default="", max_bytes=code_limit if name == "code" else MAX_ANSWER_BYTES)
                for name in RoundQuestion.ANSWER_FIELDS
            },
            language=r.choice(data, "language", path, ["", *sorted(sandbox.LANGUAGES)], default=""),
            model_answer_revealed_at=r.moment(data, "model_answer_revealed_at", path),
            constraints_revealed=r.integer(data, "constraints_revealed", path, low=0, high=1000, default=0),
            hints_revealed=r.integer(data, "hints_revealed", path, low=0, high=1000, default=0),
            self_grade=r.choice(data, "self_grade", path, ["", *RoundQuestion.Grade.values], default=""),
            graded_at=r.moment(data, "graded_at", path),
            seconds_spent=r.number(data, "seconds_spent", path, low=0, high=10 ** 8, default=0),
        )
        if question is not None:
            row.question = question
        snapshots, per_field = [], {}
        limit = MAX_SNAPSHOTS_PER_FIELD * len(RoundQuestion.ANSWER_FIELDS)
        for i, snap in enumerate(r.items(data, "snapshots", path, limit=limit)):
            snap_path = f"{path}.snapshots[{i}]"
            snap = r.mapping(snap, snap_path)
            if snap is None:
                continue
            fields = RoundQuestion.ANSWER_FIELDS if question is None else RoundQuestion.FIELDS_BY_KIND[question.kind]
            name = r.choice(snap, "field", snap_path, [f for f in fields if f != "language"])
            per_field[name] = per_field.get(name, 0) + 1
            if per_field[name] == MAX_SNAPSHOTS_PER_FIELD + 1:
                r.error(f"{path}.snapshots", f"more than {MAX_SNAPSHOTS_PER_FIELD} snapshots of “{name}”.")
            snapshots.append((
                Snapshot(
                    field=name,
                    content=r.text(snap, "content", snap_path, max_bytes=max(code_limit, MAX_ANSWER_BYTES)),
                    offset_seconds=r.number(snap, "offset_seconds", snap_path, low=0, high=10 ** 8, default=0),
                ),
                r.moment(snap, "created_at", snap_path, null=False),
            ))
        submissions = []
        for i, run in enumerate(r.items(data, "submissions", path, limit=MAX_SUBMISSIONS_PER_QUESTION)):
            planned = self.submission(run, f"{path}.submissions[{i}]", question, role)
            if planned is not None:
                submissions.append(planned)
        return _PlannedQuestion(row=row, updated_at=r.moment(data, "updated_at", path), snapshots=snapshots,
                                submissions=submissions)

    def submission(self, data, path: str, question, role: str) -> tuple[Submission, datetime] | None:
        r = self.reader
        data = r.mapping(data, path)
        if data is None:
            return None
        mine = r.flag(data, "mine", path, default=False)
        if mine and role == "interviewer":
            r.error(f"{path}.mine", "the interviewer of a round does not run code in it.")
        status = r.choice(data, "status", path, Submission.Status.values)
        row = Submission(
            user=self.user if mine else None,
            question=question,
            kind=r.choice(data, "kind", path, Submission.Kind.values),
            language=r.choice(data, "language", path, sorted(sandbox.LANGUAGES)),
            source=r.text(data, "source", path, max_bytes=settings.RUN_MAX_SOURCE_BYTES),
            stdin=r.text(data, "stdin", path, max_bytes=settings.RUN_MAX_STDIN_BYTES, null=True, default=None),
            status=status,
            verdict=r.text(data, "verdict", path, max_chars=4, default=""),
            stdout=r.text(data, "stdout", path, max_bytes=MAX_OUTPUT_BYTES, default=""),
            stderr=r.text(data, "stderr", path, max_bytes=MAX_OUTPUT_BYTES, default=""),
            compile_output=r.text(data, "compile_output", path, max_bytes=MAX_OUTPUT_BYTES, default=""),
            results=self._results(data, path),
            time_ms=r.integer(data, "time_ms", path, low=0, high=2 ** 31 - 1, null=True),
            wall_ms=r.integer(data, "wall_ms", path, low=0, high=2 ** 31 - 1, null=True),
            memory_kb=r.integer(data, "memory_kb", path, low=0, high=2 ** 31 - 1, null=True),
            message=r.text(data, "message", path, max_bytes=MAX_ANSWER_BYTES, default=""),
            started_at=r.moment(data, "started_at", path),
            finished_at=r.moment(data, "finished_at", path),
        )
        redacted = redact_hidden_usage(row.results)  # files exported before hidden tests' times were hidden
        if redacted is not None:
            row.results, row.time_ms, row.memory_kb = redacted
        if status in (Submission.Status.QUEUED, Submission.Status.RUNNING):
            # No worker here will ever claim it, and the recovery sweep must not run imported code.
            row.status, row.message, row.finished_at = Submission.Status.ERROR, UNFINISHED_RUN, row.started_at
        return row, r.moment(data, "created_at", path, null=False)

    def _results(self, data: dict, path: str) -> dict:
        """A judged run's results, in the shape the pages read: {"passed", "total", "tests": [...], ...}."""
        r = self.reader
        results = r.blob(data, "results", path, dict, max_bytes=MAX_RESULTS_BYTES)
        results_path = f"{path}.results"
        for key in ("passed", "total"):
            if key in results:
                r.integer(results, key, results_path, low=0, high=100_000)
        tests = results.get("tests", [])
        if not isinstance(tests, list) or not all(isinstance(test, dict) for test in tests):
            r.error(f"{results_path}.tests", "expected a list of objects.")
        if not isinstance(results.get("first_failure"), (dict, type(None))):
            r.error(f"{results_path}.first_failure", "expected an object or null.")
        return results

    def _self_assessment(self, data, path: str, row: Round, stage: Stage | None, role: str) -> None:
        r = self.reader
        data = r.optional_mapping(data, path)
        if data is None:
            return
        if role == "interviewer":
            r.error(path, "the interviewer of a round has no self-assessment in it.")
            return
        items = list(stage.rubric_items.all()) if stage else []
        ratings = {}
        for i, rating in enumerate(r.items(data, "ratings", path, limit=100)):
            rating_path = f"{path}.ratings[{i}]"
            rating = r.mapping(rating, rating_path)
            if rating is None:
                continue
            number = r.integer(rating, "item", rating_path, low=1, high=100)
            value = r.integer(rating, "rating", rating_path, low=1, high=4)
            if stage is not None and number > len(items):
                r.error(f"{rating_path}.item", f"the stage has {len(items)} rubric items on this instance.")
            elif stage is not None:
                ratings[str(items[number - 1].pk)] = value
        row.self_assessment = ratings
        row.reflection = r.text(data, "reflection", path, default="")
        row.assessed_at = r.moment(data, "assessed_at", path)

    def _notes(self, data: dict, path: str, question_orders: set) -> list:
        r = self.reader
        notes = []
        for i, note in enumerate(r.items(data, "notes", path, limit=MAX_NOTES_PER_ROUND)):
            note_path = f"{path}.notes[{i}]"
            note = r.mapping(note, note_path)
            if note is None:
                continue
            tags = r.blob(note, "tags", note_path, list, max_bytes=1024)
            if any(tag not in Note.Tag.values for tag in tags):
                r.error(f"{note_path}.tags", "unknown tag.")
            row = Note(
                author=self.user,
                body=r.text(note, "body", note_path, default=""),
                tags=tags,
                offset_seconds=r.number(note, "offset_seconds", note_path, low=0, high=10 ** 8, default=0),
            )
            order = self._question_order(note, "question", note_path, question_orders)
            created_at = r.moment(note, "created_at", note_path, null=False)
            updated_at = r.moment(note, "updated_at", note_path, null=False)
            if r.flag(note, "mine", note_path):
                notes.append((row, order, created_at, updated_at))
            else:
                self.notes_left_out += 1
        return notes

    def _sheets(self, data: dict, path: str, question_orders: set) -> list:
        r = self.reader
        sheets, seen = [], set()
        for i, sheet in enumerate(r.items(data, "note_sheets", path, limit=MAX_QUESTIONS_PER_ROUND + 1)):
            sheet_path = f"{path}.note_sheets[{i}]"
            sheet = r.mapping(sheet, sheet_path)
            if sheet is None:
                continue
            template = r.choice(sheet, "template", sheet_path, list(TEMPLATES))
            fields = r.blob(sheet, "fields", sheet_path, dict, max_bytes=MAX_SHEET_BYTES)
            ratings = r.blob(sheet, "ratings", sheet_path, dict, max_bytes=4096)
            stamps = r.blob(sheet, "stamps", sheet_path, dict, max_bytes=4096)
            known = TEMPLATES[template]
            if not set(fields) <= known.section_keys or not all(isinstance(v, str) for v in fields.values()):
                r.error(f"{sheet_path}.fields", f"expected text for sections of the “{template}” template only.")
            if not set(ratings) <= known.competency_keys or not all(
                v in (1, 2, 3, 4) and not isinstance(v, bool) for v in ratings.values()
            ):
                r.error(f"{sheet_path}.ratings", f"rate competencies of the “{template}” template from 1 to 4.")
            if not set(stamps) <= known.section_keys or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in stamps.values()
            ):
                r.error(f"{sheet_path}.stamps", "expected a number of seconds per section.")
            order = self._question_order(sheet, "question", sheet_path, question_orders)
            if order in seen:
                r.error(f"{sheet_path}.question", "two sheets for the same question.")
            seen.add(order)
            updated_at = r.moment(sheet, "updated_at", sheet_path, null=False)
            if r.flag(sheet, "mine", sheet_path):
                row = NoteSheet(author=self.user, template=template, fields=fields, ratings=ratings, stamps=stamps)
                sheets.append((row, order, updated_at))
            else:
                self.notes_left_out += 1
        return sheets

    def _paired_only(self, data, path: str, role: str, what: str) -> dict | None:
        """An object only a paired round may hold (absent is fine): the mapping, or None after any error."""
        data = self.reader.optional_mapping(data, path)
        if data is not None and role == "solo":
            self.reader.error(path, f"a solo round has no {what}.")
            return None
        return data

    def _scorecard(self, data, path: str, stage: Stage | None, questions: list[_PlannedQuestion], role: str):
        r = self.reader
        data = self._paired_only(data, path, role, "scorecard")
        if data is None:
            return None
        keys = {}
        if stage is not None:
            keys |= {f"stage/{i}": f"stage:{item.pk}" for i, item in enumerate(stage.rubric_items.all(), start=1)}
        for planned in questions:
            if planned.row.question_id is not None:
                question = planned.row.question
                keys |= {
                    f"question/{planned.row.order + 1}/{i}": f"question:{item.pk}"
                    for i, item in enumerate(question.rubric_items.all(), start=1)
                }
        ratings = {}
        for i, rating in enumerate(r.items(data, "ratings", path, limit=200)):
            rating_path = f"{path}.ratings[{i}]"
            rating = r.mapping(rating, rating_path)
            if rating is None:
                continue
            item = r.text(rating, "item", rating_path, max_chars=40)
            value = r.choice(rating, "rating", rating_path, Scorecard.Rating.values)
            if item in keys:
                ratings[keys[item]] = value
            elif not self.catalogue.missing:  # with questions missing, that error says it already
                r.error(f"{rating_path}.item", f"no rubric item {item!r} in this round on this instance.")
        row = Scorecard(
            # The column is required; the user holds the scorecard they may read (the interviewer is not recreated).
            interviewer=self.user,
            ratings=ratings,
            recommendation=r.choice(data, "recommendation", path, ["", *Scorecard.Rating.values], default=""),
            feedback=r.text(data, "feedback", path, default=""),
            share_notes=r.flag(data, "share_notes", path, default=False),
            released_at=r.moment(data, "released_at", path),
        )
        return row, r.moment(data, "updated_at", path, null=False)

    def _interviewer_feedback(self, data, path: str, role: str) -> InterviewerFeedback | None:
        """Absent from exports made before this feedback existed; that is the same as not sent."""
        r = self.reader
        data = self._paired_only(data, path, role, "feedback on the interview")
        if data is None:
            return None
        ratings = r.mapping(data.get("ratings"), f"{path}.ratings") or {}
        aspects = [key for key, _ in InterviewerFeedback.ASPECTS]
        for key in ratings:
            if key not in aspects:
                r.error(f"{path}.ratings", f"{str(key)[:40]!r} is not one of {', '.join(aspects)}.")
        for key in aspects:
            r.integer(ratings, key, f"{path}.ratings", low=1, high=4)
        return InterviewerFeedback(
            ratings={key: ratings[key] for key in aspects if key in ratings},
            comments=r.text(data, "comments", path, default=""),
            sent_at=r.moment(data, "sent_at", path, null=False),
        )


# ---------------------------------------------------------------- the service


def user_data_import(*, user, data) -> ImportResult:
    """Check a whole export document, then create its sessions for `user` in one transaction.

    Raises ValidationError with every problem found (nothing is saved then), PermissionDenied for a guest.
    """
    import_rules.require_importer(user)
    reader = _Reader()
    planned: list[_PlannedSession] = []
    catalogue = None
    try:
        document = reader.mapping(data, "")
        if document is None:
            raise ValidationError("This is not an InterviewPrep export: expected a JSON object.")
        if document.get("format") != FORMAT:
            raise ValidationError(f"This is not an InterviewPrep export (its “format” is not “{FORMAT}”).")
        if type(document.get("version")) is not int or document["version"] != VERSION:
            raise ValidationError(
                f"This export has version {str(document.get('version'))[:20]}; this instance reads version {VERSION}."
            )
        catalogue = _Catalogue(document)
        planner = _Planner(user, reader, catalogue)
        for i, session in enumerate(reader.items(document, "sessions", "", limit=MAX_SESSIONS)):
            plan = planner.session(session, f"sessions[{i}]")
            if plan is not None:
                planned.append(plan)
    except _Errors:
        reader.errors.append(f"Stopped after {MAX_ERRORS} errors.")
    except RecursionError:  # an export nests a few levels deep; this is something else
        reader.errors.append("The document nests too deeply to be an export.")
    if catalogue is not None:
        reader.errors[:0] = catalogue.missing.values()  # the likeliest cause first, once each
    if reader.errors:
        raise ValidationError(reader.errors)

    with transaction.atomic():
        # One import at a time per user, so two uploads of one file cannot both create its sessions.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        existing = set(
            InterviewSession.objects.filter(Q(owner=user) | Q(partner=user))
            .values_list("mode", "title", "created_at")
        )
        created = skipped = left_out = 0
        for plan in planned:
            key = (plan.row.mode, plan.row.title, plan.created_at)
            if key in existing:
                skipped += 1
                continue
            existing.add(key)
            import_rules.require_history_room(user, plan.snapshot_bytes)
            _create_session(plan)
            created += 1
            left_out += plan.notes_left_out
    return ImportResult(created=created, skipped=skipped, notes_left_out=left_out)


def _create_session(plan: _PlannedSession) -> None:
    """Write one checked session. Timestamps the models stamp themselves are put back with updates."""
    session = plan.row
    session.save()
    InterviewSession.objects.filter(pk=session.pk).update(created_at=plan.created_at)
    for planned_round in plan.rounds:
        stage_round = planned_round.row
        stage_round.session = session
        stage_round.snapshot_bytes = planned_round.snapshot_bytes  # imported history counts towards the caps
        stage_round.save()
        questions = {}
        for planned in planned_round.questions:
            planned.row.round = stage_round
        RoundQuestion.objects.bulk_create([p.row for p in planned_round.questions])
        for planned in planned_round.questions:
            questions[planned.row.order] = planned.row
            if planned.updated_at:
                planned.row.updated_at = planned.updated_at
        RoundQuestion.objects.bulk_update(
            [p.row for p in planned_round.questions if p.updated_at], ["updated_at"], batch_size=500
        )
        if planned_round.current is not None:
            Round.objects.filter(pk=stage_round.pk).update(current=questions[planned_round.current])
        _bulk_with_times(Snapshot, [
            (snapshot, {"created_at": at}) for p in planned_round.questions
            for snapshot, at in _attach(p.snapshots, round_question=p.row)
        ])
        _bulk_with_times(Submission, [
            (run, {"created_at": at}) for p in planned_round.questions
            for run, at in _attach(p.submissions, round_question=p.row)
        ])
        for event, order, _ in planned_round.events:
            event.round, event.round_question = stage_round, questions.get(order)
        _bulk_with_times(RoundEvent, [(event, {"created_at": at}) for event, _, at in planned_round.events])
        for note, order, _, _ in planned_round.notes:
            note.round, note.round_question = stage_round, questions.get(order)
        _bulk_with_times(Note, [
            (note, {"created_at": created, "updated_at": updated}) for note, _, created, updated in planned_round.notes
        ])
        for sheet, order, _ in planned_round.sheets:
            sheet.round, sheet.round_question = stage_round, questions.get(order)
        _bulk_with_times(NoteSheet, [(sheet, {"updated_at": at}) for sheet, _, at in planned_round.sheets])
        if planned_round.scorecard is not None:
            scorecard, updated_at = planned_round.scorecard
            scorecard.round = stage_round
            _bulk_with_times(Scorecard, [(scorecard, {"updated_at": updated_at})])
        if planned_round.interviewer_feedback is not None:
            planned_round.interviewer_feedback.round = stage_round
            planned_round.interviewer_feedback.save()


def _attach(pairs, **values):
    for row, at in pairs:
        for name, value in values.items():
            setattr(row, name, value)
        yield row, at


def _bulk_with_times(model, rows: list[tuple]) -> None:
    """Create rows, then restore the times that `auto_now(_add)` overwrote on the way in."""
    if not rows:
        return
    objects = [row for row, _ in rows]
    model.objects.bulk_create(objects, batch_size=500)
    fields = sorted({name for _, times in rows for name in times})
    for row, times in rows:
        for name, value in times.items():
            setattr(row, name, value)
    model.objects.bulk_update(objects, fields, batch_size=500)
