"""Reveals during a round: the model answer (solo), the next hint, the next follow-up constraint."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from questions.access import live_candidate_question_ids
from questions.models import Question
from sessions.models import InterviewSession, Round, RoundEvent, RoundQuestion
from sessions.rounds.clock import require_running
from sessions.rounds.constraints import reveal_constraints
from sessions.rounds.events import record_event
from sessions.rounds.refusals import Withheld


def model_answer_reveal(*, round_question: RoundQuestion, now: datetime | None = None) -> RoundQuestion:
    """Solo concept practice: show the model answer once the candidate has had a go."""
    now = now or timezone.now()
    require_running(round_question.round, now)
    if round_question.round.session.mode != InterviewSession.Mode.SOLO:
        raise ValidationError("In a paired round the model answer stays with the interviewer.")
    if round_question.question.kind not in (Question.Kind.CONCEPT, Question.Kind.BEHAVIORAL):
        raise ValidationError("For this kind of question the model answer and rubric are shown after the round.")
    _require_answers_allowed(round_question.round.session.owner, round_question)
    if round_question.model_answer_revealed_at is None:
        RoundQuestion.objects.filter(pk=round_question.pk, model_answer_revealed_at=None).update(
            model_answer_revealed_at=now
        )
        round_question.refresh_from_db()
        record_event(round_question.round, RoundEvent.Kind.REVEAL_ANSWER, now, round_question=round_question)
    return round_question


def _require_answers_allowed(user, round_question: RoundQuestion) -> None:
    """`user` is about to read interviewer-only text of the question: not while they are its live candidate."""
    if round_question.question_id in live_candidate_question_ids(user):
        raise Withheld(
            "You are the candidate of a paired round on this question right now, so its answers, hints and "
            "constraints stay hidden until that round ends."
        )


def constraint_reveal_next(*, round_question: RoundQuestion, now: datetime | None = None) -> RoundQuestion:
    now = now or timezone.now()
    require_running(round_question.round, now)
    _require_answers_allowed(_giver(round_question.round), round_question)
    total = round_question.question.constraints.count()
    if round_question.constraints_revealed >= total:
        raise ValidationError("Every follow-up constraint is already shown.")
    reveal_constraints(round_question, upto=round_question.constraints_revealed + 1, now=now)
    return round_question


def hint_reveal_next(*, round_question: RoundQuestion, now: datetime | None = None) -> RoundQuestion:
    """The next rung of the hint ladder: asked for by a solo user, or given by an interviewer."""
    now = now or timezone.now()
    require_running(round_question.round, now)
    _require_answers_allowed(_giver(round_question.round), round_question)
    total = round_question.question.hints.count()
    before = round_question.hints_revealed
    if before >= total:
        raise ValidationError("Every hint is already shown." if total else "This question has no hints.")
    changed = RoundQuestion.objects.filter(pk=round_question.pk, hints_revealed=before).update(hints_revealed=before + 1)
    round_question.refresh_from_db(fields=["hints_revealed"])
    if changed:
        record_event(round_question.round, RoundEvent.Kind.REVEAL_HINT, now, round_question=round_question,
               detail=f"hint {before + 1}")
    return round_question


def _giver(stage_round: Round):
    """Who hands out hints and constraints: the interviewer of a paired round, the owner of a solo one."""
    return stage_round.interviewer if stage_round.session.mode == InterviewSession.Mode.PAIRED else stage_round.session.owner
