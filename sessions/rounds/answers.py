"""The candidate's answers: autosaves with their replay snapshots, self-grades and the end-of-round self-assessment."""

from __future__ import annotations

import bisect
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sessions.access import questions_reached
from sessions.models import InterviewSession, Round, RoundEvent, RoundQuestion, Snapshot
from sessions.rounds.answer_limits import (
    MAX_ANSWER_BYTES,
    answer_values_clean,
    snapshot_room_claim,
    snapshot_room_release,
)
from sessions.rounds.clock import require_running, round_sync
from sessions.rounds.events import record_event
from sessions.rounds.refusals import RoundClosed, Withheld
from sessions.scheduling.recording import round_reviews_record


# Snapshots kept per answer field. Reaching it thins the field's history to half, spread
# evenly over the time it covers (see snapshots_thin). Their bytes are capped too (answer_limits).
MAX_SNAPSHOTS_PER_FIELD = 2000


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
    require_running(stage_round, now)
    require_shown(round_question)
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
        Round.objects.filter(pk=stage_round.pk).touch()
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


def require_shown(round_question: RoundQuestion) -> None:
    """A paired candidate answers (saves, runs) only the questions the interviewer has put on screen."""
    stage_round = round_question.round
    if round_question.pk == stage_round.current_id or stage_round.session.mode != InterviewSession.Mode.PAIRED:
        return
    if round_question.pk not in questions_reached(stage_round):
        raise Withheld("Your interviewer has not put this question on screen yet; nothing was saved.")


def _snapshot(round_question: RoundQuestion, field: str, content: str, offset: float) -> None:
    snapshots = Snapshot.objects.filter(round_question=round_question, field=field)
    if snapshots.count() >= MAX_SNAPSHOTS_PER_FIELD:
        snapshots_thin(snapshots, round_id=round_question.round_id)
    Snapshot.objects.create(round_question=round_question, field=field, content=content, offset_seconds=offset)


def snapshots_thin(snapshots, *, round_id: int) -> None:
    """Keep half the cap, the snapshots nearest to evenly spaced moments from the first to the last.

    A replay then still spans the whole round, only more coarsely, where simply stopping (or
    overwriting the newest) at the cap would freeze it for the rest of a long, busy round.
    `snapshots` may be of any model with `content` and `offset_seconds` (answers, whiteboards).
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
    doomed = snapshots.model.objects.filter(pk__in=[pk for pk, _ in rows if pk not in kept])
    snapshot_room_release(round_id=round_id, snapshots=doomed)
    doomed.delete()


def self_grade_set(*, round_question: RoundQuestion, grade: str, now: datetime | None = None) -> RoundQuestion:
    now = now or timezone.now()
    if grade not in RoundQuestion.Grade.values:
        raise ValidationError({"grade": "Choose Again, Hard, Good or Easy."})
    if round_question.round.status not in (Round.Status.RUNNING, Round.Status.FINISHED):
        raise RoundClosed("Resume the round to grade this answer.")
    RoundQuestion.objects.filter(pk=round_question.pk).update(self_grade=grade, graded_at=now)
    round_question.refresh_from_db()
    record_event(round_question.round, RoundEvent.Kind.GRADE, now, round_question=round_question, detail=grade)
    round_reviews_record(round_question.round)  # graded after the end: the review follows the grade
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
    round_reviews_record(round)
    return round
