"""The pack's reference diagram is interviewer-only text: the interviewer sees it, a candidate never mid-round,
and it shows in the review and print pages once the round is over."""

import pytest
from django.test import Client

from questions.models import Question, Stage
from sessions.paired import services as paired_services
from sessions.rounds import services as svc
from questions.scenes import scene_clean, scene_json

# Stored as the pack loader stores it: a clean scene.
DIAGRAM = scene_json(scene_clean({"elements": [
    {"id": "ref", "type": "text", "x": 0, "y": 0, "width": 200, "height": 25, "text": "REFERENCE-MARK"},
]}))


@pytest.fixture
def design_feed(mini_pack):
    Question.objects.filter(slug="design-feed").update(reference_diagram=DIAGRAM)
    return Question.objects.get(slug="design-feed")


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_paired_candidate_never_sees_it_mid_round_and_the_interviewer_does(owner, partner, design_feed):
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[design_feed]
    )
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    stage_round = svc.round_start(round=session.rounds.get())
    candidate, interviewer = client_of(partner), client_of(owner)
    for path in (f"/practice/rounds/{stage_round.pk}/", f"/practice/rounds/{stage_round.pk}/q/1/board/",
                 f"/practice/rounds/{stage_round.pk}/replay/", f"/practice/sessions/{session.pk}/review/",
                 f"/practice/sessions/{session.pk}/print/", f"/practice/sessions/{session.pk}/export.md",
                 f"/questions/{design_feed.slug}/"):
        assert "REFERENCE-MARK" not in candidate.get(path).content.decode(), path
    assert "REFERENCE-MARK" in interviewer.get(f"/practice/rounds/{stage_round.pk}/").content.decode()


@pytest.mark.django_db
def test_a_solo_round_shows_it_only_once_the_round_is_over(owner, owner_client, design_feed):
    stage_round = svc.session_start(owner=owner, question=design_feed).rounds.get()
    assert "REFERENCE-MARK" not in owner_client.get(f"/practice/rounds/{stage_round.pk}/").content.decode()
    assert "REFERENCE-MARK" not in owner_client.get(f"/practice/sessions/{stage_round.session_id}/print/").content.decode()
    svc.round_end(round=stage_round)
    for path in (f"/practice/sessions/{stage_round.session_id}/review/",
                 f"/practice/sessions/{stage_round.session_id}/print/",
                 f"/practice/sessions/{stage_round.session_id}/export.md"):
        assert "REFERENCE-MARK" in owner_client.get(path).content.decode(), path
