"""`{% whiteboard_drawing round_question %}`: a design question's board as the server draws it (review,
interviewer and print pages), or nothing when the question has no board or nothing was drawn."""

from django import template
from django.utils.html import format_html

from sessions.whiteboard.selectors import board_svg
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
