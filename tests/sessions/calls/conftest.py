"""Rounds for the call and recording tests: a running paired round (alice interviews bob) and a solo round
on a spoken question; the recording storage is a fresh folder per test."""

import pytest

from questions.models import Question
from sessions.access import Role
from sessions.calls import consent as consent_services
from sessions.rounds import services as round_services
from tests.sessions.live.conftest import live_round  # noqa: F401  (the paired round, shared with the live tests)

WEBM_START = b"\x1a\x45\xdf\xa3"  # the EBML signature every WebM file begins with


def webm(size: int = 100, *, first: bool = False) -> bytes:
    body = bytes((i * 7) % 251 for i in range(size))
    return WEBM_START + body[len(WEBM_START):] if first else body


@pytest.fixture(autouse=True)
def recordings_in_tmp(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "recordings": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "rec")},
    }}
    return tmp_path / "rec"


@pytest.fixture
def solo_round(mini_pack, owner):
    session = round_services.session_start(owner=owner, question=Question.objects.get(slug="bayes"))
    stage_round = session.rounds.get()
    stage_round.role = Role.SOLO
    return stage_round


def as_role(stage_round, role):
    stage_round.role = role
    return stage_round


@pytest.fixture
def recording_round(live_round, owner, partner):
    """The paired round with both people agreed to record."""
    consent_services.recording_agree(round=as_role(live_round, Role.INTERVIEWER), user=owner)
    consent_services.recording_agree(round=as_role(live_round, Role.CANDIDATE), user=partner)
    return live_round
