"""Recording services (sessions/calls/recordings.py) on the real storage: who may record what, and every
rule a chunk must pass (type, signature, size, order, quota, time) before anything is stored."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from questions.models import Question
from sessions.access import Role
from sessions.calls import recordings as svc
from sessions.models import Recording, RecordingChunk, RoundQuestion
from sessions.rounds import services as round_services
from tests.sessions.calls.conftest import as_role, webm

MIME = "audio/webm;codecs=opus"


def _start_call(stage_round, user, role, **kwargs):
    return svc.recording_start(round=as_role(stage_round, role), user=user, kind="call", mime=MIME, **kwargs)


def _answer(solo_round, owner, **kwargs):
    rq = solo_round.questions.get()
    return svc.recording_start(round=solo_round, user=owner, kind="answer", mime=MIME, round_question=rq, **kwargs)


def _refusal(call) -> svc.RecordingRefused:
    with pytest.raises(svc.RecordingRefused) as caught:
        call()
    return caught.value


def _stored(recording) -> bytes:
    return b"".join(svc.chunk_stream(recording))


@pytest.mark.django_db
def test_chunks_in_order_make_one_file_with_its_length(solo_round, owner, recordings_in_tmp):
    recording = _answer(solo_round, owner)
    parts = [webm(300, first=True), webm(200), webm(50)]
    for seq, data in enumerate(parts):
        receipt = svc.chunk_append(recording=recording, seq=seq, data=data, content_type=MIME, audio_ms=0)
        assert receipt.stored and receipt.expected == seq + 1
    recording.refresh_from_db()
    assert (recording.chunk_count, recording.bytes, recording.mime) == (3, 550, "audio/webm")
    assert _stored(recording) == b"".join(parts)
    assert len(list(recordings_in_tmp.rglob("*.part"))) == 3
    assert recording.round_question.question.slug == "bayes" and recording.kind == "answer"


@pytest.mark.django_db
def test_a_chunk_sent_again_after_a_lost_answer_is_not_stored_twice(solo_round, owner):
    recording = _answer(solo_round, owner)
    first = webm(120, first=True)
    svc.chunk_append(recording=recording, seq=0, data=first, content_type=MIME, audio_ms=None)
    again = svc.chunk_append(recording=recording, seq=0, data=first, content_type=MIME, audio_ms=None)
    assert not again.stored and again.expected == 1
    refused = _refusal(lambda: svc.chunk_append(recording=recording, seq=0, data=first + b"x", content_type=MIME,
                                                audio_ms=None))
    assert refused.status == 409 and refused.expected == 1
    assert RecordingChunk.objects.filter(recording=recording).count() == 1


@pytest.mark.django_db
def test_a_gap_is_refused_and_says_which_chunk_comes_next(solo_round, owner):
    recording = _answer(solo_round, owner)
    svc.chunk_append(recording=recording, seq=0, data=webm(first=True), content_type=MIME, audio_ms=None)
    refused = _refusal(lambda: svc.chunk_append(recording=recording, seq=2, data=webm(), content_type=MIME, audio_ms=None))
    assert (refused.status, refused.expected) == (409, 1)
    assert "Chunk 1 must come next" in refused.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize("content_type, data, status", [
    ("video/mp4", webm(first=True), 415),          # not the recording's type
    ("audio/ogg", webm(first=True), 415),          # another audio type than it started with
    (MIME, b"RIFF....WAVEfmt " + bytes(50), 415),  # the first chunk is not WebM
    (MIME, b"", 400),                              # nothing
], ids=["other-type", "other-audio", "not-webm", "empty"])
def test_chunks_of_the_wrong_kind_are_refused_and_nothing_is_stored(solo_round, owner, recordings_in_tmp,
                                                                   content_type, data, status):
    recording = _answer(solo_round, owner)
    refused = _refusal(lambda: svc.chunk_append(recording=recording, seq=0, data=data, content_type=content_type,
                                                audio_ms=None))
    assert refused.status == status
    assert not RecordingChunk.objects.exists() and not list(recordings_in_tmp.rglob("*.part"))


@pytest.mark.django_db
def test_a_chunk_over_the_size_cap_is_refused(solo_round, owner, settings):
    settings.RECORDING_CHUNK_MAX_BYTES = 16 * 1024
    recording = _answer(solo_round, owner)
    refused = _refusal(lambda: svc.chunk_append(recording=recording, seq=0, data=webm(16 * 1024 + 1, first=True),
                                                content_type=MIME, audio_ms=None))
    assert refused.status == 413 and "16 KB" in refused.messages[0]


@pytest.mark.django_db
def test_the_quota_stops_a_chunk_that_would_pass_it_and_a_new_recording(solo_round, owner, settings):
    settings.RECORDING_QUOTA_BYTES = 1000
    recording = _answer(solo_round, owner)
    svc.chunk_append(recording=recording, seq=0, data=webm(900, first=True), content_type=MIME, audio_ms=None)
    refused = _refusal(lambda: svc.chunk_append(recording=recording, seq=1, data=webm(101), content_type=MIME,
                                                audio_ms=None))
    assert refused.status == 403 and "allowance" in refused.messages[0]
    svc.chunk_append(recording=recording, seq=1, data=webm(100), content_type=MIME, audio_ms=None)  # exactly full
    assert svc.quota_used(owner.pk) == 1000
    assert _refusal(lambda: _answer(solo_round, owner)).status == 403


@pytest.mark.django_db(transaction=True)  # two connections: each upload sees only what the other committed
def test_two_tabs_uploading_at_once_cannot_both_pass_the_quota(solo_round, owner, settings):
    settings.RECORDING_QUOTA_BYTES = 1000
    first, second = _answer(solo_round, owner), _answer(solo_round, owner)
    outcome = {}

    def second_tab_uploads():
        try:
            outcome["receipt"] = svc.chunk_append(recording=second, seq=0, data=webm(600, first=True),
                                                  content_type=MIME, audio_ms=None)
        except svc.RecordingRefused as refused:
            outcome["refused"] = refused
        finally:
            connection.close()

    second_tab = threading.Thread(target=second_tab_uploads)
    with transaction.atomic():  # the first tab's chunk is stored but not yet committed when the second's arrives
        svc.chunk_append(recording=first, seq=0, data=webm(600, first=True), content_type=MIME, audio_ms=None)
        second_tab.start()
        second_tab.join(timeout=1)
        waited_for_the_first = second_tab.is_alive()
    second_tab.join(timeout=60)
    assert waited_for_the_first, "the second upload read the quota while the first was still being stored"
    assert "receipt" not in outcome and outcome["refused"].status == 403
    assert svc.quota_used(owner.pk) == 600
    assert not RecordingChunk.objects.filter(recording=second).exists()


@pytest.mark.django_db
def test_a_chunk_cannot_claim_more_audio_than_time_has_passed(solo_round, owner):
    start = timezone.now()
    recording = _answer(solo_round, owner, now=start)
    later = start + timedelta(seconds=4)
    svc.chunk_append(recording=recording, seq=0, data=webm(first=True), content_type=MIME, audio_ms=4000, now=later)
    too_long = _refusal(lambda: svc.chunk_append(recording=recording, seq=1, data=webm(), content_type=MIME,
                                                 audio_ms=60_000, now=later))
    backwards = _refusal(lambda: svc.chunk_append(recording=recording, seq=1, data=webm(), content_type=MIME,
                                                  audio_ms=1000, now=later))
    assert too_long.status == backwards.status == 400
    recording.refresh_from_db()
    assert recording.duration_seconds == 4.0


@pytest.mark.django_db
def test_a_finished_recording_takes_no_more_chunks(solo_round, owner):
    recording = _answer(solo_round, owner)
    svc.chunk_append(recording=recording, seq=0, data=webm(first=True), content_type=MIME, audio_ms=None)
    svc.recording_finish(recording=recording)
    svc.recording_finish(recording=recording)  # twice is no error
    refused = _refusal(lambda: svc.chunk_append(recording=recording, seq=1, data=webm(), content_type=MIME, audio_ms=None))
    assert refused.status == 409


@pytest.mark.django_db
def test_a_call_records_only_while_both_agree(live_round, owner, partner, recording_round):
    recording = _start_call(recording_round, owner, Role.INTERVIEWER)
    assert (recording.kind, recording.owner, recording.round_question_id) == ("call", owner, live_round.current_id)
    assert _start_call(recording_round, partner, Role.CANDIDATE).owner == partner


@pytest.mark.django_db
def test_a_call_without_both_agreeing_is_not_recorded(live_round, owner):
    assert _refusal(lambda: _start_call(live_round, owner, Role.INTERVIEWER)).status == 409
    assert not Recording.objects.exists()


@pytest.mark.django_db
def test_spoken_answers_are_for_solo_rounds_and_spoken_questions(live_round, owner, partner, mini_pack):
    paired = as_role(live_round, Role.CANDIDATE)
    rq = paired.questions.first()
    assert _refusal(lambda: svc.recording_start(round=paired, user=partner, kind="answer", mime=MIME,
                                                round_question=rq)).status == 403
    coding = round_services.session_start(owner=owner, question=Question.objects.get(slug="sum-two")).rounds.get()
    coding.role = Role.SOLO
    assert _refusal(lambda: svc.recording_start(round=coding, user=owner, kind="answer", mime=MIME,
                                                round_question=coding.questions.get())).status == 400
    assert _refusal(lambda: svc.recording_start(round=coding, user=owner, kind="video", mime=MIME)).status == 400
    assert _refusal(lambda: svc.recording_start(round=coding, user=owner, kind="answer", mime="audio/wav",
                                                round_question=coding.questions.get())).status == 415


@pytest.mark.django_db
def test_the_recruiter_stage_answers_every_question_aloud(solo_round):
    rq = RoundQuestion.objects.select_related("question", "round").get(round=solo_round)
    assert svc.is_spoken(rq)  # a concept question
    rq.question.kind = Question.Kind.CODING
    assert not svc.is_spoken(rq)
    rq.round.stage_kind = "recruiter"
    assert svc.is_spoken(rq)


@pytest.mark.django_db
def test_nothing_is_recorded_once_the_round_is_over(solo_round, owner):
    round_services.round_end(round=solo_round)
    solo_round.role = Role.SOLO
    assert _refusal(lambda: _answer(solo_round, owner)).status == 409


@pytest.mark.django_db(transaction=True)  # the files go when the deletion commits
def test_deleting_a_recording_or_its_round_deletes_its_files(solo_round, owner, outsider, recordings_in_tmp):
    first, second = _answer(solo_round, owner), _answer(solo_round, owner)
    for recording in (first, second):
        svc.chunk_append(recording=recording, seq=0, data=webm(first=True), content_type=MIME, audio_ms=None)
    assert len(list(recordings_in_tmp.rglob("*.part"))) == 2
    with pytest.raises(svc.PermissionDenied):
        svc.recording_delete(recording=first, user=outsider)
    svc.recording_delete(recording=first, user=owner)
    assert len(list(recordings_in_tmp.rglob("*.part"))) == 1
    solo_round.session.delete()
    assert not list(recordings_in_tmp.rglob("*.part")) and not Recording.objects.exists()


@pytest.mark.django_db
def test_starting_recordings_is_rate_limited(solo_round, owner):
    start = timezone.now()
    for i in range(svc.STARTS_PER_MINUTE):
        _answer(solo_round, owner, now=start + timedelta(seconds=i))
    refused = _refusal(lambda: _answer(solo_round, owner, now=start + timedelta(seconds=30)))
    assert refused.status == 429
    assert _answer(solo_round, owner, now=start + timedelta(seconds=61))  # the first have left the minute


@pytest.mark.django_db
def test_a_user_cannot_pile_up_open_recordings(solo_round, owner):
    made = [_answer(solo_round, owner) for _ in range(svc.MAX_OPEN_PER_USER + 3)]
    assert Recording.objects.filter(finished_at=None).count() == svc.MAX_OPEN_PER_USER
    assert Recording.objects.get(pk=made[-1].pk).finished_at is None  # the newest stay open


@pytest.mark.django_db(transaction=True)
def test_the_sweep_finishes_abandoned_recordings_and_deletes_old_ones(solo_round, owner, settings, recordings_in_tmp):
    now = timezone.now()
    fresh = _answer(solo_round, owner, now=now)
    old = _answer(solo_round, owner, now=now - timedelta(days=200))
    svc.chunk_append(recording=old, seq=0, data=webm(first=True), content_type=MIME, audio_ms=None,
                     now=now - timedelta(days=200))
    abandoned = _answer(solo_round, owner, now=now - timedelta(minutes=30))
    assert svc.recordings_finish_stale(now=now) == 1  # no chunk for 30 minutes; `old` had one just now
    assert Recording.objects.get(pk=fresh.pk).finished_at is None
    assert Recording.objects.get(pk=abandoned.pk).finished_at is not None
    svc.recordings_finish_stale(now=now + svc.STALE_AFTER * 2)  # a later sweep: the empty one goes
    assert not Recording.objects.filter(pk=abandoned.pk).exists() and Recording.objects.filter(pk=old.pk).exists()
    settings.RECORDING_RETENTION_DAYS = 0
    assert svc.recordings_purge(now=now) == 0
    settings.RECORDING_RETENTION_DAYS = 180
    assert svc.recordings_purge(now=now) == 1
    assert not Recording.objects.filter(pk=old.pk).exists() and not list(recordings_in_tmp.rglob("*.part"))
