"""Reads for the round pages (solo, candidate, interviewer, summary) and the session page: everything a
template needs, in a fixed number of queries."""

from __future__ import annotations

import json

from django.db.models import Prefetch
from django.utils import timezone

from questions.access import live_candidate_question_ids
from sessions.access import Role, round_visibility
from sessions.feedback.note_templates import RATING_SCALE
from sessions.feedback.selectors import feedback_form_rows, notes_context, scorecard_rows, sheet_view
from sessions.live.pads import pad_view
from sessions.models import InterviewerFeedback, InterviewSession, Note, NoteSheet, Round, RoundEvent, RoundQuestion, Scorecard, Submission
from sessions.paired.services import display_name
from sessions.rounds.score_header import score_header
from sessions.runs.own_cases import MAX_CASES


# How often each page's live region asks whether anything changed (milliseconds).
POLL_INTERVIEWER_MS = 400

POLL_CANDIDATE_MS = 700

POLL_WAITING_MS = 2000


def live_state(stage_round: Round) -> str:
    """What, when it changes, sends a live page to a different page (started, switched, ended, released)."""
    released = stage_round.status == Round.Status.FINISHED and Scorecard.objects.filter(
        round=stage_round, released_at__isnull=False
    ).exists()
    return f"{stage_round.status}.{stage_round.current_id or 0}.{stage_round.candidate_id or 0}.{int(released)}"


def live_query(stage_round: Round, page: str, *, shown: str = "") -> str:
    """The live poll's query string for a page rendered now (`page`: "round", "session" or "summary").

    `shown` is what a candidate's live region holds (see `candidate_shown`), so their own saves,
    which change the version, do not make their page re-render for nothing.
    """
    query = f"v={stage_round.version}&s={live_state(stage_round)}&p={page}"
    return f"{query}&f={shown}" if shown else query


def summary_settled(stage_round: Round) -> bool:
    """Nothing a paired summary's live region shows can change once the scorecard is released and the
    candidate's feedback is in: both are final."""
    return (
        Scorecard.objects.filter(round=stage_round, released_at__isnull=False).exists()
        and InterviewerFeedback.objects.filter(round=stage_round).exists()
    )


def candidate_shown(round_question: RoundQuestion) -> str:
    """What the candidate's live region shows of the question on screen: how many hints and constraints."""
    return f"{round_question.hints_revealed}.{round_question.constraints_revealed}"


def _revealed_constraints(current: RoundQuestion) -> tuple[list[dict], int]:
    reveal_offsets = list(
        RoundEvent.objects.filter(round_question=current, kind=RoundEvent.Kind.REVEAL_CONSTRAINT)
        .order_by("id")
        .values_list("offset_seconds", flat=True)
    )
    constraints = list(current.question.constraints.all())
    revealed = [
        {"number": i + 1, "text": c.text, "offset": reveal_offsets[i] if i < len(reveal_offsets) else None}
        for i, c in enumerate(constraints[: current.constraints_revealed])
    ]
    return revealed, len(constraints)


def _revealed_hints(current: RoundQuestion) -> tuple[list, int]:
    hints = list(current.question.hints.all())
    return hints[: current.hints_revealed], len(hints)


def _round_questions(stage_round: Round):
    return list(
        RoundQuestion.objects.filter(round=stage_round)
        .select_related("question")
        .prefetch_related("question__constraints", "question__starters", "question__hints")
        .order_by("order")
    )


