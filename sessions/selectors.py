"""Reads for the sessions pages: everything a template needs, in a fixed number of queries."""

from __future__ import annotations

import json

from django.db.models import Prefetch
from django.utils import timezone

from sessions.models import InterviewSession, Round, RoundEvent, RoundQuestion, Submission


def _round_questions(stage_round: Round):
    return list(
        RoundQuestion.objects.filter(round=stage_round)
        .select_related("question")
        .prefetch_related("question__constraints", "question__starters")
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
    reveal_offsets = list(
        RoundEvent.objects.filter(round_question=current, kind=RoundEvent.Kind.REVEAL_CONSTRAINT)
        .order_by("id")
        .values_list("offset_seconds", flat=True)
    )
    constraints = list(question.constraints.all())
    revealed = [
        {"number": i + 1, "text": c.text, "offset": reveal_offsets[i] if i < len(reveal_offsets) else None}
        for i, c in enumerate(constraints[: current.constraints_revealed])
    ]
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
        "now": now,
        "remaining": stage_round.remaining_seconds(now),
        "constraints_revealed": revealed,
        "constraints_total": len(constraints),
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


def session_overview(session: InterviewSession) -> dict:
    rounds = list(session.rounds.select_related("stage").order_by("order"))
    next_round = next((r for r in rounds if r.status != Round.Status.FINISHED), None)
    return {"session": session, "rounds": rounds, "next_round": next_round}


def round_summary(stage_round: Round) -> dict:
    runs = Prefetch("submissions", queryset=Submission.objects.order_by("created_at", "id"))
    questions = list(
        RoundQuestion.objects.filter(round=stage_round)
        .select_related("question")
        .prefetch_related(runs, "question__rubric_items", "question__constraints")
        .order_by("order")
    )
    rubric = list(stage_round.stage.rubric_items.all()) if stage_round.stage else []
    for item in rubric:
        item.rating = stage_round.self_assessment.get(str(item.pk))
    session = stage_round.session
    next_round = session.rounds.filter(order__gt=stage_round.order).order_by("order").first()
    return {
        "round": stage_round,
        "session": session,
        "questions": questions,
        "rubric": rubric,
        "next_round": next_round,
        "used_seconds": stage_round.elapsed_seconds(timezone.now()),
        "ratings": [(1, "Weak"), (2, "Mixed"), (3, "Solid"), (4, "Strong")],
    }
