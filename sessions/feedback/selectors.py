"""Reads of what people write about a round: the notes panel, note sheets read back, the scorecard's rows,
the candidate's feedback form."""

from __future__ import annotations

from questions.access import live_candidate_question_ids
from sessions.access import questions_reached
from sessions.feedback import scorecards
from sessions.feedback.note_templates import RATING_SCALE, TEMPLATES, template_for
from sessions.models import InterviewerFeedback, Note, NoteSheet, Round, RoundQuestion, Scorecard


def notes_context(stage_round: Round, author, current: RoundQuestion | None) -> dict:
    """The notes panel: the author's entries, and the structured sheet for this round or question."""
    template = template_for(stage_round.stage_kind)
    sheet = None
    if template is not None:
        sheet_question = current if template.per_question else None
        sheet = NoteSheet.objects.filter(round=stage_round, author=author, round_question=sheet_question).first()
    fields, ratings, stamps = (sheet.fields, sheet.ratings, sheet.stamps) if sheet else ({}, {}, {})
    return {
        "notes": list(Note.objects.filter(round=stage_round, author=author).select_related("round_question")),
        "note_tags": Note.Tag.choices,
        "note_template": template,
        "sheet": sheet,
        "sheet_sections": [
            {"key": x.key, "label": x.label, "prompt": x.prompt, "value": fields.get(x.key, ""), "stamp": stamps.get(x.key)}
            for x in (template.sections if template else ())
        ],
        "sheet_competencies": [
            {"key": x.key, "label": x.label, "prompt": x.prompt, "rating": ratings.get(x.key)}
            for x in (template.competencies if template else ())
        ],
        "rating_scale": RATING_SCALE,
    }


def feedback_form_rows(chosen: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """The statements of the candidate's feedback form, each with the rating already chosen (a string, as posted)."""
    return [(key, text, chosen.get(key)) for key, text in InterviewerFeedback.ASPECTS]


def sheet_view(sheet: NoteSheet | None) -> dict | None:
    """A saved structured sheet as labelled sections and ratings, for reading back after the round."""
    template = TEMPLATES.get(sheet.template) if sheet else None
    if template is None:
        return None
    return {
        "title": template.title,
        "sections": [(x.label, sheet.fields.get(x.key, ""), sheet.stamps.get(x.key)) for x in template.sections],
        "ratings": [(x.label, sheet.ratings.get(x.key)) for x in template.competencies],
    }


def scorecard_rows(stage_round: Round, scorecard: Scorecard | None, *, hidden_for=None) -> list[dict]:
    """The scorecard's rows; with `hidden_for`, the rubric text of questions that user may not read now is withheld."""
    withheld = live_candidate_question_ids(hidden_for) if hidden_for is not None else ()
    entries = scorecards.round_entries(stage_round, withheld_question_ids=withheld)
    return scorecards.scorecard_rows(entries, scorecard, reached=questions_reached(stage_round))
