"""Autosave over HTTP: fields of another kind are a 400, saving too often a 429, a full history a notice."""

import pytest
from django.core.cache import caches

from questions.models import Question, Stage
from sessions.models import RoundQuestion, Snapshot
from sessions.paired import services as paired_services
from sessions.rounds import services as svc
from sessions.rounds.answer_limits import user_snapshot_bytes

HX = {"HX-Request": "true"}


@pytest.fixture
def concept_round(owner, mini_pack):
    return svc.session_start(owner=owner, question=Question.objects.get(slug="bayes")).rounds.get()


def save_url(stage_round):
    return f"/practice/rounds/{stage_round.pk}/q/1/save/"


@pytest.mark.django_db
@pytest.mark.parametrize("data", [
    {"answer": "mine", "code": "print('stowaway')"},
    {"answer": "mine", "situation": "stowaway"},
    {"answer": "mine", "language": "python"},
])
def test_it_refuses_a_field_of_another_kind_with_a_400_and_saves_nothing(owner_client, concept_round, data):
    response = owner_client.post(save_url(concept_round), data, headers=HX)
    assert response.status_code == 400
    assert "A concept question has no" in response.content.decode()
    assert response["HX-Retarget"] == "#round-message"
    assert RoundQuestion.objects.get().answer == "" and not Snapshot.objects.exists()


@pytest.mark.django_db
def test_it_answers_saving_too_often_with_a_429_until_the_bucket_refills(owner_client, concept_round, settings):
    settings.AUTOSAVE_BURST = 3
    settings.AUTOSAVE_RATE_PER_S = 0.01  # one save per 100 s after the burst: the test never waits for it
    for i in range(3):
        assert owner_client.post(save_url(concept_round), {"answer": f"v{i}"}, headers=HX).status_code == 200
    refused = owner_client.post(save_url(concept_round), {"answer": "v3"}, headers=HX)
    assert refused.status_code == 429
    assert "Your text is still in the editor" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 100
    assert RoundQuestion.objects.get().answer == "v2" and Snapshot.objects.count() == 3
    # The bucket refilled (its entry expired): the next save carries the text.
    caches["throttle"].clear()
    assert owner_client.post(save_url(concept_round), {"answer": "v3"}, headers=HX).status_code == 200
    assert RoundQuestion.objects.get().answer == "v3"


@pytest.mark.django_db
def test_it_says_so_when_the_history_is_full_and_keeps_the_answer(owner_client, concept_round, settings):
    settings.SNAPSHOT_BYTES_PER_ROUND = 4
    assert "replay history is full" not in owner_client.post(save_url(concept_round), {"answer": "abc"}).content.decode()
    response = owner_client.post(save_url(concept_round), {"answer": "abcdef"}, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved at" in html and "replay history is full" in html
    assert RoundQuestion.objects.get().answer == "abcdef"
    assert list(Snapshot.objects.values_list("content", flat=True)) == ["abc"]


@pytest.mark.django_db
def test_a_paired_candidates_saves_are_limited_and_counted_as_theirs(partner_client, partner, owner, mini_pack, settings):
    settings.AUTOSAVE_BURST = 1
    settings.AUTOSAVE_RATE_PER_S = 0.01
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[Question.objects.get(slug="sum-two")]
    )
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    stage_round = svc.round_start(round=session.rounds.get())
    assert partner_client.post(save_url(stage_round), {"code": "x = 1"}, headers=HX).status_code == 200
    assert partner_client.post(save_url(stage_round), {"code": "x = 2"}, headers=HX).status_code == 429
    assert partner_client.post(save_url(stage_round), {"answer": "no"}, headers=HX).status_code == 429  # refused first
    assert RoundQuestion.objects.get().code == "x = 1"
    assert user_snapshot_bytes(partner.pk) == 5 and user_snapshot_bytes(owner.pk) == 0
