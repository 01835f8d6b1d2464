"""`whiteboard_save`: saved like an answer (only while the round runs, validated before any write), with replay
snapshots thinned and capped as the answers' are."""

from datetime import timedelta

import pytest
from django.utils import timezone

from questions.models import Question, Stage
from sessions.models import Round, Whiteboard, WhiteboardSnapshot
from sessions.paired import services as paired_services
from sessions.rounds import answers
from sessions.rounds import services as svc
from sessions.rounds.refusals import RoundClosed, Withheld
from questions.scenes import SceneInvalid
from sessions.whiteboard.services import whiteboard_save

T0 = timezone.now().replace(microsecond=0)


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def scene(*labels):
    return {"elements": [{"id": f"e{i}", "type": "text", "x": 0, "y": 30 * i, "width": 80, "height": 25, "text": label}
                         for i, label in enumerate(labels)]}


@pytest.fixture
def board_question(owner, mini_pack):
    session = svc.session_start(owner=owner, question=Question.objects.get(slug="design-feed"), now=T0)
    return session.rounds.get().questions.get()


@pytest.mark.django_db
def test_it_saves_the_clean_scene_and_a_snapshot_of_each_change(board_question):
    assert whiteboard_save(round_question=board_question, scene=scene("client"), now=at(10)).changed
    assert not whiteboard_save(round_question=board_question, scene=scene("client"), now=at(20)).changed
    assert whiteboard_save(round_question=board_question, scene=scene("client", "cache"), now=at(30)).changed
    assert '"text":"cache"' in Whiteboard.objects.get().scene
    assert list(WhiteboardSnapshot.objects.order_by("id").values_list("offset_seconds", flat=True)) == [10.0, 30.0]
    stage_round = Round.objects.get()
    assert stage_round.snapshot_bytes == sum(len(s.content.encode()) for s in WhiteboardSnapshot.objects.all())
    assert stage_round.version >= 2  # each change tells the interviewer's live page


@pytest.mark.django_db
def test_a_bad_scene_saves_nothing(board_question):
    with pytest.raises(SceneInvalid):
        whiteboard_save(round_question=board_question, scene={"elements": [{"id": "x", "type": "image"}]}, now=at(5))
    assert not Whiteboard.objects.exists() and not WhiteboardSnapshot.objects.exists()
    assert Round.objects.get().snapshot_bytes == 0


@pytest.mark.django_db
def test_only_design_questions_have_a_board(owner, mini_pack):
    session = svc.session_start(owner=owner, question=Question.objects.get(slug="bayes"), now=T0)
    with pytest.raises(SceneInvalid, match="Only design questions"):
        whiteboard_save(round_question=session.rounds.get().questions.get(), scene=scene("x"), now=at(5))


@pytest.mark.django_db
def test_an_ended_round_keeps_its_board_as_it_was(board_question):
    whiteboard_save(round_question=board_question, scene=scene("before"), now=at(5))
    svc.round_end(round=board_question.round, now=at(10))
    board_question.round.refresh_from_db()
    with pytest.raises(RoundClosed):
        whiteboard_save(round_question=board_question, scene=scene("after"), now=at(20))
    assert '"before"' in Whiteboard.objects.get().scene


@pytest.mark.django_db
def test_snapshots_are_thinned_like_answers_and_span_the_round(board_question, monkeypatch):
    monkeypatch.setattr(answers, "MAX_SNAPSHOTS_PER_FIELD", 10)
    for i in range(40):
        whiteboard_save(round_question=board_question, scene=scene(f"v{i}"), now=at(10 * i + 10))
        assert WhiteboardSnapshot.objects.count() <= 10
    kept = list(WhiteboardSnapshot.objects.order_by("offset_seconds"))
    assert '"v0"' in kept[0].content and '"v39"' in kept[-1].content
    # Thinning gave back the bytes it deleted: the round's count is what is kept.
    assert Round.objects.get().snapshot_bytes == sum(len(s.content.encode()) for s in kept)


@pytest.mark.django_db
def test_past_the_history_cap_the_board_is_saved_without_a_snapshot(board_question, settings):
    settings.SNAPSHOT_BYTES_PER_ROUND = 1024
    first = whiteboard_save(round_question=board_question, scene=scene("small"), now=at(5))
    big = whiteboard_save(round_question=board_question, scene=scene("x" * 1500), now=at(10))
    assert not first.history_full and big.history_full and big.changed
    assert "x" * 1500 in Whiteboard.objects.get().scene
    assert WhiteboardSnapshot.objects.count() == 1


@pytest.mark.django_db
def test_a_paired_candidate_draws_only_on_the_question_on_screen(owner, partner, mini_pack):
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"),
        questions=[Question.objects.get(slug="bayes"), Question.objects.get(slug="design-feed")],
    )
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    stage_round = svc.round_start(round=session.rounds.get())
    design = stage_round.questions.get(question__slug="design-feed")
    design.round = stage_round
    with pytest.raises(Withheld):
        whiteboard_save(round_question=design, scene=scene("early"))
    assert not Whiteboard.objects.exists()
