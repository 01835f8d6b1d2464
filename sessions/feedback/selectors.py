"""Reads of what people write about a round: the notes panel, note sheets read back, the scorecard's rows,
the candidate's feedback form."""

from __future__ import annotations

from questions.access import live_candidate_question_ids
from questions.models import RubricItem
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
    from sessions.feedback.notes import scorecard_sections

    labels = dict(Scorecard.Rating.choices)
    ratings = scorecard.ratings if scorecard else {}
    hidden_items = set()
    if hidden_for is not None:
        hidden_items = {
            f"question:{pk}" for pk in RubricItem.objects.filter(
                question_id__in=live_candidate_question_ids(hidden_for)
            ).values_list("pk", flat=True)
        }
    rows = [
        {"key": key, "text": "(hidden while you are the candidate of a round on this question)" if key in hidden_items
         else text, "rating": ratings.get(key, ""), "label": labels.get(ratings.get(key, ""), ""),
         "section": section.heading, "optional": section.optional}
        for section in scorecard_sections(stage_round) for key, text in section.items
    ]
    if scorecard is not None and scorecard.is_released:  # what was released: the items rated, nothing left blank
        rows = [row for row in rows if row["rating"]]
    return rows
