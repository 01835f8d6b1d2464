"""Where a board shows: the replay (its states by time, bounded), review, print, Markdown export and the
interviewer's live page, always as the server's SVG with the text escaped."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from questions.models import Question, Stage
from sessions.models import WhiteboardSnapshot
from sessions.paired import services as paired_services
from sessions.rounds import services as svc
from sessions.whiteboard import selectors
from sessions.whiteboard.services import whiteboard_save

T0 = timezone.now().replace(microsecond=0) - timedelta(hours=1)
HOSTILE = "<script>alert('board')</script>"


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def scene(label):
    return {"elements": [{"id": "t", "type": "text", "x": 0, "y": 0, "width": 80, "height": 25, "text": label}]}


@pytest.fixture
def drawn_round(owner, mini_pack):
    stage_round = svc.session_start(owner=owner, question=Question.objects.get(slug="design-feed"), now=T0).rounds.get()
    rq = stage_round.questions.get()
    for offset, label in ((30, "first"), (90, "second"), (60 * 9, HOSTILE)):
        whiteboard_save(round_question=rq, scene=scene(label), now=at(offset))
    svc.round_end(round=stage_round, now=at(60 * 10))
    return stage_round


@pytest.mark.django_db
def test_the_replay_has_each_state_in_time_order(owner_client, drawn_round):
    data = owner_client.get(f"/practice/rounds/{drawn_round.pk}/replay/").json()
    boards = data["boards"]
    assert [b["offset"] for b in boards] == [30.0, 90.0, 540.0]
    assert "first" in boards[0]["svg"] and "second" in boards[1]["svg"]
    assert "&lt;script&gt;" in boards[2]["svg"] and "<script" not in boards[2]["svg"]
    assert {b["question"] for b in boards} == {drawn_round.questions.get().pk}


@pytest.mark.django_db
def test_the_replay_draws_a_bounded_number_of_states_spread_over_the_round(drawn_round, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_REPLAY_FRAMES", 4)
    rq = drawn_round.questions.get()
    WhiteboardSnapshot.objects.bulk_create(
        WhiteboardSnapshot(round_question=rq, content='{"elements":[]}', offset_seconds=600 + i) for i in range(20)
    )
    offsets = [frame["offset"] for frame in selectors.replay_frames([rq.pk])]
    assert len(offsets) == 4 and offsets[0] == 30.0 and offsets[-1] == 619.0 and offsets == sorted(offsets)


@pytest.mark.django_db
def test_review_print_and_markdown_show_the_final_board_escaped(owner_client, drawn_round):
    session_id = drawn_round.session_id
    for path in (f"/practice/sessions/{session_id}/review/", f"/practice/sessions/{session_id}/print/",
                 f"/practice/sessions/{session_id}/export.md"):
        body = owner_client.get(path).content.decode()
        assert 'class="whiteboard-svg"' in body, path
        assert "&lt;script&gt;alert(&#x27;board&#x27;)&lt;/script&gt;" in body, path
        assert HOSTILE not in body, path


@pytest.mark.django_db
def test_the_interviewer_follows_the_candidates_board_read_only(owner, partner, mini_pack):
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[Question.objects.get(slug="design-feed")]
    )
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    stage_round = svc.round_start(round=session.rounds.get())
    whiteboard_save(round_question=stage_round.questions.get(), scene=scene("Feature store"))
    interviewer = Client()
    interviewer.force_login(owner)
    html = interviewer.get(f"/practice/rounds/{stage_round.pk}/").content.decode()
    assert "Their whiteboard" in html and "Feature store" in html and 'id="whiteboard"' not in html
    assert "vendor/excalidraw" not in html  # no editor bundle on a page that only shows the drawing
