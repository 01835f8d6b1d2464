"""`{% call_panel round %}`: the call of a paired round (static/js/call.js) with its recording consent, on
both people's round pages. `{% spoken_answers round_question %}`: a solo question's "Answer aloud" panel."""

from django import template

from sessions.calls.ice import ice_servers_for
from sessions.calls.playback import consent_context, spoken_answers_context

register = template.Library()


@register.inclusion_tag("sessions/calls/_call.html", takes_context=True)
def call_panel(context, stage_round):
    request = context["request"]
    return {**consent_context(stage_round), "ice_servers": ice_servers_for(request.user), "request": request}


@register.inclusion_tag("sessions/calls/_spoken_answers.html", takes_context=True)
def spoken_answers(context, round_question):
    request = context["request"]
    return {**spoken_answers_context(round_question, request.user), "request": request}
