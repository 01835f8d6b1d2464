"""What a user may read of each round, loaded once for every export format (Markdown, print, JSON).

Each round goes through `round_visibility` with the viewer's role in it, here and nowhere else, so an
export never shows more than the review pages would: a paired candidate gets no model answers, rubric
text, hints or constraints not given, draft feedback or notes unless the interviewer released them, and
while the round runs only the questions put on screen; and nobody's own rounds show the interviewer-only
text of a question they are the live candidate of elsewhere (`Visibility.withheld`).

The writers read `RoundRead`s; the two querysets differ only in what each format prints (the JSON
document carries the replay history, the Markdown the hints and the people's names).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from questions.access import live_candidate_question_ids
from sessions.access import Role, Visibility, round_role, round_visibility
from sessions.feedback.scorecards import RubricEntry, rubric_entries
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
    WhiteboardSnapshot,
    Submission,
)

# The events that put something in front of the candidate: a hint, a constraint, a question.
SHOWING_EVENTS = (RoundEvent.Kind.REVEAL_HINT, RoundEvent.Kind.REVEAL_CONSTRAINT, RoundEvent.Kind.SWITCH)


@dataclass
class RoundRead:
    """One round as one viewer may read it. Every list is already cut down to what they may see."""

    round: Round
    role: Role
    visible: Visibility
    questions: list[RoundQuestion]  # the ones the viewer may see, in order
    events: list[RoundEvent]  # as loaded (every kind for JSON, SHOWING_EVENTS for Markdown), on visible questions
    notes: list[Note]  # those of `visible.notes_author_id`
    sheets: list[NoteSheet]  # likewise
    stage_rubric: list  # the stage's rubric items
    scorecard: Scorecard | None  # None unless the viewer may read it
    scorecard_entries: list[RubricEntry]  # what it rates, with withheld text
    interviewer_feedback: InterviewerFeedback | None  # None unless the viewer may read it

    @property
    def orders(self) -> dict[int, int]:
        """Round question id to its order (from 0), for the visible questions."""
        return {rq.pk: rq.order for rq in self.questions}

    @property
    def rubric_named(self) -> bool:
        """May the viewer read the stage rubric's text? A paired candidate only in released feedback."""
        return self.visible.answers or self.visible.scorecard

    def sheet_for(self, round_question_id: int | None) -> NoteSheet | None:
        return next((sheet for sheet in self.sheets if sheet.round_question_id == round_question_id), None)

    def reveal_offsets(self) -> dict[tuple[int, str], list[float]]:
        """(round question id, event kind) to the clock offsets of the hints or constraints given, in order."""
        reveals: dict[tuple[int, str], list[float]] = {}
        for event in self.events:
            reveals.setdefault((event.round_question_id, event.kind), []).append(event.offset_seconds)
        return reveals


def read_round(stage_round: Round, role: Role, live_ids: set[int], events: list[RoundEvent]) -> RoundRead:
    """The round (prefetched as by `session_rounds_queryset` or `user_rounds_queryset`) as `role` may read it."""
    all_questions = list(stage_round.questions.all())
    visible = round_visibility(stage_round, role, live_ids=live_ids, events=events, questions=all_questions)
    questions = [rq for rq in all_questions if visible.shows(rq)]
    shown = {rq.pk for rq in questions}
    author = visible.notes_author_id
    stage_rubric = list(stage_round.stage.rubric_items.all()) if stage_round.stage else []
    scorecard = stage_round.scorecard_or_none if visible.scorecard else None
    return RoundRead(
        round=stage_round,
        role=role,
        visible=visible,
        questions=questions,
        # Events on a question the viewer may not see yet (a constraint given ahead) are left out with it.
        events=[e for e in events if e.round_question_id is None or e.round_question_id in shown],
        notes=[note for note in stage_round.notes.all() if author is not None and note.author_id == author],
        sheets=[sheet for sheet in stage_round.note_sheets.all() if author is not None and sheet.author_id == author],
        stage_rubric=stage_rubric,
        scorecard=scorecard,
        scorecard_entries=rubric_entries(stage_rubric, all_questions, withheld_question_ids=visible.withheld)
        if scorecard is not None else [],
        interviewer_feedback=stage_round.interviewer_feedback_or_none if visible.interviewer_feedback else None,
    )


def _readable(session: InterviewSession, rounds: Iterable[Round], viewer, live_ids: set[int],
              events_of) -> list[RoundRead]:
    reads = []
    for stage_round in rounds:
        stage_round.session = session
        role = round_role(viewer, stage_round)
        if role is not None:
            reads.append(read_round(stage_round, role, live_ids, events_of(stage_round)))
    return reads


def session_rounds_queryset():
    """Rounds with what the Markdown and print exports show."""
    rounds = Round.objects.select_related(
        "stage", "scorecard", "interviewer_feedback", "interviewer__guest", "candidate__guest"
    )
    return rounds.prefetch_related(
        "stage__rubric_items",
        Prefetch(
            "questions",
            # "whiteboard": the design questions' boards, drawn in the exports (sessions.whiteboard).
            queryset=RoundQuestion.objects.select_related("question", "whiteboard").order_by("order").prefetch_related(
                "question__hints", "question__constraints", "question__rubric_items",
                Prefetch("submissions", queryset=Submission.objects.order_by("created_at", "id")),
            ),
        ),
        Prefetch(
            "events",
            queryset=RoundEvent.objects.filter(kind__in=SHOWING_EVENTS).order_by("created_at", "id"),
            to_attr="showing_events",
        ),
        Prefetch("notes", queryset=Note.objects.order_by("offset_seconds", "id")),
        "note_sheets",
    )


def session_rounds(session: InterviewSession, viewer) -> list[RoundRead]:
    """The rounds of `session` in which `viewer` has a role, in order."""
    rounds = session_rounds_queryset().filter(session=session).order_by("order")
    return _readable(session, rounds, viewer, live_candidate_question_ids(viewer), lambda r: r.showing_events)


def user_rounds_queryset():
    """Rounds with everything the JSON export carries, replay history included."""
    return Round.objects.select_related(
        "stage__loop__pack", "scorecard", "interviewer_feedback"
    ).order_by("order").prefetch_related(
        "stage__rubric_items",
        Prefetch(
            "questions",
            queryset=RoundQuestion.objects.select_related("question__pack", "whiteboard").order_by("order")
            .prefetch_related(
                "question__rubric_items",
                Prefetch("whiteboard_snapshots", queryset=WhiteboardSnapshot.objects.order_by("offset_seconds", "id")),
                Prefetch("snapshots", queryset=Snapshot.objects.order_by("created_at", "id")),
                Prefetch("submissions", queryset=Submission.objects.order_by("created_at", "id")),
            ),
        ),
        Prefetch("events", queryset=RoundEvent.objects.order_by("created_at", "id")),
        Prefetch("notes", queryset=Note.objects.order_by("offset_seconds", "id")),
        Prefetch("note_sheets", queryset=NoteSheet.objects.order_by("id")),
    )


def user_sessions(user) -> list[tuple[InterviewSession, list[RoundRead]]]:
    """Every session `user` took part in, oldest first, with the rounds they have a role in."""
    live_ids = live_candidate_question_ids(user)
    sessions = (
        InterviewSession.objects.filter(Q(owner=user) | Q(partner=user))
        .select_related("loop__pack")
        .prefetch_related(Prefetch("rounds", queryset=user_rounds_queryset()))
        .order_by("created_at", "id")
    )
    return [
        (session, _readable(session, session.rounds.all(), user, live_ids, lambda r: list(r.events.all())))
        for session in sessions
    ]
