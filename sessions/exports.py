"""Exports of what users did: one session as Markdown or a printable page, and all of a user's data as JSON.

Everything here is a read. Each round goes through `round_visibility` with the viewer's
role in it, so an export never shows more than the review pages would: a paired
candidate gets no model answers, rubric text, hints or constraints not given, draft
feedback or notes unless the interviewer released them, and while the round runs only the
questions put on screen; and nobody's own rounds show the interviewer-only text of a
question they are the live candidate of elsewhere (`Visibility.answers_for`).

`session_export` builds one structure that both the Markdown writer and the print
template read, so the two formats cannot drift apart. `user_data` is the JSON document
that `sessions.services.data_import.user_data_import` reads back on another instance;
questions and stages are referenced by their pack slugs there, never by database ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from questions.access import live_candidate_question_ids
from sessions.access import ANSWERING, Role, Visibility, round_role, round_visibility
from sessions.feedback.note_templates import TEMPLATES
from sessions.models import (
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
from sessions.paired.services import display_name
from sessions.templatetags.clock import mmss

FORMAT = "interviewprep-export"
VERSION = 1

RATING_LABELS = dict(Scorecard.Rating.choices)
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

    @property
    def code_markdown(self) -> str:
        """The code as a fenced block, for the Markdown renderer to highlight."""
        return _fence(self.code, self.language)


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


# The events that put something in front of the candidate: a hint, a constraint, a question.
SHOWING_EVENTS = (RoundEvent.Kind.REVEAL_HINT, RoundEvent.Kind.REVEAL_CONSTRAINT, RoundEvent.Kind.SWITCH)


def _export_rounds_queryset():
    rounds = Round.objects.select_related(
        "stage", "scorecard", "interviewer_feedback", "interviewer__guest", "candidate__guest"
    )
    return rounds.prefetch_related(
        "stage__rubric_items",
        Prefetch(
            "questions",
            queryset=RoundQuestion.objects.select_related("question").order_by("order").prefetch_related(
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


def session_export(session: InterviewSession, viewer) -> SessionExport:
    """The session as `viewer` may see it; rounds in which the viewer has no role are left out."""
    rounds = []
    live_ids = live_candidate_question_ids(viewer)
    for stage_round in _export_rounds_queryset().filter(session=session).order_by("order"):
        stage_round.session = session
        role = round_role(viewer, stage_round)
        if role is not None:
            rounds.append(_round_export(stage_round, role, live_ids))
    return SessionExport(
        title=session.title,
        mode=session.get_mode_display(),
        created_at=timezone.localtime(session.created_at),
        loop=session.loop.name if session.loop_id and session.loop else "",
        viewer=display_name(viewer),
        rounds=rounds,
        imported_at=timezone.localtime(session.imported_at) if session.imported_at else None,
    )


def _person(user) -> str:
    return display_name(user) if user is not None else "(someone not on this instance)"


def _round_export(stage_round: Round, role: Role, live_ids: set[int]) -> RoundExport:
    visible = round_visibility(stage_round, role, live_ids=live_ids, events=stage_round.showing_events,
                               questions=stage_round.questions.all())
    finished = stage_round.status == Round.Status.FINISHED
    reveals = {}
    for event in stage_round.showing_events:
        reveals.setdefault((event.round_question_id, event.kind), []).append(event.offset_seconds)
    sheets = {
        sheet.round_question_id: sheet for sheet in stage_round.note_sheets.all()
        if visible.notes_author_id is not None and sheet.author_id == visible.notes_author_id
    }
    round_questions = [rq for rq in stage_round.questions.all() if visible.shows(rq)]
    questions = [
        _question_export(rq, visible, finished=finished, reveals=reveals, sheet=sheets.get(rq.pk))
        for rq in round_questions
    ]
    numbers = {rq.pk: rq.order + 1 for rq in round_questions}
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
        sheet=_sheet_export(sheets.get(None)),
    )
    if role in ANSWERING and stage_round.assessed_at is not None:
        # The stage's rubric names the items; a paired candidate reads it only in released feedback.
        rubric = list(stage_round.stage.rubric_items.all()) if stage_round.stage else []
        named = visible.answers or visible.scorecard
        export.self_assessment = [
            (item.text if named else f"Rubric item {i}", stage_round.self_assessment.get(str(item.pk)))
            for i, item in enumerate(rubric, start=1)
        ]
        export.reflection = stage_round.reflection
    if visible.scorecard:
        scorecard = stage_round.scorecard_or_none
        if scorecard is not None:
            items = _scorecard_items(stage_round, scorecard, visible)
            export.scorecard = ScorecardExport(
                # Released: the items rated (unreached questions may be left out); a draft shows what is left.
                rows=[(text, RATING_LABELS.get(rating, "")) for _, text, rating in items
                      if rating or scorecard.released_at is None],
                recommendation=RATING_LABELS.get(scorecard.recommendation, ""),
                feedback=scorecard.feedback,
                released_at=timezone.localtime(scorecard.released_at) if scorecard.released_at else None,
            )
    feedback = stage_round.interviewer_feedback_or_none if visible.interviewer_feedback else None
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
            for note in stage_round.notes.all() if note.author_id == visible.notes_author_id
        ]
    return export


def _question_export(rq: RoundQuestion, visible: Visibility, *, finished: bool, reveals: dict, sheet) -> QuestionExport:
    question = rq.question
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


WITHHELD = "(hidden while you are the candidate of a round on this question)"


def _scorecard_items(stage_round: Round, scorecard: Scorecard | None, visible: Visibility) -> list[tuple[str, str, str]]:
    """What the scorecard rates, from prefetched rows: (key, text, rating); keys as `scorecard_items` makes them.

    A question's rubric text is withheld where `visible` withholds the question (the live-candidate rule)."""
    items = []
    if stage_round.stage:
        items += [(f"stage:{item.pk}", item.text) for item in stage_round.stage.rubric_items.all()]
    for rq in stage_round.questions.all():
        withheld = visible.withholds(rq.question_id)
        items += [(f"question:{item.pk}", WITHHELD if withheld else item.text) for item in rq.question.rubric_items.all()]
    ratings = scorecard.ratings if scorecard else {}
    return [(key, text, ratings.get(key, "")) for key, text in items]


