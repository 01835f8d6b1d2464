"""Recordings and the JSON export: left out unless asked for; asked for, only the user's own voice, with its
audio; a document that carries them still imports (the recordings stay out)."""

import base64
import json

import pytest
from django.test import Client
from django.urls import reverse

from sessions.access import Role
from sessions.calls import recordings as recording_services
from sessions.models import InterviewSession, Recording
from sessions.portability.importer import user_data_import
from sessions.portability.json_export import user_data
from tests.sessions.calls.conftest import as_role, recording_round, recordings_in_tmp, webm  # noqa: F401
from tests.sessions.live.conftest import live_round  # noqa: F401

MIME = "audio/webm"


def _record(stage_round, user, role, data: bytes) -> Recording:
    recording = recording_services.recording_start(round=as_role(stage_round, role), user=user, kind="call", mime=MIME)
    recording_services.chunk_append(recording=recording, seq=0, data=data, content_type=MIME, audio_ms=1000)
    return recording


@pytest.mark.django_db
def test_the_export_leaves_recordings_out_unless_asked_and_then_only_ones_own(recording_round, owner, partner):
    mine, theirs = webm(300, first=True), webm(200, first=True) + b"partner"
    _record(recording_round, partner, Role.CANDIDATE, mine)
    _record(recording_round, owner, Role.INTERVIEWER, theirs)
    assert "recordings" not in user_data(partner)
    client = Client()
    client.force_login(partner)
    plain = client.get(reverse("data_export")).content
    assert b'"recordings"' not in plain and base64.b64encode(mine)[:40] not in plain
    document = json.loads(client.get(reverse("data_export") + "?recordings=1").content)
    (entry,) = document["recordings"]
    assert base64.b64decode(entry["audio"]) == mine
    assert entry["from"] == {"session": recording_round.session_id, "round": 0,
                             "question": recording_round.current.order}
    assert (entry["kind"], entry["mime"], entry["bytes"], entry["seconds"]) == ("call", MIME, 300, 1.0)


@pytest.mark.django_db
def test_audio_past_the_export_cap_is_listed_without_it(recording_round, partner, monkeypatch):
    import sessions.portability.recordings as exported

    monkeypatch.setattr(exported, "MAX_EXPORT_AUDIO_BYTES", 500)
    _record(recording_round, partner, Role.CANDIDATE, webm(300, first=True))
    _record(recording_round, partner, Role.CANDIDATE, webm(300, first=True))
    first, second = user_data(partner, recordings=True)["recordings"]
    assert first["audio"] and second["audio"] is None and second["bytes"] == 300


@pytest.mark.django_db
def test_a_document_with_recordings_imports_without_them(recording_round, partner, outsider):
    _record(recording_round, partner, Role.CANDIDATE, webm(300, first=True))
    document = json.loads(json.dumps(user_data(partner, recordings=True)))
    result = user_data_import(user=outsider, data=document)
    assert result.created == 1
    assert InterviewSession.objects.filter(owner=outsider).exists()
    assert not Recording.objects.filter(owner=outsider).exists()
