"""The recording views (sessions/views/recordings.py) through HTTP: the consent panel, starting, chunk uploads
as raw bodies, playback and deletion, for each person who might ask (owner, partner, outsider, a share link)."""

import pytest
from django.test import Client
from django.urls import reverse

from sessions.access import Role
from sessions.calls import recordings as recording_services
from sessions.models import CallConsent, Recording
from sessions.review import sharing
from tests.sessions.calls.conftest import as_role, webm

MIME = "audio/webm;codecs=opus"


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _start(client, stage_round, **data):
    return client.post(reverse("recording_start", args=[stage_round.pk]), {"mime": MIME, **data})


def _chunk(client, recording_id, seq, data, *, content_type=MIME, audio_ms="0"):
    headers = {"X-Audio-Ms": audio_ms} if audio_ms is not None else {}
    return client.post(reverse("recording_chunk", args=[recording_id, seq]), data=data, content_type=content_type,
                       headers=headers)


def _recorded(stage_round, user, role, parts=(webm(first=True), webm(50))) -> Recording:
    recording = recording_services.recording_start(round=as_role(stage_round, role), user=user, kind="call", mime=MIME)
    for seq, data in enumerate(parts):
        recording_services.chunk_append(recording=recording, seq=seq, data=data, content_type=MIME, audio_ms=seq * 1000)
    recording.refresh_from_db()
    return recording


@pytest.mark.django_db
def test_the_consent_panel_asks_then_shows_recording_to_both(live_round, owner, partner):
    interviewer, candidate = _client(owner), _client(partner)
    url = reverse("call_consent", args=[live_round.pk])
    asked = interviewer.post(url, {"action": "agree"})
    assert asked.status_code == 200 and 'data-recording="off"' in asked.text and "Waiting for bob" in asked.text
    assert "alice asks to record this call" in candidate.get(url).text
    agreed = candidate.post(url, {"action": "agree"})
    assert 'data-recording="on"' in agreed.text and "Stop recording" in agreed.text
    assert 'data-recording="on"' in interviewer.get(url).text
    assert 'data-recording="off"' in interviewer.post(url, {"action": "stop"}).text


