"""A running paired round for the live-round tests: alice interviews bob on sum-two, then bayes."""

import pytest

from questions.models import Question, Stage
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services


@pytest.fixture
def live_round(mini_pack, owner, partner):
    picked = [Question.objects.get(slug="sum-two"), Question.objects.get(slug="bayes")]
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=picked
    )
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    return round_services.round_start(round=session.rounds.get())
