"""Recording consent (sessions/calls/consent.py): recording starts only when both people agree, and either
stopping clears both; every change is a round change the other page hears of."""

import pytest

from sessions.access import Role
from sessions.calls import consent as svc
from sessions.models import CallConsent
from sessions.rounds import services as round_services
from tests.sessions.calls.conftest import as_role


def _version(stage_round) -> int:
    stage_round.refresh_from_db()
    return stage_round.version


@pytest.mark.django_db
def test_one_person_asking_does_not_record_until_the_other_agrees(live_round, owner, partner):
    before = _version(live_round)
    asked = svc.recording_agree(round=as_role(live_round, Role.INTERVIEWER), user=owner)
    assert (asked.interviewer_agrees, asked.candidate_agrees, asked.recording, asked.asked_by) == (True, False, False, owner)
    assert _version(live_round) == before + 1
    agreed = svc.recording_agree(round=as_role(live_round, Role.CANDIDATE), user=partner)
    assert agreed.recording and agreed.asked_by == owner
    assert _version(live_round) == before + 2


@pytest.mark.django_db
@pytest.mark.parametrize("stopper", [Role.INTERVIEWER, Role.CANDIDATE])
def test_either_person_stopping_clears_both_agreements(live_round, owner, partner, stopper):
    svc.recording_agree(round=as_role(live_round, Role.INTERVIEWER), user=owner)
    svc.recording_agree(round=as_role(live_round, Role.CANDIDATE), user=partner)
    stopped = svc.recording_stop(round=as_role(live_round, stopper))
    assert not (stopped.recording or stopped.interviewer_agrees or stopped.candidate_agrees or stopped.asked_by)
    # Recording again needs both again.
    again = svc.recording_agree(round=as_role(live_round, Role.CANDIDATE), user=partner)
    assert not again.recording


@pytest.mark.django_db
def test_ending_the_round_stops_the_recording(live_round, owner, partner):
    svc.recording_agree(round=as_role(live_round, Role.INTERVIEWER), user=owner)
    svc.recording_agree(round=as_role(live_round, Role.CANDIDATE), user=partner)
    round_services.round_end(round=live_round)
    consent = CallConsent.objects.get(round=live_round)
    assert not consent.recording and not consent.interviewer_agrees
    with pytest.raises(svc.RoundClosed):
        svc.recording_agree(round=as_role(live_round, Role.INTERVIEWER), user=owner)


@pytest.mark.django_db
def test_a_solo_round_has_no_call_to_record(solo_round, owner):
    with pytest.raises(svc.RoundClosed, match="paired"):
        svc.recording_agree(round=solo_round, user=owner)
    assert not CallConsent.objects.exists()
