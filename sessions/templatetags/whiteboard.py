"""Boards drawn by the server on pages: `{% whiteboard_drawing round_question %}` (the candidate's board, on the
review and interviewer pages) and `{% reference_drawing question %}` (the pack's reference diagram)."""

from django import template
from django.utils.html import format_html

from sessions.whiteboard.selectors import board_svg, reference_svg
from sessions.whiteboard.services import BOARD_KINDS

register = template.Library()


@register.simple_tag
def whiteboard_drawing(round_question, heading: str = "Whiteboard"):
    if round_question is None or round_question.question.kind not in BOARD_KINDS:
        return ""
    svg = board_svg(round_question)
    if not svg:
        return ""
    return format_html('<h4>{}</h4><div class="whiteboard-drawing">{}</div>', heading, svg)


@register.simple_tag
def reference_drawing(question, heading: str = "Reference diagram"):
    """A design question's reference diagram from its pack: interviewer-only text, so only put it where the
    model answer may show (the caller's rule: `Visibility.answers_for`, or the interviewer's page)."""
    svg = reference_svg(question) if question is not None else ""
    if not svg:
        return ""
    return format_html('<h4>{}</h4><div class="whiteboard-drawing reference-diagram">{}</div>', heading, svg)
