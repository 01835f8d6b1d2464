"""Whiteboards in the JSON export (version 3): exported with their history, restored on import, checked like a
drawn board; documents of versions 1 and 2 (no boards) still import."""

import json

import pytest

from questions.models import Question
from sessions.models import InterviewSession, Whiteboard, WhiteboardSnapshot
from sessions.portability.importer import user_data_import
from sessions.portability.json_export import user_data
from sessions.portability.schema import moment
from sessions.rounds import services as round_services
from sessions.whiteboard.services import whiteboard_save
from tests.sessions.portability.test_data_import import errors_of
from tests.sessions.portability.test_exports import at, fresh


def scene(label):
    return {"elements": [{"id": "t", "type": "text", "x": 0, "y": 0, "width": 80, "height": 25, "text": label}]}


def drawn_session(owner) -> InterviewSession:
    session = round_services.session_start(owner=owner, question=Question.objects.get(slug="design-feed"), now=at(0))
    stage_round = session.rounds.get()
    rq = stage_round.questions.get()
    whiteboard_save(round_question=rq, scene=scene("first"), now=at(1))
    whiteboard_save(round_question=rq, scene=scene("final"), now=at(2))
    round_services.round_end(round=fresh(stage_round), now=at(3))
    return session


def board_of(document) -> dict:
    return document["sessions"][0]["rounds"][0]["questions"][0]["whiteboard"]


@pytest.fixture
def document(owner, mini_pack):
    drawn_session(owner)
    data = json.loads(json.dumps(user_data(owner)))
    InterviewSession.objects.all().delete()
    return data


@pytest.mark.django_db
def test_the_export_carries_the_board_and_its_history(document):
    assert document["version"] == 3
    board = board_of(document)
    assert board["scene"]["elements"][0]["text"] == "final"
    assert [s["scene"]["elements"][0]["text"] for s in board["snapshots"]] == ["first", "final"]
    assert [s["offset_seconds"] for s in board["snapshots"]] == [60.0, 120.0]


@pytest.mark.django_db
def test_import_restores_the_board_with_its_times(owner, document):
    user_data_import(user=owner, data=document)
    assert '"final"' in Whiteboard.objects.get().scene
    snapshots = list(WhiteboardSnapshot.objects.order_by("offset_seconds"))
    assert [s.offset_seconds for s in snapshots] == [60.0, 120.0]
    assert [moment(s.created_at) for s in snapshots] == [s["created_at"] for s in board_of(document)["snapshots"]]
    again = json.loads(json.dumps(user_data(owner)))
    assert board_of(again) == board_of(document)


@pytest.mark.django_db
@pytest.mark.parametrize("version", [1, 2])
def test_older_documents_without_boards_still_import(owner, document, version):
    document["version"] = version
    del document["sessions"][0]["rounds"][0]["questions"][0]["whiteboard"]
    if version == 1:
        document.pop("review_cards", None)
        document.pop("review_settings", None)
    user_data_import(user=owner, data=document)
    assert InterviewSession.objects.count() == 1 and not Whiteboard.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("change, words", [
    (lambda b: b.update(scene={"elements": [{"id": "x", "type": "image"}]}), "whiteboard.scene: Element 1: a board takes"),
    (lambda b: b["snapshots"][0].update(scene={"elements": [{"id": "t", "type": "text", "text": 5}]}),
     "whiteboard.snapshots[0].scene: Element 1: text must be text"),
    (lambda b: b.update(scene="<svg onload=alert(1)>"), "A drawing is an object with a list of elements"),
])
def test_a_bad_board_is_named_and_nothing_is_saved(owner, document, change, words):
    change(board_of(document))
    messages = errors_of(owner, document)
    assert any(words in message for message in messages), messages
    assert not Whiteboard.objects.exists()


@pytest.mark.django_db
def test_a_board_on_a_question_that_has_none_is_refused(owner, document, mini_pack):
    rq = document["sessions"][0]["rounds"][0]["questions"][0]
    rq["question"]["slug"] = "bayes"
    rq["answer"] = ""
    messages = errors_of(owner, document)
    assert any("only design questions have a whiteboard" in message for message in messages), messages
