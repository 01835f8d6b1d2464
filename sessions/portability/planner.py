"""Planning an import: the unsaved rows (`plan`) a checked export document (`reader`) becomes for the importing user.

What is created belongs to the importing user: they own each session, and in a paired
round they take the role they had; the other person is not recreated, so that side of
the round stays empty. Notes, sheets and scorecards written by the other person cannot
be kept without them (their author columns are required); scorecards the user may read
are kept with the user as their holder, notes by others are counted and left out. The
candidate's feedback on the interview belongs to the round, so it is kept either way.

Every round arrives closed; who may import, and what an imported round may never become,
is `rules`. Scorecard ratings come back onto this instance's rubric keys through
`sessions.feedback.scorecards`, the same rule that wrote them.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

import sandbox
from questions.models import Stage
from sessions.feedback.scorecards import portable_keys, rubric_entries
from sessions.models import (
    InterviewerFeedback, InterviewSession, Note, NoteSheet, Round, RoundEvent, RoundQuestion, Scorecard, Snapshot,
    Submission,
)
from sessions.feedback.note_templates import TEMPLATES
from sessions.portability import rules
from sessions.portability.plan import PlannedQuestion, PlannedRound, PlannedSession
from sessions.portability.reader import Catalogue, DocumentReader
from sessions.portability.whiteboards import whiteboard_plan
from sessions.portability.schema import (
    MAX_EVENTS_PER_ROUND, MAX_OUTPUT_BYTES, MAX_QUESTIONS_PER_ROUND, MAX_RESULTS_BYTES, MAX_ROUNDS_PER_SESSION,
    MAX_SHEET_BYTES, MAX_SUBMISSIONS_PER_QUESTION, PAIRED_ROLES, SOLO_ROLES,
)
from sessions.runs.results import redact_hidden_usage
from sessions.feedback.notes import MAX_NOTES_PER_ROUND
from sessions.rounds.answer_limits import MAX_ANSWER_BYTES
from sessions.rounds.answers import MAX_SNAPSHOTS_PER_FIELD
from sessions.rounds.clock import MAX_ROUND_SECONDS

UNFINISHED_RUN = "This run had not finished when the data was exported, so it was not run here."


class Planner:
    """Builds the unsaved rows of each session, reading every value through the reader (which keeps the errors)."""

    def __init__(self, user, reader: DocumentReader, catalogue: Catalogue):
        self.user, self.reader, self.catalogue = user, reader, catalogue
        self.notes_left_out = 0
        self.answer_rule, self.now = rules.AnswerRule(user), timezone.now()

    def session(self, data, path: str) -> PlannedSession | None:
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
        return PlannedSession(row=row, created_at=created_at, rounds=rounds,
                               notes_left_out=self.notes_left_out - left_out_before)

    def round(self, data, path: str, mode: str) -> PlannedRound | None:
        r = self.reader
        data = r.mapping(data, path)
        if data is None:
            return None
        roles = SOLO_ROLES if mode == InterviewSession.Mode.SOLO else PAIRED_ROLES
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
        rules.round_settle(row, path, r.error, scorecard=scorecard and scorecard[0])
        return PlannedRound(row=row, current=current, questions=questions, events=events, notes=notes,
                             sheets=sheets, scorecard=scorecard, interviewer_feedback=feedback)

    def _question_order(self, data: dict, key: str, path: str, question_orders: set) -> int | None:
        order = self.reader.integer(data, key, path, low=0, high=MAX_QUESTIONS_PER_ROUND, null=True, default=None)
        if order is not None and order not in question_orders:
            self.reader.error(f"{path}.{key}", f"no question of this round has the order {order}.")
            return None
        return order

    def round_question(self, data, path: str, role: str) -> PlannedQuestion | None:
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
            test_cases=r.own_cases(data, "test_cases", path),
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
        return PlannedQuestion(row=row, updated_at=r.moment(data, "updated_at", path), snapshots=snapshots,
                                submissions=submissions, whiteboard=whiteboard_plan(r, data, path, question))

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
            custom_tests=r.own_cases(data, "custom_tests", path),
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

    def _scorecard(self, data, path: str, stage: Stage | None, questions: list[PlannedQuestion], role: str):
        r = self.reader
        data = self._paired_only(data, path, role, "scorecard")
        if data is None:
            return None
        keys = portable_keys(rubric_entries(
            stage.rubric_items.all() if stage is not None else [],
            [planned.row for planned in questions if planned.row.question_id is not None],
        ))
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
