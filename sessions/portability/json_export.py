"""The JSON writer: all of a user's data (sessions, review cards, review settings), as the document
`sessions.portability.importer` reads back on another instance (its shape: `sessions.portability.schema`).
What each round holds is what the read model (`read_model`) lets the user read; the cards are `cards`'.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from sessions.access import ANSWERING
from sessions.feedback.scorecards import rated_entries
from sessions.models import RoundQuestion
from sessions.portability.cards import cards_data, settings_data
from sessions.portability.read_model import RoundRead, user_sessions
from sessions.portability.recordings import recordings_data
from sessions.portability.schema import (
    FORMAT,
    SUBMISSION_FIELDS,
    SUBMISSION_TIMES,
    VERSION,
    loop_ref,
    moment,
    question_ref,
    stage_ref,
)
from sessions.paired.services import display_name
from sessions.portability.whiteboards import whiteboard_fields


def user_data(user, *, now: datetime | None = None, recordings: bool = False) -> dict:
    """Every session `user` took part in, with what they may read of each round, and their cards: JSON-ready.
    With `recordings`, the user's own recordings too (`sessions.portability.recordings`)."""
    now = now or timezone.now()
    sessions = [
        {
            "id": session.pk,
            "title": session.title,
            "mode": session.mode,
            "created_at": moment(session.created_at),
            "loop": loop_ref(session.loop),
            # Kept through a re-import: every import marks what it creates, and this says it was so here.
            "imported": session.is_imported,
            "rounds": [_round_data(read, user) for read in reads],
        }
        for session, reads in user_sessions(user)
    ]
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": moment(now),
        "user": {"username": user.get_username(), "name": display_name(user)},
        "sessions": sessions,
        "review_settings": settings_data(user),
        "review_cards": cards_data(user, sessions),
    }
    if recordings:
        document["recordings"] = recordings_data(user, {session["id"] for session in sessions})
    return document


def _round_data(read: RoundRead, user) -> dict:
    stage_round, role, visible = read.round, read.role, read.visible
    orders = read.orders
    data = {
        "order": stage_round.order,
        "role": role.value,
        "title": stage_round.title,
        "stage": stage_ref(stage_round.stage),
        "stage_kind": stage_round.stage_kind,
        "duration_seconds": stage_round.duration_seconds,
        "status": stage_round.status,
        "started_at": moment(stage_round.started_at),
        "paused_at": moment(stage_round.paused_at),
        "paused_seconds": stage_round.paused_seconds,
        "ended_at": moment(stage_round.ended_at),
        "end_reason": stage_round.end_reason,
        "current": orders.get(stage_round.current_id),
        "current_since": moment(stage_round.current_since),
        "self_assessment": None,
        "questions": [_round_question_data(rq, user) for rq in read.questions],
        "events": [
            {
                "kind": event.kind,
                "question": orders.get(event.round_question_id),
                "detail": event.detail,
                "created_at": moment(event.created_at),
                "offset_seconds": event.offset_seconds,
            }
            for event in read.events
        ],
        "notes": [],
        "note_sheets": [],
        "scorecard": None,
        "interviewer_feedback": None,
    }
    if role in ANSWERING:
        # Rubric text only where the viewer may read it; the position alone is what the import needs.
        ratings = stage_round.self_assessment
        data["self_assessment"] = {
            "ratings": [
                {"item": i, "text": item.text if read.rubric_named else None, "rating": ratings[str(item.pk)]}
                for i, item in enumerate(read.stage_rubric, start=1) if str(item.pk) in ratings
            ],
            "reflection": stage_round.reflection,
            "assessed_at": moment(stage_round.assessed_at),
        }
    author = visible.notes_author_id
    if author is not None:
        data["notes"] = [
            {
                "question": orders.get(note.round_question_id),
                "body": note.body,
                "tags": list(note.tags),
                "offset_seconds": note.offset_seconds,
                "created_at": moment(note.created_at),
                "updated_at": moment(note.updated_at),
                "mine": note.author_id == user.pk,
            }
            for note in read.notes
        ]
        data["note_sheets"] = [
            {
                "question": orders.get(sheet.round_question_id),
                "template": sheet.template,
                "fields": sheet.fields,
                "ratings": sheet.ratings,
                "stamps": sheet.stamps,
                "updated_at": moment(sheet.updated_at),
                "mine": sheet.author_id == user.pk,
            }
            for sheet in read.sheets
        ]
    scorecard = read.scorecard
    if scorecard is not None:
        data["scorecard"] = {
            "ratings": [
                {"item": entry.portable, "text": entry.text, "rating": rating}
                for entry, rating in rated_entries(read.scorecard_entries, scorecard)
            ],
            "recommendation": scorecard.recommendation,
            "feedback": scorecard.feedback,
            "share_notes": scorecard.share_notes,
            "updated_at": moment(scorecard.updated_at),
            "released_at": moment(scorecard.released_at),
            "mine": scorecard.interviewer_id == user.pk,
        }
    feedback = read.interviewer_feedback
    if feedback is not None:
        data["interviewer_feedback"] = {
            "ratings": dict(feedback.ratings),
            "comments": feedback.comments,
            "sent_at": moment(feedback.sent_at),
        }
    return data


def _round_question_data(rq: RoundQuestion, user) -> dict:
    return {
        "order": rq.order,
        "question": question_ref(rq.question),
        **{name: getattr(rq, name) for name in RoundQuestion.ANSWER_FIELDS},
        "language": rq.language,
        "test_cases": rq.test_cases,  # version 3: a coding question's own cases
        "model_answer_revealed_at": moment(rq.model_answer_revealed_at),
        "constraints_revealed": rq.constraints_revealed,
        "hints_revealed": rq.hints_revealed,
        "self_grade": rq.self_grade,
        "graded_at": moment(rq.graded_at),
        "seconds_spent": rq.seconds_spent,
        "updated_at": moment(rq.updated_at),
        "snapshots": [
            {
                "field": snapshot.field,
                "content": snapshot.content,
                "created_at": moment(snapshot.created_at),
                "offset_seconds": snapshot.offset_seconds,
            }
            for snapshot in rq.snapshots.all()
        ],
        # `results` is stored without hidden tests' text (the judge strips it), so it can go as it is.
        "submissions": [
            {
                **{name: getattr(s, name) for name in SUBMISSION_FIELDS},
                **{name: moment(getattr(s, name)) for name in SUBMISSION_TIMES},
                "mine": s.user_id == user.pk,
            }
            for s in rq.submissions.all()
        ],
        **whiteboard_fields(rq),  # version 3: the design question's board, if one was drawn
    }
