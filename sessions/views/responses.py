"""Responses every round view shares: the clock header and the refused-change message."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django_htmx.http import reswap, retarget, trigger_client_event

from sessions.models import Round
from sessions.rounds.answer_limits import AutosaveLimited
from sessions.rounds.refusals import RoundClosed, Withheld
from sessions.runs.submissions import RunLimited

ROUND_TEMPLATE = "sessions/round.html"


def error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def with_clock(response, stage_round: Round):
    """Every round response carries the server's clock, so the page countdown resyncs."""
    now = timezone.now()
    return trigger_client_event(
        response,
        "round-clock",
        {"remaining": round(stage_round.remaining_seconds(now), 1), "status": stage_round.status},
    )


def refusal_status(error: ValidationError) -> int:
    """429 for too many runs or saves, 409 when the round's state forbids it, 403 when it would show what
    the user may not see yet, 400 for bad input."""
    if isinstance(error, (RunLimited, AutosaveLimited)):
        return 429
    if isinstance(error, Withheld):
        return 403
    if isinstance(error, RoundClosed):
        return 409
    return 400


def refused(request, stage_round: Round, error: ValidationError, *, target: str = "#round-message"):
    """A refused change (status by `refusal_status`): the message goes to the page's message area, nothing was saved."""
    response = render(request, f"{ROUND_TEMPLATE}#message", {"messages_list": error_messages(error)},
                      status=refusal_status(error))
    if request.htmx:
        response = reswap(retarget(response, target), "innerHTML")
    return with_clock(response, stage_round)
