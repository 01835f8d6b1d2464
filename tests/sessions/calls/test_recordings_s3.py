"""Recordings kept in an S3-compatible store (RECORDINGS_STORAGE=s3), the way production may keep them:
the storage is built by the same settings code from the same environment variables, and talks HTTP to
moto's S3 server on loopback. Chunks land under the prefix as private objects, play back whole through
the view, and leave the bucket when the recording is deleted or ages out."""

from datetime import timedelta

import boto3
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer

from interviewprep.env import recordings_storage_from_env
from sessions.calls import recordings as svc
from sessions.models import Recording
from tests.sessions.calls.conftest import webm

MIME = "audio/webm;codecs=opus"
BUCKET = "interviewprep-recordings"
PREFIX = "voices"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, recordings_in_tmp):
    """A fresh bucket, and the recordings storage pointed at it as a deployment's environment would."""
    for name, value in {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret",
                        "RECORDINGS_STORAGE": "s3", "RECORDINGS_S3_BUCKET": BUCKET,
                        "RECORDINGS_S3_ENDPOINT_URL": s3_endpoint, "RECORDINGS_S3_REGION": "eu-west-2",
                        "RECORDINGS_S3_PREFIX": PREFIX}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-2")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    settings.STORAGES = {**settings.STORAGES, "recordings": recordings_storage_from_env(str(recordings_in_tmp))}
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> list[str]:
    return sorted(obj["Key"] for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def _recorded(solo_round, owner, parts) -> Recording:
    recording = svc.recording_start(round=solo_round, user=owner, kind="answer", mime=MIME,
                                    round_question=solo_round.questions.get())
    for seq, data in enumerate(parts):
        svc.chunk_append(recording=recording, seq=seq, data=data, content_type=MIME, audio_ms=None)
    svc.recording_finish(recording=recording)
    return recording


@pytest.mark.django_db
def test_chunks_are_private_objects_under_the_prefix_and_play_back_whole(bucket, solo_round, owner,
                                                                        recordings_in_tmp):
    parts = [webm(4000, first=True), webm(3000), webm(17)]
    recording = _recorded(solo_round, owner, parts)
    assert _keys(bucket) == [f"{PREFIX}/{owner.pk}/{recording.pk}/{seq:06d}.part" for seq in range(3)]
    assert not recordings_in_tmp.exists() or not any(recordings_in_tmp.rglob("*.part"))  # nothing local
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=_keys(bucket)[0])["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"] and "URI" not in grants[0]["Grantee"]

    client = Client()
    client.force_login(owner)
    audio = client.get(reverse("recording_audio", args=[recording.pk]))
    assert audio.status_code == 200 and audio["Content-Type"].startswith("audio/webm")
    assert b"".join(audio.streaming_content) == b"".join(parts)


@pytest.mark.django_db
def test_a_resent_chunk_does_not_make_a_second_object(bucket, solo_round, owner):
    recording = svc.recording_start(round=solo_round, user=owner, kind="answer", mime=MIME,
                                    round_question=solo_round.questions.get())
    first = webm(500, first=True)
    svc.chunk_append(recording=recording, seq=0, data=first, content_type=MIME, audio_ms=None)
    again = svc.chunk_append(recording=recording, seq=0, data=first, content_type=MIME, audio_ms=None)
    assert not again.stored and len(_keys(bucket)) == 1


@pytest.mark.django_db(transaction=True)  # objects are deleted once the deletion commits
def test_deleting_or_ageing_out_removes_the_objects(bucket, solo_round, owner, settings):
    kept = _recorded(solo_round, owner, [webm(300, first=True), webm(300)])
    svc.recording_delete(recording=kept, user=owner)
    assert _keys(bucket) == []

    old = _recorded(solo_round, owner, [webm(200, first=True)])
    settings.RECORDING_RETENTION_DAYS = 30
    assert svc.recordings_purge(now=timezone.now() + timedelta(days=31)) == 1
    assert _keys(bucket) == [] and not Recording.objects.filter(pk=old.pk).exists()
