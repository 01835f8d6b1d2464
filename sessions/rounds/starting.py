"""Starting solo practice: a session of one stage, one question or a whole loop, with its questions drawn."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from questions.models import InterviewLoop, Question, Stage
from sessions.models import InterviewSession, Round, RoundQuestion
from sessions.rounds.clock import round_start


# Questions answered within this many days are drawn only when nothing fresher is left.
RECENT_DAYS = 14


def session_start(
    *,
    owner,
    stage: Stage | None = None,
    loop: InterviewLoop | None = None,
    question: Question | None = None,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> InterviewSession:
    """Create a solo session and start its first round.

    With `loop`: one round per stage round, in order (later rounds wait behind a break screen).
    With `stage`: one round of that stage, its questions drawn for the user.
    With `question` (and optionally `stage`): one round of that question alone.
    """
    now = now or timezone.now()
    rng = rng or random.Random()
    if question is not None:
        stage = stage or question.stages.select_related("loop").order_by("loop__order", "order").first()
        if stage is None:
            raise ValidationError("This question belongs to no stage, so it cannot be practised in a round.")
        plan = [(stage, [question])]
        title = f"{question.title} ({stage.title})"
    elif stage is not None:
        plan = [(stage, draw_questions(owner=owner, stage=stage, now=now, rng=rng))]
        title = f"{stage.loop.name}: {stage.title}"
    elif loop is not None:
        plan, used = [], set()
        for loop_stage in loop.stages.order_by("order"):
            for _ in range(loop_stage.rounds):
                drawn = draw_questions(owner=owner, stage=loop_stage, now=now, rng=rng, exclude=used)
                used.update(q.pk for q in drawn)
                plan.append((loop_stage, drawn))
        title = loop.name
    else:
        raise ValidationError("Choose a loop, a stage or a question to practise.")
    if any(not questions for _, questions in plan):
        empty = next(stage for stage, questions in plan if not questions)
        raise ValidationError(f"The stage “{empty.title}” has no questions yet.")

    with transaction.atomic():
        session = InterviewSession.objects.create(
            owner=owner, loop=loop or (stage.loop if stage else None), title=title
        )
        for order, (round_stage, questions) in enumerate(plan):
            stage_round = Round.objects.create(
                session=session,
                stage=round_stage,
                order=order,
                title=round_stage.title if len(plan) == 1 or round_stage.rounds == 1
                else f"{round_stage.title} ({sum(1 for s, _ in plan[:order + 1] if s == round_stage)} of {round_stage.rounds})",
                stage_kind=round_stage.kind,
                duration_seconds=round_stage.duration_minutes * 60,
            )
            questions_add(round=stage_round, questions=questions)
        round_start(round=session.rounds.order_by("order").first(), now=now)
    return session


def questions_add(*, round: Round, questions: list[Question]) -> None:
    """Put questions into a round, in order; coding ones start in Python."""
    RoundQuestion.objects.bulk_create(
        RoundQuestion(round=round, question=q, order=i, language="python" if q.kind == Question.Kind.CODING else "")
        for i, q in enumerate(questions)
    )


def draw_questions(
    *, owner, stage: Stage, now: datetime, rng: random.Random, exclude: set[int] = frozenset()
) -> list[Question]:
    """Pick the stage's questions for this user: never seen first, then least recently seen."""
    candidates = list(stage.questions.exclude(pk__in=exclude))
    if not candidates:
        candidates = list(stage.questions.all())
    last_seen = dict(
        RoundQuestion.objects.filter(round__session__owner=owner, question__in=candidates)
        .values_list("question_id")
        .annotate(last=Max("round__started_at"))
    )
    recent_cutoff = now - timedelta(days=RECENT_DAYS)

    def freshness(question: Question):
        seen = last_seen.get(question.pk)
        # Unseen first, then seen long ago, then recent; random within each band.
        band = 0 if seen is None else (1 if seen < recent_cutoff else 2)
        return (band, seen or now, rng.random())

    return sorted(candidates, key=freshness)[: stage.questions_per_round]
