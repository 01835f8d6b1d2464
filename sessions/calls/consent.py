"""Recording a paired round's call needs both people: either asks, the other agrees, and only then do
both browsers record (each its own microphone). Either can stop or decline at any time, which
clears both agreements, so recording again needs both again.

Every change touches the round, so both pages hear of it over the live channel and fetch the
consent panel, the one place the browsers read "record now" from.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sessions.access import Role
from sessions.models import CallConsent, InterviewSession, Round
from sessions.rounds.refusals import RoundClosed

NOT_PAIRED = "Only a paired round has a call to record."
# Nobody agrees and nothing records: after a stop, a decline, or the round's end.
CLEARED = {"interviewer_agrees": False, "candidate_agrees": False, "asked_by": None, "recording_since": None}
ROUND_OVER = "Only the call of a running round is recorded: start the round first, or it is over."


def _require_call(stage_round: Round) -> None:
    if stage_round.session.mode != InterviewSession.Mode.PAIRED:
        raise RoundClosed(NOT_PAIRED)
    if not stage_round.is_open:
        raise RoundClosed(ROUND_OVER)


def _locked(stage_round: Round) -> CallConsent:
    """The round's consent row, made on first use, locked for this transaction."""
    CallConsent.objects.get_or_create(round=stage_round)
    return CallConsent.objects.select_for_update().get(round=stage_round)


def recording_agree(*, round: Round, user, now: datetime | None = None) -> CallConsent:
    """`user` (the round's interviewer or candidate, as `round.role` says) asks for, or agrees to, recording."""
    _require_call(round)
    with transaction.atomic():
        consent = _locked(round)
        if round.role == Role.INTERVIEWER:
            consent.interviewer_agrees = True
        else:
            consent.candidate_agrees = True
        if consent.asked_by_id is None:
            consent.asked_by = user
        if consent.interviewer_agrees and consent.candidate_agrees and consent.recording_since is None:
            consent.recording_since = now or timezone.now()
        consent.save()
        Round.objects.filter(pk=round.pk).touch()
    return consent


def recording_stop(*, round: Round) -> CallConsent:
    """Decline a request, withdraw one's own, or stop recording: both agreements are cleared.

    Allowed after the round ended too (a page still showing "recording" must be able to stop it)."""
    with transaction.atomic():
        consent = _locked(round)
        for name, value in CLEARED.items():
            setattr(consent, name, value)
        consent.save()
        Round.objects.filter(pk=round.pk).touch()
    return consent


def consent_stop_on_finish(stage_round: Round) -> None:
    """A finished round records nothing more (called as the round ends, inside its transaction)."""
    CallConsent.objects.filter(round=stage_round).update(**CLEARED)
