"""Writes and workflows of mock sessions and their timed rounds.

The clock is the server's. Every function that changes a round takes `now`, so
the rules (pauses, time running out, constraints arriving on schedule) are plain
arithmetic on stored timestamps that tests can drive without sleeping.
"""

from __future__ import annotations

import bisect
import random
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from questions.access import live_candidate_question_ids
from questions.models import InterviewLoop, Question, Stage
from sessions.access import questions_reached
from sessions.models import InterviewSession, Round, RoundEvent, RoundQuestion, Snapshot
from sessions.portability import rules as import_rules  # the module: it imports this one's RoundClosed
from sessions.services.answer_limits import (  # noqa: F401 (MAX_ANSWER_BYTES: other modules import it from here)
    MAX_ANSWER_BYTES,
    answer_values_clean,
    snapshot_room_claim,
    snapshot_room_release,
)

# Snapshots kept per answer field. Reaching it thins the field's history to half, spread
# evenly over the time it covers (see _snapshots_thin). Their bytes are capped too (answer_limits).
MAX_SNAPSHOTS_PER_FIELD = 2000
# Questions answered within this many days are drawn only when nothing fresher is left.
RECENT_DAYS = 14


class RoundClosed(ValidationError):
    """The round is over (or paused): the change is refused with a message, nothing saved."""


class Withheld(ValidationError):
    """The change would show the user what they may not see yet (a question not on screen, a live
    round's answers): refused with a message, nothing saved."""


# ---------------------------------------------------------------- starting


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


# ---------------------------------------------------------------- the clock


def round_touch(round_id: int) -> None:
    """Tell live pages something changed: the other side of a paired round re-fetches on its next poll."""
    Round.objects.filter(pk=round_id).update(version=F("version") + 1)


def _event(stage_round: Round, kind: str, now: datetime, *, round_question=None, detail: str = "") -> RoundEvent:
    round_touch(stage_round.pk)
    return RoundEvent.objects.create(
        round=stage_round,
        round_question=round_question,
        kind=kind,
        detail=detail,
        offset_seconds=stage_round.elapsed_seconds(now),
    )


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
    _event(round, RoundEvent.Kind.START, now)
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
        _deliver_scheduled_constraints(round, now)
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
        _event(round, RoundEvent.Kind.PAUSE, now)
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
        _event(round, RoundEvent.Kind.RESUME, now, detail=f"paused for {paused_for:.0f} s")
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
    _event(round, RoundEvent.Kind.TIME_ADDED, now, detail=f"+{minutes} min")
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
        _event(round, kind, now)


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
    _event(stage_round, RoundEvent.Kind.SWITCH, now, round_question=round_question)
    return round_question


# ---------------------------------------------------------------- answers


def _require_running(round: Round, now: datetime) -> None:
    import_rules.require_live_round(round)
    round_sync(round=round, now=now)
    if round.status == Round.Status.FINISHED:
        reason = "time ran out" if round.end_reason == Round.EndReason.TIME_UP else "it was ended"
        raise RoundClosed(f"This round is over ({reason}); your answers are kept as they were.")
    if round.status == Round.Status.PAUSED:
        raise RoundClosed("The round is paused. Resume it to keep answering.")
    if round.status != Round.Status.RUNNING:
        raise RoundClosed("This round has not started.")


class ChangedFields(list):
    """The names of the fields a save changed; `history_full` when the replay could not record them."""

    history_full = False