def round_page_context(stage_round: Round, q: str | None) -> dict | None:
    """The round page for question number `q` (1-based; the current one when missing)."""
    questions = _round_questions(stage_round)
    if q in (None, ""):
        current = next((rq for rq in questions if rq.pk == stage_round.current_id), questions[0])
    else:
        if not str(q).isdigit() or not 1 <= int(q) <= len(questions):
            return None
        current = questions[int(q) - 1]
    for rq in questions:
        rq.round = stage_round
    question = current.question
    now = timezone.now()
    revealed, constraints_total = _revealed_constraints(current)
    hints, hints_total = _revealed_hints(current)
    role = getattr(stage_round, "role", Role.SOLO)
    answers_hidden = role == Role.SOLO and question.pk in live_candidate_question_ids(stage_round.session.owner)
    if answers_hidden:  # what was given before counts too: the live round's question shows nothing here
        revealed, hints = [], []
    latest = (
        Submission.objects.filter(round_question=current).order_by("-created_at", "-id").first()
        if question.is_coding else None
    )
    starters = {s.language: s.code for s in question.starters.all()}
    return {
        "round": stage_round,
        "session": stage_round.session,
        "questions": questions,
        "current": current,
        "number": current.order + 1,
        "question": question,
        "max_test_cases": MAX_CASES,
        "now": now,
        "remaining": stage_round.remaining_seconds(now),
        "role": role,
        "paired": role == Role.CANDIDATE,
        "pad": pad_view(stage_round, current, role),
        "answers_hidden": answers_hidden,
        "live_query": live_query(stage_round, "round", shown=candidate_shown(current)) if role == Role.CANDIDATE else "",
        "poll_ms": POLL_CANDIDATE_MS,
        "hints_revealed": hints,
        "hints_total": hints_total,
        "constraints_revealed": revealed,
        "constraints_total": constraints_total,
        **(notes_context(stage_round, stage_round.session.owner, current) if role == Role.SOLO else {}),
        "submission": latest,
        "examples": [t for t in question.tests.all() if not t.hidden] if question.is_coding else [],
        "starters_json": json.dumps(starters),
        "languages": sorted(starters) if starters else ["python"],
        "code": current.code or starters.get(current.language or "python", ""),
        "question_seconds": current.seconds_spent + (
            (now - stage_round.current_since).total_seconds()
            if stage_round.current_id == current.pk and stage_round.current_since else 0
        ),
        "grades": RoundQuestion.Grade.choices,
    }


def interview_page_context(stage_round: Round, q: str | None = None) -> dict:
    """The interviewer's page: the question with everything the candidate must not see, and the candidate's work."""
    questions = list(
        RoundQuestion.objects.filter(round=stage_round)
        .select_related("question")
        .prefetch_related("question__constraints", "question__hints", "question__rubric_items")
        .order_by("order")
    )
    current = next((rq for rq in questions if rq.pk == stage_round.current_id), questions[0])
    if q and str(q).isdigit() and 1 <= int(q) <= len(questions):
        current = questions[int(q) - 1]
    for rq in questions:
        rq.round = stage_round
    now = timezone.now()
    revealed, constraints_total = _revealed_constraints(current)
    hints = list(current.question.hints.all())
    constraints_all = list(current.question.constraints.all())
    # Edge case: the interviewer is meanwhile the candidate of another paired round on this question.
    answers_hidden = current.question_id in live_candidate_question_ids(stage_round.interviewer)
    if answers_hidden:  # the panels render on their own too (after a reveal, the constraints poll)
        hints, constraints_all, revealed = [], [], []
    return {
        "answers_hidden": answers_hidden,
        "round": stage_round,
        "session": stage_round.session,
        "questions": questions,
        "current": current,
        "number": current.order + 1,
        "question": current.question,
        "now": now,
        "remaining": stage_round.remaining_seconds(now),
        "candidate_name": display_name(stage_round.candidate),
        "constraints_all": constraints_all,
        "constraints_revealed": revealed,
        "constraints_total": constraints_total,
        "hints_all": hints,
        "hints_total": len(hints),
        "stage_rubric": list(stage_round.stage.rubric_items.all()) if stage_round.stage else [],
        "pad": pad_view(stage_round, current, Role.INTERVIEWER),
        "live_query": live_query(stage_round, "round"),
        "poll_ms": POLL_INTERVIEWER_MS,
        **candidate_work(stage_round, current),
        **notes_context(stage_round, stage_round.interviewer, current),
    }


def candidate_work(stage_round: Round, current: RoundQuestion) -> dict:
    """What the interviewer watches live: the candidate's answer to the question on screen and their runs."""
    current.refresh_from_db(fields=[*RoundQuestion.ANSWER_FIELDS, "language", "test_cases", "hints_revealed",
                                   "constraints_revealed"])
    runs = list(Submission.objects.filter(round_question=current).order_by("-created_at", "-id")[:5])
    return {"work": current, "runs": runs, "latest_run": runs[0] if runs else None}


