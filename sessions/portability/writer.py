"""Writing an import: the planned rows (`plan`) created in one transaction, with the times they had."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

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
from sessions.portability import rules
from sessions.portability.plan import PlannedSession
from sessions.portability.whiteboards import whiteboards_write


@dataclass
class Written:
    session_ids: list[int]  # the session each planned one became here: created, or the one already here
    created_ids: list[int]
    skipped: int
    notes_left_out: int


def write_sessions(user, planned: list[PlannedSession]) -> Written:
    """Create the planned sessions that are not here yet.

    Importing the same file twice creates nothing the second time: a session is the same
    when one of the user's sessions has its mode, title and creation time.
    """
    with transaction.atomic():
        # One import at a time per user, so two uploads of one file cannot both create its sessions.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        existing = {
            (mode, title, created_at): pk
            for pk, mode, title, created_at in InterviewSession.objects.filter(Q(owner=user) | Q(partner=user))
            .order_by("-pk").values_list("pk", "mode", "title", "created_at")
        }
        written = Written(session_ids=[], created_ids=[], skipped=0, notes_left_out=0)
        for plan in planned:
            key = (plan.row.mode, plan.row.title, plan.created_at)
            if key in existing:
                written.skipped += 1
                written.session_ids.append(existing[key])
                continue
            rules.require_history_room(user, plan.snapshot_bytes)
            create_session(plan)
            existing[key] = plan.row.pk
            written.session_ids.append(plan.row.pk)
            written.created_ids.append(plan.row.pk)
            written.notes_left_out += plan.notes_left_out
    return written


def create_session(plan: PlannedSession) -> None:
    """Write one checked session. Timestamps the models stamp themselves are put back with updates."""
    session = plan.row
    session.save()
    InterviewSession.objects.filter(pk=session.pk).update(created_at=plan.created_at)
    for planned_round in plan.rounds:
        stage_round = planned_round.row
        stage_round.session = session
        stage_round.snapshot_bytes = planned_round.snapshot_bytes  # imported history counts towards the caps
        stage_round.save()
        questions = {}
        for planned in planned_round.questions:
            planned.row.round = stage_round
        RoundQuestion.objects.bulk_create([p.row for p in planned_round.questions])
        for planned in planned_round.questions:
            questions[planned.row.order] = planned.row
            if planned.updated_at:
                planned.row.updated_at = planned.updated_at
        RoundQuestion.objects.bulk_update(
            [p.row for p in planned_round.questions if p.updated_at], ["updated_at"], batch_size=500
        )
        if planned_round.current is not None:
            Round.objects.filter(pk=stage_round.pk).update(current=questions[planned_round.current])
        _bulk_with_times(Snapshot, [
            (snapshot, {"created_at": at}) for p in planned_round.questions
            for snapshot, at in _attach(p.snapshots, round_question=p.row)
        ])
        whiteboards_write(planned_round.questions)
        _bulk_with_times(Submission, [
            (run, {"created_at": at}) for p in planned_round.questions
            for run, at in _attach(p.submissions, round_question=p.row)
        ])
        for event, order, _ in planned_round.events:
            event.round, event.round_question = stage_round, questions.get(order)
        _bulk_with_times(RoundEvent, [(event, {"created_at": at}) for event, _, at in planned_round.events])
        for note, order, _, _ in planned_round.notes:
            note.round, note.round_question = stage_round, questions.get(order)
        _bulk_with_times(Note, [
            (note, {"created_at": created, "updated_at": updated}) for note, _, created, updated in planned_round.notes
        ])
        for sheet, order, _ in planned_round.sheets:
            sheet.round, sheet.round_question = stage_round, questions.get(order)
        _bulk_with_times(NoteSheet, [(sheet, {"updated_at": at}) for sheet, _, at in planned_round.sheets])
        if planned_round.scorecard is not None:
            scorecard, updated_at = planned_round.scorecard
            scorecard.round = stage_round
            _bulk_with_times(Scorecard, [(scorecard, {"updated_at": updated_at})])
        if planned_round.interviewer_feedback is not None:
            planned_round.interviewer_feedback.round = stage_round
            planned_round.interviewer_feedback.save()


def _attach(pairs, **values):
    for row, at in pairs:
        for name, value in values.items():
            setattr(row, name, value)
        yield row, at


def _bulk_with_times(model, rows: list[tuple]) -> None:
    """Create rows, then restore the times that `auto_now(_add)` overwrote on the way in."""
    if not rows:
        return
    objects = [row for row, _ in rows]
    model.objects.bulk_create(objects, batch_size=500)
    fields = sorted({name for _, times in rows for name in times})
    for row, times in rows:
        for name, value in times.items():
            setattr(row, name, value)
    model.objects.bulk_update(objects, fields, batch_size=500)