def answer_save(*, round_question: RoundQuestion, values: dict[str, str], now: datetime | None = None) -> ChangedFields:
    """Save answer fields; each field that changed gets a snapshot. Returns the names that changed.

    Validation happens before any write, so a bad field (too long, or not one of the question's
    kind) saves nothing at all. Past the replay history's caps the answer is still saved, without
    a snapshot (`history_full` on the result).
    """
    now = now or timezone.now()
    stage_round = round_question.round
    _require_running(stage_round, now)
    _require_shown(round_question)
    clean = answer_values_clean(round_question=round_question, values=values)

    result = ChangedFields()
    with transaction.atomic():
        current = RoundQuestion.objects.select_for_update().get(pk=round_question.pk)
        changed = [name for name, value in clean.items() if getattr(current, name) != value]
        if not changed:
            return result
        for name in changed:
            setattr(current, name, clean[name])
        current.save(update_fields=[*changed, "updated_at"])
        offset = stage_round.elapsed_seconds(now)
        round_touch(stage_round.pk)
        texts = [name for name in changed if name != "language"]
        size = sum(len(clean[name].encode()) for name in texts)
        if texts and not snapshot_room_claim(stage_round=stage_round, size=size):
            result.history_full = True
            texts = []
        for name in texts:
            _snapshot(current, name, clean[name], offset)
    for name in changed:
        setattr(round_question, name, clean[name])
    result.extend(changed)
    return result


def _require_shown(round_question: RoundQuestion) -> None:
    """A paired candidate answers (saves, runs) only the questions the interviewer has put on screen."""
    stage_round = round_question.round
    if round_question.pk == stage_round.current_id or stage_round.session.mode != InterviewSession.Mode.PAIRED:
        return
    if round_question.pk not in questions_reached(stage_round):
        raise Withheld("Your interviewer has not put this question on screen yet; nothing was saved.")


def _snapshot(round_question: RoundQuestion, field: str, content: str, offset: float) -> None:
    snapshots = Snapshot.objects.filter(round_question=round_question, field=field)
    if snapshots.count() >= MAX_SNAPSHOTS_PER_FIELD:
        _snapshots_thin(snapshots, round_id=round_question.round_id)
    Snapshot.objects.create(round_question=round_question, field=field, content=content, offset_seconds=offset)


