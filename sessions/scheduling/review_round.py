"""A review round: the day's due cards (oldest due first) and new questions, as a real timed mock session.

Each question is asked in its own stage's round (the first stage that holds it, in loop order), so it gets
that stage's rubric, answer fields and time: the stage's minutes shared by its questions per round. Questions
of one stage share a round, at most ROUND_SIZE of them; rounds follow the loop's order and the first starts
at once, like any practice session.
"""

from __future__ import annotations

import math
import random
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from questions.models import Question, Stage
from sessions.models import InterviewSession, ReviewCard, Round
from sessions.rounds.clock import round_start
from sessions.rounds.starting import questions_add
from sessions.scheduling.queue import due_today

ROUND_SIZE = 10


def first_stages(questions: list[Question]) -> dict[int, Stage]:
    """Each question's first stage in loop order (questions in no stage are left out), in one query."""
    links = (Question.stages.through.objects.filter(question_id__in=[q.pk for q in questions])
             .select_related("stage__loop").order_by("stage__loop__order", "stage__loop__pk", "stage__order"))
    first: dict[int, Stage] = {}
    for link in links:
        first.setdefault(link.question_id, link.stage)
    return first


def review_session_start(*, owner, now: datetime | None = None, rng: random.Random | None = None) -> InterviewSession:
    """Draw today's queue into a session and start its first round; the new questions drawn become cards."""
    now = now or timezone.now()
    queue = due_today(owner, now=now, rng=rng)
    questions = [card.question for card in queue.due] + [card.question for card in queue.new_cards] + queue.new_questions
    if not questions:
        raise ValidationError("Nothing is due today. Practise a round, or raise your daily limits on the reviews page.")
    grouped: dict[int, tuple[Stage, list[Question]]] = {}
    stages = first_stages(questions)
    for question in questions:
        stage = stages.get(question.pk)
        if stage is not None:
            grouped.setdefault(stage.pk, (stage, []))[1].append(question)
    plan = []
    for stage, stage_questions in sorted(grouped.values(), key=lambda pair: (pair[0].loop.order, pair[0].loop_id,
                                                                             pair[0].order)):
        for start in range(0, len(stage_questions), ROUND_SIZE):
            plan.append((stage, stage_questions[start:start + ROUND_SIZE]))
    if not plan:
        raise ValidationError("None of today's questions belongs to a stage any more, so none can be asked in a round.")
    count = sum(len(chunk) for _, chunk in plan)
    with transaction.atomic():
        session = InterviewSession.objects.create(
            owner=owner, title=f"Review: {count} question{'s' if count != 1 else ''}, {now:%d %b %Y}"
        )
        for order, (stage, chunk) in enumerate(plan):
            per_question = stage.duration_minutes / max(1, stage.questions_per_round)
            stage_round = Round.objects.create(
                session=session, stage=stage, order=order, title=f"Review: {stage.title}", stage_kind=stage.kind,
                duration_seconds=60 * max(5, math.ceil(per_question * len(chunk))),
            )
            questions_add(round=stage_round, questions=chunk)
        ReviewCard.objects.bulk_create(
            [ReviewCard(owner=owner, question=q, created_at=now, due=now) for q in queue.new_questions],
            ignore_conflicts=True,
        )
        round_start(round=session.rounds.order_by("order").first(), now=now)
    return session