def session_overview(session: InterviewSession, user) -> dict:
    rounds = list(session.rounds.select_related("stage").order_by("order"))
    next_round = next((r for r in rounds if r.status != Round.Status.FINISHED), None)
    context = {"session": session, "rounds": rounds, "next_round": next_round, "is_owner": session.owner_id == user.pk}
    if session.is_paired:
        for r in rounds:
            r.my_role = Role.INTERVIEWER if r.interviewer_id == user.pk else Role.CANDIDATE
            r.role = r.my_role  # as `sessions.access` sets it: the waiting page's call panel reads it
        context.update(
            partner_name=display_name(session.partner) if session.partner_id else None,
            owner_name=display_name(session.owner),
            live_query=live_query(next_round, "session") if next_round else "",
            live_round=next_round,
            poll_ms=POLL_WAITING_MS,
        )
    return context


def round_summary(stage_round: Round, user) -> dict:
    """The end-of-round page. A paired candidate sees no model answer or rubric, and the scorecard only once released."""
    role = getattr(stage_round, "role", Role.SOLO)
    runs = Prefetch("submissions", queryset=Submission.objects.order_by("created_at", "id"))
    questions = list(
        RoundQuestion.objects.filter(round=stage_round)
        .select_related("question")
        .prefetch_related(runs, "question__rubric_items", "question__constraints", "question__hints")
        .order_by("order")
    )
    rubric = list(stage_round.stage.rubric_items.all()) if stage_round.stage else []
    for item in rubric:
        item.rating = stage_round.self_assessment.get(str(item.pk))
    session = stage_round.session
    next_round = session.rounds.filter(order__gt=stage_round.order).order_by("order").first()
    visible = round_visibility(stage_round, role, viewer=user)
    for rq in questions:
        rq.show_answers = visible.answers_for(rq)
    scorecard = Scorecard.objects.filter(round=stage_round).first() if visible.scorecard else None
    shared_notes = []
    if role == Role.CANDIDATE and visible.notes_author_id:
        shared_notes = list(Note.objects.filter(round=stage_round, author_id=visible.notes_author_id))
    context = {
        "round": stage_round,
        "session": session,
        "role": role,
        "questions": questions,
        "rubric": rubric,
        "next_round": next_round,
        "used_seconds": stage_round.elapsed_seconds(timezone.now()),
        "ratings": list(RATING_SCALE),
        # Interviewer-only text on this page: model answers, rubrics, hints not given, the draft scorecard.
        "show_answers": visible.answers,
        "scorecard": scorecard,
        "scorecard_rows": scorecard_rows(stage_round, scorecard, hidden_for=user) if scorecard else [],
        "shared_notes": shared_notes,
        "interviewer_feedback": InterviewerFeedback.objects.filter(round=stage_round).first()
        if visible.interviewer_feedback else None,
        "feedback_rows": feedback_form_rows({}),
        "feedback_scale": InterviewerFeedback.SCALE,
        # An imported round never changes, nor a settled one: nothing to poll for.
        "live_query": live_query(stage_round, "summary")
        if session.is_paired and not session.is_imported and not summary_settled(stage_round) else "",
        "poll_ms": POLL_WAITING_MS,
    }
    context["scores"] = score_header(questions=questions, rubric=rubric, role=role, scorecard=scorecard,
                                     imported=session.is_imported)
    if role in (Role.SOLO, Role.INTERVIEWER):
        author = session.owner if role == Role.SOLO else stage_round.interviewer
        context.update(notes_context(stage_round, author, None))
        sheets = {
            sheet.round_question_id: sheet for sheet in NoteSheet.objects.filter(round=stage_round, author=author)
        }
        context["round_sheet"] = sheet_view(sheets.get(None))
        for rq in questions:
            rq.sheet_view = sheet_view(sheets.get(rq.pk))
    return context