# ---------------------------------------------------------------- Markdown


def _fence(text: str, language: str = "") -> str:
    """A fenced code block that the text itself cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip(chr(10))}\n{fence}"


def _cell(text) -> str:
    """Text that stays inside one table cell."""
    return " ".join(str(text).split()).replace("|", "\\|") or "—"


def _block(text: str, empty: str = "*Nothing written.*") -> str:
    text = text.strip()
    return text if text else empty


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z") if moment else "—"


def _reveal_lines(reveals: list[Reveal]) -> list[str]:
    lines = []
    for reveal in reveals:
        stamp = f" *(at {mmss(reveal.offset)})*" if reveal.offset is not None else ""
        body = "\n   ".join(reveal.text.strip().splitlines())
        lines.append(f"{reveal.number}. {body}{stamp}")
    return lines


def _sheet_lines(sheet: SheetExport, level: str) -> list[str]:
    lines = [f"{level} {sheet.title} notes", ""]
    for label, text, stamp in sheet.sections:
        lines += [f"**{label}**" + (f" *(from {mmss(stamp)})*" if stamp is not None else ""), "", _block(text, "—"), ""]
    if sheet.ratings:
        lines += [
            " · ".join(f"{label}: {rating if rating is not None else '—'}" for label, rating in sheet.ratings)
            + " (1 weak to 4 strong)",
            "",
        ]
    return lines


def session_markdown(session: InterviewSession, viewer) -> str:
    """The session as Markdown: questions, answers, code, runs, reveals and the feedback the viewer may read."""
    return export_markdown(session_export(session, viewer))


def export_markdown(export: SessionExport) -> str:
    lines = [f"# {export.title}", ""]
    lines += [f"- Mode: {export.mode}"]
    if export.loop:
        lines += [f"- Loop: {export.loop}"]
    lines += [f"- Created: {_when(export.created_at)}", f"- Exported for: {export.viewer}", ""]
    if export.imported_at:
        lines += [f"> **Imported** {_when(export.imported_at)} from another instance: these rounds were not "
                  "taken here, and any scorecard in them was not written by anyone here.", ""]
    if not export.rounds:
        lines += ["*No rounds to show.*", ""]
    for r in export.rounds:
        lines += _round_lines(r, imported=export.imported_at is not None)
    return "\n".join(lines).rstrip("\n") + "\n"


def _round_lines(r: RoundExport, *, imported: bool = False) -> list[str]:
    lines = [f"## Round {r.number}: {r.title}" + (" (imported)" if imported else ""), ""]
    lines += [f"- Stage: {r.stage_kind}"]
    if r.interviewer or r.candidate:
        lines += [f"- Interviewer: {r.interviewer}", f"- Candidate: {r.candidate}", f"- Your role: {r.role.value}"]
    status = r.status + (f" ({r.end_reason.lower()})" if r.end_reason else "")
    lines += [
        f"- Status: {status}",
        f"- Started: {_when(r.started_at)}",
        f"- Time used: {mmss(r.used_seconds)} of {mmss(r.duration_seconds)}",
        "",
    ]
    for q in r.questions:
        lines += _question_lines(q)
    if r.sheet:
        lines += _sheet_lines(r.sheet, "###")
    if r.self_assessment or r.reflection:
        lines += ["### Self-assessment", ""]
        if r.self_assessment:
            lines += ["| Rubric item | Rating (1 weak to 4 strong) |", "| --- | --- |"]
            lines += [f"| {_cell(text)} | {_cell(rating or '')} |" for text, rating in r.self_assessment]
            lines += [""]
        if r.reflection.strip():
            lines += ["**What I would do differently**", "", r.reflection.strip(), ""]
    if r.scorecard:
        card = r.scorecard
        state = f"released {_when(card.released_at)}" if card.released_at else "draft, not released"
        lines += [f"### {'Imported scorecard' if imported else 'Feedback'} ({state})", ""]
        if card.rows:
            lines += ["| Rubric item | Rating |", "| --- | --- |"]
            lines += [f"| {_cell(text)} | {_cell(label)} |" for text, label in card.rows]
            lines += [""]
        lines += [f"**Overall recommendation:** {card.recommendation or '—'}", "", _block(card.feedback), ""]
    if r.interviewer_feedback:
        sent = r.interviewer_feedback
        lines += [f"### The candidate's feedback on the interview (sent {_when(sent.sent_at)})", ""]
        lines += ["| Statement | Rating (1 not at all to 4 fully) |", "| --- | --- |"]
        lines += [f"| {_cell(text)} | {_cell(rating)} |" for text, rating in sent.rows]
        lines += ["", _block(sent.comments, "*No comments.*"), ""]
    if r.notes_title:
        lines += [f"### {r.notes_title}", ""]
        if not r.notes:
            lines += ["*No notes.*", ""]
        for note in r.notes:
            head = f"- **{mmss(note.offset)}**"
            if note.question:
                head += f" (question {note.question})"
            if note.tags:
                head += " " + ", ".join(f"*{tag}*" for tag in note.tags)
            body = note.body.strip()
            lines.append(head + (":" if body else ""))
            if body:
                lines += ["", *("  " + line if line else "" for line in body.splitlines()), ""]
        lines += [""]
    return lines


def _question_lines(q: QuestionExport) -> list[str]:
    lines = [f"### {q.number}. {q.title} ({q.kind_label})", ""]
    meta = f"Time on it: {mmss(q.seconds_spent)}"
    if q.self_grade:
        meta += f" · self-grade: {q.self_grade}"
    lines += [f"*{meta}*", "", "#### Question", "", q.prompt.strip(), ""]
    if q.hints:
        lines += ["#### Hints given", "", *_reveal_lines(q.hints), ""]
    if q.hints_not_given:
        lines += ["#### Hints not given", "", *_reveal_lines(q.hints_not_given), ""]
    if q.constraints:
        lines += ["#### Constraints given", "", *_reveal_lines(q.constraints), ""]
    if q.constraints_not_given:
        lines += ["#### Constraints not reached", "", *_reveal_lines(q.constraints_not_given), ""]
    if q.kind == "coding":
        lines += [f"#### Final code ({q.language or 'no language'})", ""]
        lines += [q.code_markdown if q.code.strip() else "*No code written.*", ""]
        lines += ["#### Runs", ""]
        if q.runs:
            lines += ["| When | What | Language | Verdict | Tests | Time |", "| --- | --- | --- | --- | --- | --- |"]
            for run in q.runs:
                tests = f"{run.passed}/{run.total}" if run.total else "—"
                time = f"{run.time_ms} ms" if run.time_ms is not None else "—"
                lines.append(
                    f"| {run.at:%H:%M:%S} | {run.kind} | {run.language} | {_cell(run.verdict)} | {tests} | {time} |"
                )
        else:
            lines += ["*No runs.*"]
        lines += [""]
    elif q.star:
        lines += ["#### Answer", ""]
        for label, text in q.star:
            lines += [f"**{label}**", "", _block(text, "—"), ""]
    else:
        lines += ["#### Answer", "", _block(q.answer, "*No answer written.*"), ""]
    if q.model_answer.strip():
        lines += [f"#### {q.model_answer_label}", "", q.model_answer.strip(), ""]
    if q.rubric:
        lines += ["#### Rubric", "", *(f"- {_cell(text)}" for text in q.rubric), ""]
    if q.sheet:
        lines += _sheet_lines(q.sheet, "####")
    return lines


# ---------------------------------------------------------------- all of a user's data, as JSON


def _moment(value: datetime | None) -> str | None:
    """Full precision, in UTC: the import matches sessions on their creation time."""
    return value.astimezone(UTC).isoformat() if value else None


def question_ref(question) -> dict:
    return {"pack": question.pack.slug, "slug": question.slug, "title": question.title}


def stage_ref(stage) -> dict | None:
    if stage is None:
        return None
    return {"pack": stage.loop.pack.slug, "loop": stage.loop.slug, "slug": stage.slug, "title": stage.title}


def loop_ref(loop) -> dict | None:
    if loop is None:
        return None
    return {"pack": loop.pack.slug, "slug": loop.slug, "name": loop.name}


def rubric_keys(stage_round: Round) -> dict[str, str]:
    """Scorecard keys of this database ("stage:<pk>", "question:<pk>") to portable ones ("stage/1", "question/2/1").

    Rubric items are numbered from 1 in their order; a question's items go with the question's number in the round.
    """
    keys = {}
    if stage_round.stage:
        for i, item in enumerate(stage_round.stage.rubric_items.all(), start=1):
            keys[f"stage:{item.pk}"] = f"stage/{i}"
    for rq in stage_round.questions.all():
        for i, item in enumerate(rq.question.rubric_items.all(), start=1):
            keys[f"question:{item.pk}"] = f"question/{rq.order + 1}/{i}"
    return keys


def _user_data_sessions(user):
    rounds = Round.objects.select_related(
        "stage__loop__pack", "scorecard", "interviewer_feedback"
    ).order_by("order").prefetch_related(
        "stage__rubric_items",
        Prefetch(
            "questions",
            queryset=RoundQuestion.objects.select_related("question__pack").order_by("order").prefetch_related(
                "question__rubric_items",
                Prefetch("snapshots", queryset=Snapshot.objects.order_by("created_at", "id")),
                Prefetch("submissions", queryset=Submission.objects.order_by("created_at", "id")),
            ),
        ),
        Prefetch("events", queryset=RoundEvent.objects.order_by("created_at", "id")),
        Prefetch("notes", queryset=Note.objects.order_by("offset_seconds", "id")),
        Prefetch("note_sheets", queryset=NoteSheet.objects.order_by("id")),
    )
    return (
        InterviewSession.objects.filter(Q(owner=user) | Q(partner=user))
        .select_related("loop__pack")
        .prefetch_related(Prefetch("rounds", queryset=rounds))
        .order_by("created_at", "id")
    )


def user_data(user, *, now: datetime | None = None) -> dict:
    """Every session `user` took part in, with what they may read of each round, as a JSON-ready dict."""
    now = now or timezone.now()
    live_ids = live_candidate_question_ids(user)
    sessions = []
    for session in _user_data_sessions(user):
        rounds = []
        for stage_round in session.rounds.all():
            stage_round.session = session
            role = round_role(user, stage_round)
            if role is not None:
                rounds.append(_round_data(stage_round, role, user, live_ids))
        sessions.append({
            "id": session.pk,
            "title": session.title,
            "mode": session.mode,
            "created_at": _moment(session.created_at),
            "loop": loop_ref(session.loop),
            # Kept through a re-import: every import marks what it creates, and this says it was so here.
            "imported": session.is_imported,
            "rounds": rounds,
        })
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _moment(now),
        "user": {"username": user.get_username(), "name": display_name(user)},
        "sessions": sessions,
    }


def _round_data(stage_round: Round, role: Role, user, live_ids: set[int]) -> dict:
    visible = round_visibility(stage_round, role, live_ids=live_ids, events=stage_round.events.all(),
                               questions=stage_round.questions.all())
    round_questions = [rq for rq in stage_round.questions.all() if visible.shows(rq)]
    orders = {rq.pk: rq.order for rq in round_questions}
    keys = rubric_keys(stage_round)
    data = {
        "order": stage_round.order,
        "role": role.value,
        "title": stage_round.title,
        "stage": stage_ref(stage_round.stage),
        "stage_kind": stage_round.stage_kind,
        "duration_seconds": stage_round.duration_seconds,
        "status": stage_round.status,
        "started_at": _moment(stage_round.started_at),
        "paused_at": _moment(stage_round.paused_at),
        "paused_seconds": stage_round.paused_seconds,
        "ended_at": _moment(stage_round.ended_at),
        "end_reason": stage_round.end_reason,
        "current": orders.get(stage_round.current_id),
        "current_since": _moment(stage_round.current_since),
        "self_assessment": None,
        "questions": [_round_question_data(rq, user) for rq in round_questions],
        "events": [
            {
                "kind": event.kind,
                "question": orders.get(event.round_question_id),
                "detail": event.detail,
                "created_at": _moment(event.created_at),
                "offset_seconds": event.offset_seconds,
            }
            for event in stage_round.events.all()
            # Events on a question the viewer may not see yet (a constraint given ahead) are left out with it.
            if event.round_question_id is None or event.round_question_id in orders
        ],
        "notes": [],
        "note_sheets": [],
        "scorecard": None,
        "interviewer_feedback": None,
    }
    if role in ANSWERING:
        # Rubric text only where the viewer may read it; the position alone is what the import needs.
        named = visible.answers or visible.scorecard
        rubric = list(stage_round.stage.rubric_items.all()) if stage_round.stage else []
        data["self_assessment"] = {
            "ratings": [
                {"item": i, "text": item.text if named else None, "rating": stage_round.self_assessment[str(item.pk)]}
                for i, item in enumerate(rubric, start=1) if str(item.pk) in stage_round.self_assessment
            ],
            "reflection": stage_round.reflection,
            "assessed_at": _moment(stage_round.assessed_at),
        }
    author = visible.notes_author_id
    if author is not None:
        data["notes"] = [
            {
                "question": orders.get(note.round_question_id),
                "body": note.body,
                "tags": list(note.tags),
                "offset_seconds": note.offset_seconds,
                "created_at": _moment(note.created_at),
                "updated_at": _moment(note.updated_at),
                "mine": note.author_id == user.pk,
            }
            for note in stage_round.notes.all() if note.author_id == author
        ]
        data["note_sheets"] = [
            {
                "question": orders.get(sheet.round_question_id),
                "template": sheet.template,
                "fields": sheet.fields,
                "ratings": sheet.ratings,
                "stamps": sheet.stamps,
                "updated_at": _moment(sheet.updated_at),
                "mine": sheet.author_id == user.pk,
            }
            for sheet in stage_round.note_sheets.all() if sheet.author_id == author
        ]
    scorecard = stage_round.scorecard_or_none if visible.scorecard else None
    if scorecard is not None:
        texts = {key: text for key, text, _ in _scorecard_items(stage_round, None, visible)}
        data["scorecard"] = {
            "ratings": [
                {"item": portable, "text": texts[key], "rating": scorecard.ratings[key]}
                for key, portable in keys.items() if key in scorecard.ratings
            ],
            "recommendation": scorecard.recommendation,
            "feedback": scorecard.feedback,
            "share_notes": scorecard.share_notes,
            "updated_at": _moment(scorecard.updated_at),
            "released_at": _moment(scorecard.released_at),
            "mine": scorecard.interviewer_id == user.pk,
        }
    feedback = stage_round.interviewer_feedback_or_none if visible.interviewer_feedback else None
    if feedback is not None:
        data["interviewer_feedback"] = {
            "ratings": dict(feedback.ratings),
            "comments": feedback.comments,
            "sent_at": _moment(feedback.sent_at),
        }
    return data


def _round_question_data(rq: RoundQuestion, user) -> dict:
    return {
        "order": rq.order,
        "question": question_ref(rq.question),
        **{name: getattr(rq, name) for name in RoundQuestion.ANSWER_FIELDS},
        "language": rq.language,
        "model_answer_revealed_at": _moment(rq.model_answer_revealed_at),
        "constraints_revealed": rq.constraints_revealed,
        "hints_revealed": rq.hints_revealed,
        "self_grade": rq.self_grade,
        "graded_at": _moment(rq.graded_at),
        "seconds_spent": rq.seconds_spent,
        "updated_at": _moment(rq.updated_at),
        "snapshots": [
            {
                "field": snapshot.field,
                "content": snapshot.content,
                "created_at": _moment(snapshot.created_at),
                "offset_seconds": snapshot.offset_seconds,
            }
            for snapshot in rq.snapshots.all()
        ],
        # `results` is stored without hidden tests' text (the judge strips it), so it can go as it is.
        "submissions": [
            {
                "kind": s.kind,
                "language": s.language,
                "source": s.source,
                "stdin": s.stdin,
                "status": s.status,
                "verdict": s.verdict,
                "stdout": s.stdout,
                "stderr": s.stderr,
                "compile_output": s.compile_output,
                "results": s.results,
                "time_ms": s.time_ms,
                "wall_ms": s.wall_ms,
                "memory_kb": s.memory_kb,
                "message": s.message,
                "created_at": _moment(s.created_at),
                "started_at": _moment(s.started_at),
                "finished_at": _moment(s.finished_at),
                "mine": s.user_id == user.pk,
            }
            for s in rq.submissions.all()
        ],
    }
