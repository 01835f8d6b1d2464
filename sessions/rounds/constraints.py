"""Follow-up constraints and their delivery on schedule (design questions in solo rounds)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from questions.access import live_candidate_question_ids
from questions.models import Question
from sessions.models import Round, RoundEvent, RoundQuestion
from sessions.rounds.events import record_event


def reveal_constraints(round_question: RoundQuestion, *, upto: int, now: datetime) -> None:
    before = round_question.constraints_revealed
    changed = RoundQuestion.objects.filter(pk=round_question.pk, constraints_revealed=before).update(
        constraints_revealed=upto
    )
    if not changed:
        round_question.refresh_from_db()
        return
    round_question.constraints_revealed = upto
    for number in range(before + 1, upto + 1):
        record_event(round_question.round, RoundEvent.Kind.REVEAL_CONSTRAINT, now, round_question=round_question,
               detail=f"constraint {number}")


def deliver_scheduled_constraints(round: Round, now: datetime) -> None:
    """Design questions: constraint k of n arrives at k/(n+1) of the round, if not asked for sooner."""
    # Cached on the instance: a request syncs the same round more than once.
    design = getattr(round, "_design_questions", None)
    if design is None:
        design = list(
            round.questions.filter(question__kind=Question.Kind.DESIGN)
            .select_related("question")
            .annotate(constraint_count=Count("question__constraints"))
        )
        round._design_questions = design
    elapsed = round.elapsed_seconds(now)
    withheld = None  # looked up only when something is due: this runs on every request of the round
    for round_question in design:
        total = round_question.constraint_count
        due = min(total, int(elapsed // (round.duration_seconds / (total + 1)))) if total else 0
        if due > round_question.constraints_revealed:
            if withheld is None:
                withheld = live_candidate_question_ids(round.session.owner)
            if round_question.question_id in withheld:
                continue  # not to an owner who is the live candidate of a paired round on it (`questions.access`)
            round_question.round = round
            reveal_constraints(round_question, upto=due, now=now)
