"""One session as its viewer may read it, as one structure that both the Markdown writer (`markdown`) and the
print template (`sessions/print.html`) read, so the two formats cannot drift apart.

What the viewer may read is decided once per round by the read model (`read_model.read_round`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from sessions.access import ANSWERING, Role
from sessions.feedback.scorecards import RATING_LABELS, scorecard_rows
from sessions.models import InterviewSession, Note, NoteSheet, Round, RoundEvent, RoundQuestion
from sessions.feedback.note_templates import TEMPLATES
from sessions.portability.read_model import RoundRead, session_rounds
from sessions.paired.services import display_name
from sessions.whiteboard.selectors import board_svg, reference_svg

TAG_LABELS = dict(Note.Tag.choices)


# ---------------------------------------------------------------- one session, as the viewer may see it


@dataclass
class Reveal:
    number: int
    text: str
    offset: float | None  # on the round's clock; None when no event recorded it


@dataclass
class Run:
    at: datetime
    kind: str
    language: str
    verdict: str
    passed: int | None
    total: int | None
    time_ms: int | None


@dataclass
class SheetExport:
    title: str
    sections: list[tuple[str, str, float | None]]  # (label, Markdown, stamp)
    ratings: list[tuple[str, int | None]]


@dataclass
class QuestionExport:
    number: int
    title: str
    kind: str
    kind_label: str
    prompt: str
    answer: str
    code: str
    language: str
    star: list[tuple[str, str]]  # behavioural answers: (label, text)
    seconds_spent: float
    self_grade: str
    runs: list[Run]
    hints: list[Reveal]
    hints_not_given: list[Reveal]  # only for those who may see answers
    constraints: list[Reveal]
    constraints_not_given: list[Reveal]
    model_answer: str  # "" unless the viewer may see it now
    model_answer_label: str
    rubric: list[str]
    sheet: SheetExport | None
    whiteboard_svg: str = ""  # the board as the server draws it (sessions.whiteboard.svg); "" if none
    test_cases: list = field(default_factory=list)  # coding: the person's own cases, RoundQuestion.test_cases
    reference_svg: str = ""  # the pack's reference diagram, where the model answer shows once the round is over

    @property
    def code_markdown(self) -> str:
        """The code as a fenced block, for the Markdown renderer to highlight."""
        return fence(self.code, self.language)


@dataclass
class NoteExport:
    offset: float
    tags: list[str]  # labels
    body: str
    question: int | None  # number of the question it was taken on


@dataclass
class ScorecardExport:
    rows: list[tuple[str, str]]  # (rubric item, rating label)
    recommendation: str
    feedback: str
    released_at: datetime | None


@dataclass
class InterviewerFeedbackExport:
    rows: list[tuple[str, str]]  # (statement, "rating · label")
    comments: str
    sent_at: datetime


@dataclass
class RoundExport:
    number: int
    title: str
    stage_kind: str
    role: Role
    interviewer: str
    candidate: str
    status: str
    end_reason: str
    started_at: datetime | None
    used_seconds: float
    duration_seconds: int
    questions: list[QuestionExport]
    self_assessment: list[tuple[str, int | None]] = field(default_factory=list)
    reflection: str = ""
    scorecard: ScorecardExport | None = None
    notes_title: str = ""
    notes: list[NoteExport] = field(default_factory=list)
    sheet: SheetExport | None = None
    interviewer_feedback: InterviewerFeedbackExport | None = None


@dataclass
class SessionExport:
    title: str
    mode: str
    created_at: datetime
    loop: str
    viewer: str
    rounds: list[RoundExport]
    imported_at: datetime | None = None  # set: a record imported from another instance, never live here


def session_export(session: InterviewSession, viewer) -> SessionExport:
    """The session as `viewer` may see it; rounds in which the viewer has no role are left out."""
    return SessionExport(
        title=session.title,
        mode=session.get_mode_display(),
        created_at=timezone.localtime(session.created_at),
        loop=session.loop.name if session.loop_id and session.loop else "",
        viewer=display_name(viewer),
        rounds=[_round_export(read) for read in session_rounds(session, viewer)],
        imported_at=timezone.localtime(session.imported_at) if session.imported_at else None,
    )


def _person(user) -> str:
    return display_name(user) if user is not None else "(someone not on this instance)"


def _round_export(read: RoundRead) -> RoundExport:
    stage_round, role, visible = read.round, read.role, read.visible
    finished = stage_round.status == Round.Status.FINISHED
    reveals = read.reveal_offsets()
    questions = [
        _question_export(rq, read, finished=finished, reveals=reveals, sheet=read.sheet_for(rq.pk))
        for rq in read.questions
    ]
    numbers = {rq.pk: rq.order + 1 for rq in read.questions}
    export = RoundExport(
        number=stage_round.order + 1,
        title=stage_round.title,
        stage_kind=stage_round.stage.get_kind_display() if stage_round.stage else stage_round.stage_kind,
        role=role,
        interviewer=_person(stage_round.interviewer) if stage_round.session.is_paired else "",
        candidate=_person(stage_round.candidate) if stage_round.session.is_paired else "",
        status=stage_round.get_status_display(),
        end_reason=stage_round.get_end_reason_display() if stage_round.end_reason else "",
        started_at=timezone.localtime(stage_round.started_at) if stage_round.started_at else None,
        used_seconds=stage_round.elapsed_seconds(timezone.now()),
        duration_seconds=stage_round.duration_seconds,
        questions=questions,
        sheet=_sheet_export(read.sheet_for(None)),
    )
    if role in ANSWERING and stage_round.assessed_at is not None:
        export.self_assessment = [
            (item.text if read.rubric_named else f"Rubric item {i}", stage_round.self_assessment.get(str(item.pk)))
            for i, item in enumerate(read.stage_rubric, start=1)
        ]
        export.reflection = stage_round.reflection
    scorecard = read.scorecard
    if scorecard is not None:
        export.scorecard = ScorecardExport(
            rows=[(row["text"], row["label"]) for row in scorecard_rows(read.scorecard_entries, scorecard)],
            recommendation=RATING_LABELS.get(scorecard.recommendation, ""),
            feedback=scorecard.feedback,
            released_at=timezone.localtime(scorecard.released_at) if scorecard.released_at else None,
        )
    feedback = read.interviewer_feedback
    if feedback is not None:
        export.interviewer_feedback = InterviewerFeedbackExport(
            rows=[(text, f"{rating} · {label}" if rating else label) for text, rating, label in feedback.rows()],
            comments=feedback.comments,
            sent_at=timezone.localtime(feedback.sent_at),
        )
    if visible.notes_author_id is not None:
        export.notes_title = {
            Role.SOLO: "Notes on your answers",
            Role.INTERVIEWER: "Your notes",
            Role.CANDIDATE: "Your interviewer's notes",
        }[role]
        export.notes = [
            NoteExport(
                offset=note.offset_seconds,
                tags=[TAG_LABELS[tag] for tag in note.tags if tag in TAG_LABELS],
                body=note.body,
                question=numbers.get(note.round_question_id),
            )
            for note in read.notes
        ]
    return export


def _question_export(rq: RoundQuestion, read: RoundRead, *, finished: bool, reveals: dict, sheet) -> QuestionExport:
    question, visible = rq.question, read.visible
    hints = list(question.hints.all())
    constraints = list(question.constraints.all())
    hint_offsets = reveals.get((rq.pk, RoundEvent.Kind.REVEAL_HINT), [])
    constraint_offsets = reveals.get((rq.pk, RoundEvent.Kind.REVEAL_CONSTRAINT), [])

    def ladder(items, given: int, offsets):
        return [
            Reveal(i + 1, item.text, offsets[i] if i < len(offsets) and i < given else None)
            for i, item in enumerate(items)
        ]

    # What was given stays hidden too where the live-candidate rule withholds the question (`given_for`).
    given = visible.given_for(rq)
    all_hints = ladder(hints, rq.hints_revealed, hint_offsets) if given else []
    all_constraints = ladder(constraints, rq.constraints_revealed, constraint_offsets) if given else []
    # Interviewers read everything at any time; a solo user once the round is over, as the round page allows
    # (a model answer they revealed, already during the round).
    answers = visible.answers_for(rq)
    everything = answers and (visible.role == Role.INTERVIEWER or finished)
    show_answer = everything or (answers and rq.model_answer_revealed_at is not None)
    behavioural = question.kind == question.Kind.BEHAVIORAL
    model_answer = (question.strong_answer if behavioural else question.model_answer) if show_answer else ""
    return QuestionExport(
        number=rq.order + 1,
        title=question.title,
        kind=question.kind,
        kind_label=question.get_kind_display(),
        prompt=question.prompt,
        answer=rq.answer,
        code=rq.code,
        test_cases=list(rq.test_cases or []),
        language=rq.language,
        star=[("Situation", rq.situation), ("Task", rq.task), ("Action", rq.action), ("Result", rq.result)]
        if behavioural else [],
        seconds_spent=rq.seconds_spent,
        self_grade=rq.get_self_grade_display() if rq.self_grade else "",
        runs=[
            Run(
                at=timezone.localtime(s.created_at), kind=s.get_kind_display(), language=s.language,
                verdict=s.verdict or s.get_status_display(),
                passed=s.results.get("passed") if s.results.get("total") else None,
                total=s.results.get("total") or None, time_ms=s.time_ms,
            )
            for s in rq.submissions.all()
        ],
        hints=all_hints[: rq.hints_revealed],
        hints_not_given=all_hints[rq.hints_revealed:] if everything else [],
        constraints=all_constraints[: rq.constraints_revealed],
        constraints_not_given=all_constraints[rq.constraints_revealed:] if everything else [],
        model_answer=model_answer,
        model_answer_label="What a strong answer shows" if behavioural else "Model answer",
        rubric=[item.text for item in question.rubric_items.all()] if show_answer else [],
        sheet=_sheet_export(sheet),
        whiteboard_svg=board_svg(rq) if question.kind == question.Kind.DESIGN else "",
        reference_svg=reference_svg(question) if everything else "",
    )


def _sheet_export(sheet: NoteSheet | None) -> SheetExport | None:
    template = TEMPLATES.get(sheet.template) if sheet else None
    if template is None:
        return None
    return SheetExport(
        title=template.title,
        sections=[(x.label, sheet.fields.get(x.key, ""), sheet.stamps.get(x.key)) for x in template.sections],
        ratings=[(x.label, sheet.ratings.get(x.key)) for x in template.competencies],
    )


def fence(text: str, language: str = "") -> str:
    """A fenced code block that the text itself cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{language}\n{text.rstrip(chr(10))}\n{marks}"