@pytest.mark.django_db
def test_the_consent_panel_refuses_a_bad_action_and_outsiders(live_round, owner, outsider):
    url = reverse("call_consent", args=[live_round.pk])
    bad = _client(owner).post(url, {"action": "record-secretly"})
    assert bad.status_code == 400 and "Choose" in bad.text
    assert not CallConsent.objects.filter(round=live_round, interviewer_agrees=True).exists()
    assert _client(outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_a_call_recording_goes_from_start_to_playback(recording_round, owner, partner):
    client = _client(owner)
    started = _start(client, recording_round, kind="call")
    assert started.status_code == 201
    urls = started.json()
    first, second = webm(400, first=True), webm(120)
    assert _chunk(client, urls["id"], 0, first).json() == {"seq": 0, "stored": True, "expected": 1}
    assert _chunk(client, urls["id"], 1, second, audio_ms="2000").status_code == 200
    assert client.post(urls["finish_url"]).json()["chunks"] == 2
    for listener in (client, _client(partner)):  # both people in the round hear it
        audio = listener.get(urls["audio_url"])
        assert audio.status_code == 200 and audio["Content-Type"] == "audio/webm"
        assert audio["Content-Length"] == "520" and b"".join(audio.streaming_content) == first + second
        assert "no-store" in audio["Cache-Control"]
    download = client.get(urls["audio_url"] + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_chunk_refusals_answer_4xx_with_a_message(recording_round, owner):
    client = _client(owner)
    recording_id = _start(client, recording_round, kind="call").json()["id"]
    assert _chunk(client, recording_id, 0, b"not webm").status_code == 415
    assert _chunk(client, recording_id, 0, webm(first=True), content_type="text/plain").status_code == 415
    assert _chunk(client, recording_id, 0, webm(first=True), audio_ms="soon").status_code == 400
    gap = _chunk(client, recording_id, 3, webm())
    assert gap.status_code == 409 and gap.json()["expected"] == 0 and "must come next" in gap.json()["error"]
    assert not Recording.objects.get(pk=recording_id).bytes


@pytest.mark.django_db
def test_a_body_over_the_request_cap_is_refused_before_it_is_read(recording_round, owner, settings):
    client = _client(owner)
    recording_id = _start(client, recording_round, kind="call").json()["id"]
    too_big = _chunk(client, recording_id, 0, webm(settings.MAX_REQUEST_BODY_BYTES + 1, first=True))
    assert too_big.status_code == 413


@pytest.mark.django_db
def test_only_the_owner_sends_chunks_and_deletes_outsiders_learn_nothing(recording_round, owner, partner, outsider):
    recording = _recorded(recording_round, owner, Role.INTERVIEWER)
    partner_client, outsider_client = _client(partner), _client(outsider)
    assert _chunk(partner_client, recording.pk, 2, webm()).status_code == 403
    assert partner_client.post(reverse("recording_delete", args=[recording.pk])).status_code == 403
    assert partner_client.post(reverse("recording_finish", args=[recording.pk])).status_code == 403
    for response in (
        _chunk(outsider_client, recording.pk, 2, webm()),
        outsider_client.get(reverse("recording_audio", args=[recording.pk])),
        outsider_client.post(reverse("recording_delete", args=[recording.pk])),
        outsider_client.post(reverse("call_consent", args=[recording_round.pk]), {"action": "agree"}),
        _start(outsider_client, recording_round, kind="call"),
    ):
        assert response.status_code == 404
    assert Client().get(reverse("recording_audio", args=[recording.pk])).status_code == 302  # to the log-in page
    assert Recording.objects.get(pk=recording.pk).chunk_count == 2


@pytest.mark.django_db
def test_uploads_need_the_csrf_token(recording_round, owner):
    client = _client(owner, enforce_csrf_checks=True)
    assert _start(client, recording_round, kind="call").status_code == 403
    recording = _recorded(recording_round, owner, Role.INTERVIEWER)
    assert _chunk(client, recording.pk, 2, webm()).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_owner_deletes_a_recording_from_the_review(recording_round, owner, recordings_in_tmp):
    recording = _recorded(recording_round, owner, Role.INTERVIEWER)
    client = _client(owner)
    review = client.get(reverse("session_review", args=[recording_round.session_id]))
    assert f'id="recording-{recording.pk}"' in review.text and "Delete" in review.text
    deleted = client.post(reverse("recording_delete", args=[recording.pk]), headers={"HX-Request": "true"})
    assert deleted.status_code == 200 and deleted.text == ""
    assert not Recording.objects.exists() and not list(recordings_in_tmp.rglob("*.part"))


@pytest.mark.django_db
def test_a_share_link_plays_only_its_creators_voice_and_only_when_included(recording_round, owner, partner):
    mine = _recorded(recording_round, partner, Role.CANDIDATE)  # bob, the candidate, shares his practice
    theirs = _recorded(recording_round, owner, Role.INTERVIEWER)
    session = recording_round.session

    def audio(token, recording):
        return Client().get(reverse("shared_recording_audio", args=[token, recording.pk])).status_code

    _, without = sharing.share_create(session=session, user=partner)
    assert audio(without, mine) == 404
    assert "recording-" not in Client().get(reverse("shared_review", args=[without])).text
    _, token = sharing.share_create(session=session, user=partner, include_recordings=True)
    assert audio(token, mine) == 200 and audio(token, theirs) == 404
    page = Client().get(reverse("shared_review", args=[token])).text
    assert f'id="recording-{mine.pk}"' in page and f'id="recording-{theirs.pk}"' not in page
    replay = Client().get(reverse("shared_replay", args=[token, recording_round.pk])).json()
    assert [r["id"] for r in replay["recordings"]] == [mine.pk]
    assert replay["recordings"][0]["url"] == reverse("shared_recording_audio", args=[token, mine.pk])


@pytest.mark.django_db
def test_the_share_form_includes_recordings_only_when_ticked(recording_round, partner):
    client = _client(partner)
    url = reverse("share_create", args=[recording_round.session_id])
    client.post(url)
    assert not recording_round.session.share_links.get(revoked_at=None).include_recordings
    client.post(url, {"include_recordings": "on"})
    assert recording_round.session.share_links.get(revoked_at=None).include_recordings


@pytest.mark.django_db
def test_both_people_replay_both_sides_of_the_call(recording_round, owner, partner):
    first = _recorded(recording_round, owner, Role.INTERVIEWER)
    second = _recorded(recording_round, partner, Role.CANDIDATE)
    for user in (owner, partner):
        replay = _client(user).get(reverse("round_replay", args=[recording_round.pk])).json()
        assert [r["id"] for r in replay["recordings"]] == [first.pk, second.pk]
        kinds = [e["kind"] for e in replay["entries"] if e["kind"].startswith("recording")]
        assert kinds.count("recording") == 2


@pytest.mark.django_db
def test_answer_aloud_on_a_solo_question(solo_round, owner):
    client = _client(owner)
    page = client.get(reverse("round_page", args=[solo_round.pk]))
    assert "Answer aloud" in page.text and 'data-spoken-number="1"' in page.text
    missing = _start(client, solo_round, kind="answer")
    assert missing.status_code == 400 and "which question" in missing.json()["error"]
    urls = _start(client, solo_round, kind="answer", number="1").json()
    _chunk(client, urls["id"], 0, webm(first=True))
    panel = client.get(reverse("spoken_answers", args=[solo_round.pk, 1]))
    assert f'id="recording-{urls["id"]}"' in panel.text and "of 500.0" in panel.text
    after = client.post(reverse("recording_delete", args=[urls["id"]]), {"from": "round"}, headers={"HX-Request": "true"})
    assert "No spoken answer to this question yet." in after.text
    assert _start(client, solo_round, kind="answer", number="9").status_code == 404
