"""The whiteboard URL: the board's scene (GET) and its autosave (POST, JSON), with their refusals."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from questions.models import Question
from sessions.models import Whiteboard, WhiteboardSnapshot
from sessions.rounds import services as svc
from questions.scenes import MAX_SCENE_BYTES

SCENE = {"elements": [
    {"id": "lb", "type": "diamond", "x": 0, "y": 0, "width": 120, "height": 80},
    {"id": "svc", "type": "rectangle", "x": 300, "y": 0, "width": 120, "height": 80},
    {"id": "arrow", "type": "arrow", "x": 120, "y": 40, "width": 180, "height": 0, "points": [[0, 0], [180, 0]]},
]}


@pytest.fixture
def design_round(owner, mini_pack):
    return svc.session_start(owner=owner, question=Question.objects.get(slug="design-feed")).rounds.get()


def url(stage_round, number=1):
    return f"/practice/rounds/{stage_round.pk}/q/{number}/board/"


def post(client, stage_round, body, **kwargs):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(url(stage_round), data, content_type="application/json", **kwargs)


@pytest.mark.django_db
def test_it_saves_a_scene_and_gives_it_back(owner_client, design_round):
    response = post(owner_client, design_round, SCENE)
    assert response.status_code == 200 and response.json()["changed"] is True
    assert "HX-Trigger" in response  # the round clock, as every round response carries
    scene = owner_client.get(url(design_round)).json()["scene"]
    assert [e["type"] for e in scene["elements"]] == ["diamond", "rectangle", "arrow"]


@pytest.mark.django_db
def test_an_empty_board_is_an_empty_scene(owner_client, design_round):
    assert owner_client.get(url(design_round)).json() == {"scene": {"elements": []}}


@pytest.mark.django_db
@pytest.mark.parametrize("body, message", [
    ("{not json", "did not arrive as JSON"),
    ({"elements": [{"id": "x", "type": "image"}]}, "a board takes"),
    ({"elements": [{"id": "t", "type": "text", "text": 5}]}, "text must be text"),
    ("[" * 5000 + "]" * 5000, "did not arrive as JSON"),  # nested past the parser's depth
])
def test_a_bad_scene_is_a_400_with_a_message_and_saves_nothing(owner_client, design_round, body, message):
    response = post(owner_client, design_round, body)
    assert response.status_code == 400 and message in response.json()["error"]
    assert not Whiteboard.objects.exists() and not WhiteboardSnapshot.objects.exists()


@pytest.mark.django_db
def test_a_huge_scene_is_refused_before_it_is_parsed(owner_client, design_round):
    response = post(owner_client, design_round, " " * (MAX_SCENE_BYTES + 1))
    assert response.status_code == 400 and "KiB limit" in response.json()["error"]


@pytest.mark.django_db
def test_after_the_end_a_save_is_a_409(owner_client, design_round):
    svc.round_end(round=design_round, now=timezone.now() + timedelta(seconds=1))
    assert post(owner_client, design_round, SCENE).status_code == 409
    assert owner_client.get(url(design_round)).status_code == 200  # still readable
    assert not Whiteboard.objects.exists()


@pytest.mark.django_db
def test_too_many_saves_are_a_429_with_retry_after(owner_client, design_round, settings):
    settings.AUTOSAVE_BURST = 1
    settings.AUTOSAVE_RATE_PER_S = 0.01
    assert post(owner_client, design_round, SCENE).status_code == 200
    response = post(owner_client, design_round, {"elements": []})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert len(json.loads(Whiteboard.objects.get().scene)["elements"]) == 3


@pytest.mark.django_db
def test_a_question_without_a_board_is_a_404(owner, owner_client, mini_pack):
    stage_round = svc.session_start(owner=owner, question=Question.objects.get(slug="bayes")).rounds.get()
    assert owner_client.get(url(stage_round)).status_code == 404
    assert post(owner_client, stage_round, SCENE).status_code == 404


@pytest.mark.django_db
def test_outsiders_anonymous_users_and_wrong_methods_get_nothing(outsider, design_round):
    assert Client().get(url(design_round)).status_code == 302
    outsider_client = Client()
    outsider_client.force_login(outsider)
    assert outsider_client.get(url(design_round)).status_code == 404
    assert post(outsider_client, design_round, SCENE).status_code == 404
    assert not Whiteboard.objects.exists()


@pytest.mark.django_db
def test_wrong_methods_and_missing_csrf_are_refused(owner, owner_client, design_round):
    assert owner_client.put(url(design_round)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert post(strict, design_round, SCENE).status_code == 403
    assert not Whiteboard.objects.exists()


@pytest.mark.django_db
def test_the_round_page_loads_the_board_only_for_design_questions(owner, owner_client, design_round, mini_pack):
    html = owner_client.get(f"/practice/rounds/{design_round.pk}/").content.decode()
    assert 'id="whiteboard"' in html and "vendor/excalidraw/whiteboard.min.js" in html
    other = svc.session_start(owner=owner, question=Question.objects.get(slug="bayes")).rounds.get()
    html = owner_client.get(f"/practice/rounds/{other.pk}/").content.decode()
    assert "whiteboard" not in html
