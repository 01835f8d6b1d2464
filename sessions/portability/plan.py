"""An import's plan: the unsaved rows the planner built from a checked document, for the writer to create."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
from sessions.portability.whiteboards import PlannedWhiteboard


@dataclass
class PlannedQuestion:
    row: RoundQuestion
    updated_at: datetime | None
    snapshots: list[tuple[Snapshot, datetime]]
    submissions: list[tuple[Submission, datetime]]
    whiteboard: PlannedWhiteboard | None = None


@dataclass
class PlannedRound:
    row: Round
    current: int | None  # order of the question on screen
    questions: list[PlannedQuestion]
    events: list[tuple[RoundEvent, int | None, datetime]]  # (row, question order, created_at)
    notes: list[tuple[Note, int | None, datetime, datetime]]
    sheets: list[tuple[NoteSheet, int | None, datetime]]
    scorecard: tuple[Scorecard, datetime] | None
    interviewer_feedback: InterviewerFeedback | None = None

    @property
    def snapshot_bytes(self) -> int:
        answers = sum(len(snapshot.content.encode()) for p in self.questions for snapshot, _ in p.snapshots)
        return answers + sum(p.whiteboard.snapshot_bytes for p in self.questions if p.whiteboard)


@dataclass
class PlannedSession:
    row: InterviewSession
    created_at: datetime
    rounds: list[PlannedRound]
    notes_left_out: int

    @property
    def snapshot_bytes(self) -> int:
        return sum(planned_round.snapshot_bytes for planned_round in self.rounds)