def _snapshots_thin(snapshots, *, round_id: int) -> None:
    """Keep half the cap, the snapshots nearest to evenly spaced moments from the first to the last.

    A replay then still spans the whole round, only more coarsely, where simply stopping (or
    overwriting the newest) at the cap would freeze it for the rest of a long, busy round.
    """
    rows = list(snapshots.order_by("offset_seconds", "id").values_list("id", "offset_seconds"))
    offsets = [offset for _, offset in rows]
    first, last = offsets[0], offsets[-1]
    moments = max(2, MAX_SNAPSHOTS_PER_FIELD // 2)
    kept = {rows[0][0], rows[-1][0]}
    for k in range(1, moments - 1):
        moment = first + (last - first) * k / (moments - 1)
        i = bisect.bisect_left(offsets, moment)
        if i == len(offsets) or (i > 0 and moment - offsets[i - 1] <= offsets[i] - moment):
            i -= 1  # the earlier neighbour is nearer
        kept.add(rows[i][0])
    doomed = Snapshot.objects.filter(pk__in=[pk for pk, _ in rows if pk not in kept])
    snapshot_room_release(round_id=round_id, snapshots=doomed)
    doomed.delete()


def model_answer_reveal(*, round_question: RoundQuestion, now: datetime | None = None) -> RoundQuestion:
    """Solo concept practice: show the model answer once the candidate has had a go."""
    now = now or timezone.now()
    _require_running(round_question.round, now)
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
        _event(round_question.round, RoundEvent.Kind.REVEAL_ANSWER, now, round_question=round_question)
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
    _require_running(round_question.round, now)
    _require_answers_allowed(_giver(round_question.round), round_question)
    total = round_question.question.constraints.count()
    if round_question.constraints_revealed >= total:
        raise ValidationError("Every follow-up constraint is already shown.")
    _reveal_constraints(round_question, upto=round_question.constraints_revealed + 1, now=now)
    return round_question


def hint_reveal_next(*, round_question: RoundQuestion, now: datetime | None = None) -> RoundQuestion:
    """The next rung of the hint ladder: asked for by a solo user, or given by an interviewer."""
    now = now or timezone.now()
    _require_running(round_question.round, now)
    _require_answers_allowed(_giver(round_question.round), round_question)
    total = round_question.question.hints.count()
    before = round_question.hints_revealed
    if before >= total:
        raise ValidationError("Every hint is already shown." if total else "This question has no hints.")
    changed = RoundQuestion.objects.filter(pk=round_question.pk, hints_revealed=before).update(hints_revealed=before + 1)
    round_question.refresh_from_db(fields=["hints_revealed"])
    if changed:
        _event(round_question.round, RoundEvent.Kind.REVEAL_HINT, now, round_question=round_question,
               detail=f"hint {before + 1}")
    return round_question


def _giver(stage_round: Round):
    """Who hands out hints and constraints: the interviewer of a paired round, the owner of a solo one."""
    return stage_round.interviewer if stage_round.session.mode == InterviewSession.Mode.PAIRED else stage_round.session.owner


def _reveal_constraints(round_question: RoundQuestion, *, upto: int, now: datetime) -> None:
    before = round_question.constraints_revealed
    changed = RoundQuestion.objects.filter(pk=round_question.pk, constraints_revealed=before).update(
        constraints_revealed=upto
    )
    if not changed:
        round_question.refresh_from_db()
        return
    round_question.constraints_revealed = upto
    for number in range(before + 1, upto + 1):
        _event(round_question.round, RoundEvent.Kind.REVEAL_CONSTRAINT, now, round_question=round_question,
               detail=f"constraint {number}")


def _deliver_scheduled_constraints(round: Round, now: datetime) -> None:
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
            _reveal_constraints(round_question, upto=due, now=now)


def self_grade_set(*, round_question: RoundQuestion, grade: str, now: datetime | None = None) -> RoundQuestion:
    now = now or timezone.now()
    if grade not in RoundQuestion.Grade.values:
        raise ValidationError({"grade": "Choose Again, Hard, Good or Easy."})
    if round_question.round.status not in (Round.Status.RUNNING, Round.Status.FINISHED):
        raise RoundClosed("Resume the round to grade this answer.")
    RoundQuestion.objects.filter(pk=round_question.pk).update(self_grade=grade, graded_at=now)
    round_question.refresh_from_db()
    _event(round_question.round, RoundEvent.Kind.GRADE, now, round_question=round_question, detail=grade)
    return round_question


def round_assess(*, round: Round, ratings: dict[str, int], reflection: str, now: datetime | None = None) -> Round:
    """The end-of-round self-assessment against the stage's rubric (1 = weak, 4 = strong)."""
    now = now or timezone.now()
    round_sync(round=round, now=now)
    if round.status != Round.Status.FINISHED:
        raise RoundClosed("Assess the round once it has ended.")
    valid_ids = {str(pk) for pk in round.stage.rubric_items.values_list("pk", flat=True)} if round.stage else set()
    errors = {}
    for key, value in ratings.items():
        if key not in valid_ids:
            errors[f"rating_{key}"] = "Not an item of this stage's rubric."
        elif value not in (1, 2, 3, 4):
            errors[f"rating_{key}"] = "Rate each item from 1 to 4."
    if len(reflection.encode()) > MAX_ANSWER_BYTES:
        errors["reflection"] = "The reflection is over the 64 KiB limit."
    if errors:
        raise ValidationError(errors)
    Round.objects.filter(pk=round.pk).update(self_assessment=ratings, reflection=reflection, assessed_at=now)
    round.refresh_from_db()
    return round


def rounds_close_expired(*, now: datetime | None = None) -> int:
    """Periodic sweep: close every running round whose time is up, with no browser needed."""
    now = now or timezone.now()
    closed = 0
    for stage_round in Round.objects.filter(status=Round.Status.RUNNING):
        if stage_round.deadline_passed(now):
            round_sync(round=stage_round, now=now)
            closed += 1
    return closed

