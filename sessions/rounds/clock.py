"""A round's clock: start, pause, resume, end, time added, time running out, the question on screen.

The clock is the server's. Every function that changes a round takes `now`, so
the rules (pauses, time running out, constraints arriving on schedule) are plain
arithmetic on stored timestamps that tests can drive without sleeping.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from sessions.calls.consent import consent_stop_on_finish
from sessions.models import InterviewSession, Round, RoundEvent, RoundQuestion
from sessions.rounds.constraints import deliver_scheduled_constraints
from sessions.rounds.events import record_event
from sessions.rounds.refusals import RoundClosed
from sessions.scheduling.recording import round_reviews_record
from sessions.portability import rules as import_rules


def round_start(*, round: Round, now: datetime | None = None) -> Round:
    now = now or timezone.now()
    import_rules.require_live_round(round)
    if round.status != Round.Status.PENDING:
        raise RoundClosed("This round has already started.")
    earlier_open = round.session.rounds.filter(order__lt=round.order).exclude(status=Round.Status.FINISHED)
    if earlier_open.exists():
        raise RoundClosed("Finish the round before this one first.")
    if round.session.mode == InterviewSession.Mode.PAIRED and round.candidate_id is None:
        raise RoundClosed("Your candidate has not joined yet: send them the invite link first.")
    first = round.questions.order_by("order").first()
    Round.objects.filter(pk=round.pk).update(
        status=Round.Status.RUNNING, started_at=now, current=first, current_since=now
    )
    round.refresh_from_db()
    record_event(round, RoundEvent.Kind.START, now)
    return round


def round_sync(*, round: Round, now: datetime | None = None) -> Round:
    """Bring a round up to date with the clock: close it when time is up, deliver scheduled constraints.

    Every view that shows or changes a round calls this first, so the server closes
    a round at zero even if no browser is open to notice.
    """
    now = now or timezone.now()
    if round.deadline_passed(now):
        deadline = round.started_at + timedelta(seconds=round.duration_seconds + round.paused_seconds)
        _finish(round, now=deadline, reason=Round.EndReason.TIME_UP)
    # In a paired round the interviewer decides when a constraint arrives.
    if round.status == Round.Status.RUNNING and round.session.mode == InterviewSession.Mode.SOLO:
        deliver_scheduled_constraints(round, now)
    return round


def round_pause(*, round: Round, now: datetime | None = None) -> Round:
    now = now or timezone.now()
    round_sync(round=round, now=now)
    if round.status != Round.Status.RUNNING:
        raise RoundClosed("Only a running round can be paused.")
    _account_current(round, now)
    changed = Round.objects.filter(pk=round.pk, status=Round.Status.RUNNING).update(
        status=Round.Status.PAUSED, paused_at=now, current_since=None
    )
    round.refresh_from_db()
    if changed:
        record_event(round, RoundEvent.Kind.PAUSE, now)
    return round


def round_resume(*, round: Round, now: datetime | None = None) -> Round:
    now = now or timezone.now()
    import_rules.require_live_round(round)
    if round.status != Round.Status.PAUSED:
        raise RoundClosed("Only a paused round can be resumed.")
    paused_for = (now - round.paused_at).total_seconds()
    changed = Round.objects.filter(pk=round.pk, status=Round.Status.PAUSED).update(
        status=Round.Status.RUNNING,
        paused_at=None,
        paused_seconds=round.paused_seconds + paused_for,
        current_since=now,
    )
    round.refresh_from_db()
    if changed:
        record_event(round, RoundEvent.Kind.RESUME, now, detail=f"paused for {paused_for:.0f} s")
    return round


def round_end(*, round: Round, now: datetime | None = None) -> Round:
    now = now or timezone.now()
    round_sync(round=round, now=now)
    if round.status == Round.Status.FINISHED:
        return round  # ending twice (two tabs) is not an error
    if round.status == Round.Status.PENDING:
        raise RoundClosed("This round has not started.")
    _finish(round, now=now, reason=Round.EndReason.ENDED)
    return round


MAX_ROUND_SECONDS = 4 * 3600


def round_add_time(*, round: Round, minutes: int, now: datetime | None = None) -> Round:
    """The interviewer gives the round more time (a real interviewer may run over a little)."""
    now = now or timezone.now()
    round_sync(round=round, now=now)
    if not round.is_open:
        raise RoundClosed("Time can only be added to a round that is running or paused.")
    if not 1 <= minutes <= 30:
        raise ValidationError({"minutes": "Add between 1 and 30 minutes at a time."})
    if round.duration_seconds + minutes * 60 > MAX_ROUND_SECONDS:
        raise ValidationError({"minutes": "A round cannot run longer than four hours."})
    Round.objects.filter(pk=round.pk).update(duration_seconds=F("duration_seconds") + minutes * 60)
    round.refresh_from_db()
    record_event(round, RoundEvent.Kind.TIME_ADDED, now, detail=f"+{minutes} min")
    return round


def _finish(round: Round, *, now: datetime, reason: str) -> None:
    _account_current(round, now)
    paused_seconds = round.paused_seconds
    if round.status == Round.Status.PAUSED and round.paused_at:
        paused_seconds += max(0.0, (now - round.paused_at).total_seconds())
    changed = Round.objects.filter(pk=round.pk, status__in=[Round.Status.RUNNING, Round.Status.PAUSED]).update(
        status=Round.Status.FINISHED,
        ended_at=now,
        end_reason=reason,
        paused_at=None,
        paused_seconds=paused_seconds,
        current_since=None,
    )
    round.refresh_from_db()
    if changed:
        kind = RoundEvent.Kind.TIME_UP if reason == Round.EndReason.TIME_UP else RoundEvent.Kind.END
        record_event(round, kind, now)
        round_reviews_record(round)
        consent_stop_on_finish(round)


def _account_current(round: Round, now: datetime) -> None:
    """Add the time since the current question came on screen to that question."""
    if round.current_id and round.current_since and round.status == Round.Status.RUNNING:
        spent = max(0.0, (now - round.current_since).total_seconds())
        RoundQuestion.objects.filter(pk=round.current_id).update(seconds_spent=F("seconds_spent") + spent)
        Round.objects.filter(pk=round.pk).update(current_since=now)
        round.current_since = now


def question_switch(*, round_question: RoundQuestion, now: datetime | None = None) -> RoundQuestion:
    """Make a question the one on screen (for time-per-question accounting)."""
    now = now or timezone.now()
    stage_round = round_question.round
    round_sync(round=stage_round, now=now)
    if stage_round.status != Round.Status.RUNNING or stage_round.current_id == round_question.pk:
        return round_question
    _account_current(stage_round, now)
    Round.objects.filter(pk=stage_round.pk).update(current=round_question, current_since=now)
    stage_round.refresh_from_db()
    record_event(stage_round, RoundEvent.Kind.SWITCH, now, round_question=round_question)
    return round_question


def require_running(round: Round, now: datetime) -> None:
    import_rules.require_live_round(round)
    round_sync(round=round, now=now)
    if round.status == Round.Status.FINISHED:
        reason = "time ran out" if round.end_reason == Round.EndReason.TIME_UP else "it was ended"
        raise RoundClosed(f"This round is over ({reason}); your answers are kept as they were.")
    if round.status == Round.Status.PAUSED:
        raise RoundClosed("The round is paused. Resume it to keep answering.")
    if round.status != Round.Status.RUNNING:
        raise RoundClosed("This round has not started.")


def rounds_close_expired(*, now: datetime | None = None) -> int:
    """Periodic sweep: close every running round whose time is up, with no browser needed."""
    now = now or timezone.now()
    closed = 0
    for stage_round in Round.objects.filter(status=Round.Status.RUNNING):
        if stage_round.deadline_passed(now):
            round_sync(round=stage_round, now=now)
            closed += 1
    return closed
