"""Interviewer notes (free entries and structured sheets), the scorecard, and the candidate's feedback on the interview.

Notes belong to their author. In a paired round that is the interviewer, and the
candidate sees them only if the interviewer shares them when releasing the scorecard.
In a solo round the owner takes notes on their own answers.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions.feedback.scorecards import scorecard_items, scorecard_sections
from sessions.feedback.note_templates import template_for
from sessions.models import InterviewerFeedback, Note, NoteSheet, Round, RoundEvent, RoundQuestion, Scorecard
from sessions.rounds.answer_limits import MAX_ANSWER_BYTES
from sessions.rounds.clock import round_sync
from sessions.rounds.events import record_event
from sessions.rounds.refusals import RoundClosed
from sessions.portability.rules import require_live_round
from sessions.scheduling.recording import round_reviews_record

MAX_NOTES_PER_ROUND = 500


def _require_started(round: Round) -> None:
    require_live_round(round)
    if round.status == Round.Status.PENDING:
        raise RoundClosed("Notes open when the round starts.")


def _check_size(errors: dict, name: str, text: str) -> None:
    if len(text.encode()) > MAX_ANSWER_BYTES:
        errors[name] = "This note is over the 64 KiB limit; it was not saved."


def note_save(
    *,
    round: Round,
    author,
    body: str,
    note_id: int | None = None,
    round_question: RoundQuestion | None = None,
    tags: list[str] | None = None,
    now: datetime | None = None,
) -> Note:
    """Create an entry stamped with the round's clock, or update the author's own entry `note_id`."""
    now = now or timezone.now()
    _require_started(round)
    body = body.replace("\r\n", "\n")
    errors: dict[str, str] = {}
    _check_size(errors, "body", body)
    clean_tags = list(dict.fromkeys(tags or []))
    if any(tag not in Note.Tag.values for tag in clean_tags):
        errors["tags"] = "Unknown tag."
    if errors:
        raise ValidationError(errors)
    if note_id is None:
        if round.notes.count() >= MAX_NOTES_PER_ROUND:
            raise ValidationError(f"A round keeps at most {MAX_NOTES_PER_ROUND} notes.")
        return Note.objects.create(
            round=round, author=author, round_question=round_question or round.current,
            body=body, tags=clean_tags, offset_seconds=round.elapsed_seconds(now),
        )
    note = Note.objects.filter(pk=note_id, round=round, author=author).first()
    if note is None:
        raise ValidationError({"note": "That note is not one of yours in this round."})
    note.body = body
    if tags is not None:
        note.tags = clean_tags
    note.save(update_fields=["body", "tags", "updated_at"])
    return note


def note_tag_toggle(*, round: Round, author, tag: str, note_id: int | None = None, now: datetime | None = None) -> Note:
    """One-key tags: on an entry, toggle the tag; without one, log a new entry holding just the tag, stamped now."""
    if tag not in Note.Tag.values:
        raise ValidationError({"tags": "Unknown tag."})
    if note_id is None:
        return note_save(round=round, author=author, body="", tags=[tag], now=now)
    _require_started(round)
    with transaction.atomic():
        note = Note.objects.select_for_update().filter(pk=note_id, round=round, author=author).first()
        if note is None:
            raise ValidationError({"note": "That note is not one of yours in this round."})
        note.tags = [t for t in note.tags if t != tag] if tag in note.tags else [*note.tags, tag]
        note.save(update_fields=["tags", "updated_at"])
    return note


def note_delete(*, round: Round, author, note_id: int) -> None:
    deleted, _ = Note.objects.filter(pk=note_id, round=round, author=author).delete()
    if not deleted:
        raise ValidationError({"note": "That note is not one of yours in this round."})


def sheet_save(
    *,
    round: Round,
    author,
    values: dict[str, str],
    round_question: RoundQuestion | None = None,
    now: datetime | None = None,
) -> NoteSheet:
    """Save the structured notes for this round (or question); each section is stamped when first written.

    `values` holds section keys and `rating_<competency>` keys ("" clears a rating).
    Validation happens before any write.
    """
    now = now or timezone.now()
    _require_started(round)
    template = template_for(round.stage_kind)
    if template is None:
        raise ValidationError("This kind of round has no structured notes; use the time-stamped entries.")
    if template.per_question and round_question is None:
        raise ValidationError("These notes are taken per question: say which question.")
    if not template.per_question:
        round_question = None
    fields, ratings, errors = {}, {}, {}
    for key, value in values.items():
        if key.startswith("rating_"):
            competency = key.removeprefix("rating_")
            if competency not in template.competency_keys:
                errors[key] = "Not a competency of this template."
            elif value not in ("", "1", "2", "3", "4"):
                errors[key] = "Rate from 1 to 4."
            else:
                ratings[competency] = int(value) if value else None
        elif key in template.section_keys:
            fields[key] = value.replace("\r\n", "\n")
            _check_size(errors, key, value)
        else:
            errors[key] = "Not a section of this template."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sheet, _ = NoteSheet.objects.select_for_update().get_or_create(
            round=round, round_question=round_question, author=author, defaults={"template": template.key}
        )
        offset = round.elapsed_seconds(now)
        for key, text in fields.items():
            if text.strip() and key not in sheet.stamps:
                sheet.stamps[key] = float(f"{offset:.1f}")
            sheet.fields[key] = text
        for key, rating in ratings.items():
            if rating is None:
                sheet.ratings.pop(key, None)
            else:
                sheet.ratings[key] = rating
        sheet.save()
    return sheet


# ---------------------------------------------------------------- scorecard


def scorecard_save(
    *,
    round: Round,
    interviewer,
    ratings: dict[str, str],
    recommendation: str,
    feedback: str,
    share_notes: bool = False,
) -> Scorecard:
    _require_started(round)
    valid = dict(scorecard_items(round))
    errors = {}
    for key, value in ratings.items():
        if key not in valid:
            errors[f"rating_{key}"] = "Not an item of this round's rubric."
        elif value not in Scorecard.Rating.values:
            errors[f"rating_{key}"] = "Rate each item strong no, no, yes or strong yes."
    if recommendation and recommendation not in Scorecard.Rating.values:
        errors["recommendation"] = "Choose strong no, no, yes or strong yes."
    _check_size(errors, "feedback", feedback)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        scorecard, _ = Scorecard.objects.select_for_update().get_or_create(
            round=round, defaults={"interviewer": interviewer}
        )
        if scorecard.is_released:
            raise RoundClosed("This feedback has been released; it can no longer be changed.")
        scorecard.ratings = ratings
        scorecard.recommendation = recommendation
        scorecard.feedback = feedback.replace("\r\n", "\n")
        scorecard.share_notes = share_notes
        scorecard.save()
    return scorecard


def scorecard_release(*, round: Round, now: datetime | None = None) -> Scorecard:
    """Show the scorecard (and, if chosen, the notes) to the candidate. Only a complete scorecard goes out."""
    now = now or timezone.now()
    require_live_round(round)
    round_sync(round=round, now=now)  # time may have run out with no page open to notice
    if round.status != Round.Status.FINISHED:
        raise RoundClosed("Release feedback once the round has ended.")
    scorecard = Scorecard.objects.filter(round=round).first()
    if scorecard is None:
        raise ValidationError("Fill in the scorecard before releasing it.")
    if scorecard.is_released:
        return scorecard
    missing = [
        text for section in scorecard_sections(round) if not section.optional
        for key, text in section.items if key not in scorecard.ratings
    ]
    errors = []
    if missing:
        errors.append(f"Rate every rubric item first ({len(missing)} left).")
    if not scorecard.recommendation:
        errors.append("Give an overall recommendation.")
    if not scorecard.feedback.strip():
        errors.append("Write some feedback for the candidate.")
    if errors:
        raise ValidationError(errors)
    Scorecard.objects.filter(pk=scorecard.pk, released_at=None).update(released_at=now)
    scorecard.refresh_from_db()
    record_event(round, RoundEvent.Kind.RELEASE, now)
    round_reviews_record(round)  # the interviewer's rating wins over the candidate's own
    return scorecard


# ---------------------------------------------------------------- the candidate's feedback on the interview


def interviewer_feedback_send(
    *, round: Round, author, ratings: dict[str, str], comments: str, now: datetime | None = None
) -> InterviewerFeedback:
    """The candidate rates how they were interviewed, once the round is over. Sent once; it cannot be changed."""
    now = now or timezone.now()
    if not round.session.is_paired or author is None or round.candidate_id != author.pk:
        raise ValidationError("Only the candidate of a paired round gives feedback on the interview.")
    require_live_round(round)
    round_sync(round=round, now=now)
    if round.status != Round.Status.FINISHED:
        raise RoundClosed("Give feedback on the interview once the round has ended.")
    already_sent = RoundClosed("You have already sent feedback on this interview; it cannot be changed.")
    if InterviewerFeedback.objects.filter(round=round).exists():
        raise already_sent
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    aspects = dict(InterviewerFeedback.ASPECTS)
    for key, value in ratings.items():
        if key not in aspects:
            errors[f"rating_{key}"] = "Not something this feedback asks about."
        elif value not in {str(n) for n, _ in InterviewerFeedback.SCALE}:
            errors[f"rating_{key}"] = "Rate each statement from 1 (not at all) to 4 (fully)."
        else:
            clean[key] = int(value)
    missing = [text for key, text in InterviewerFeedback.ASPECTS if key not in ratings]
    if missing and not errors:
        errors["ratings"] = f"Rate every statement ({len(missing)} left)."
    comments = comments.replace("\r\n", "\n")
    if len(comments.encode()) > MAX_ANSWER_BYTES:
        errors["comments"] = "These comments are over the 64 KiB limit; nothing was sent."
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            feedback = InterviewerFeedback.objects.create(round=round, ratings=clean, comments=comments, sent_at=now)
            # The interviewer's summary polls for it: only its live region is swapped, never their forms.
            Round.objects.filter(pk=round.pk).touch()
    except IntegrityError:  # sent twice at the same moment, from two tabs
        raise already_sent from None
    return feedback
