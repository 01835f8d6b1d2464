"""The round services: the server's clock, answers and snapshots, reveals, grades, the assessment."""

import random
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from questions.models import InterviewLoop, Question, Stage
from sessions.models import RoundEvent, RoundQuestion, Snapshot
from sessions.rounds import answers
from sessions.rounds import services as svc

T0 = timezone.now().replace(microsecond=0)


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def screen(mini_pack):
    return Stage.objects.get(slug="screen")


@pytest.fixture
def coding_round(owner, mini_pack):
    session = svc.session_start(owner=owner, question=Question.objects.get(slug="sum-two"), now=T0)
    return session.rounds.get()


@pytest.fixture
def design_round(owner, mini_pack):
    session = svc.session_start(owner=owner, question=Question.objects.get(slug="design-feed"), now=T0)
    return session.rounds.get()


@pytest.mark.django_db
def test_a_stage_round_draws_its_questions_and_starts(owner, screen):
    session = svc.session_start(owner=owner, stage=screen, now=T0, rng=random.Random(1))
    stage_round = session.rounds.get()
    assert (stage_round.status, stage_round.started_at, stage_round.duration_seconds) == ("running", T0, 45 * 60)
    assert stage_round.questions.count() == screen.questions_per_round == 2
    assert stage_round.current == stage_round.questions.order_by("order").first()
    assert list(stage_round.events.values_list("kind", flat=True)) == ["start"]


@pytest.mark.django_db
def test_questions_not_seen_recently_come_first(owner, screen):
    first = svc.session_start(owner=owner, stage=screen, now=T0, rng=random.Random(1))
    seen = set(first.rounds.get().questions.values_list("question_id", flat=True))
    second = svc.session_start(owner=owner, stage=screen, now=at(60), rng=random.Random(1))
    drawn = list(second.rounds.get().questions.values_list("question_id", flat=True))
    unseen = set(screen.questions.values_list("pk", flat=True)) - seen
    assert drawn[0] in unseen  # the one question never seen is drawn first


@pytest.mark.django_db
def test_a_whole_loop_is_one_round_per_stage_round(owner, mini_pack):
    loop = InterviewLoop.objects.get(slug="alpha")
    session = svc.session_start(owner=owner, loop=loop, now=T0)
    rounds = list(session.rounds.order_by("order"))
    assert [r.title for r in rounds] == ["Coding screen", "Culture chat (1 of 2)", "Culture chat (2 of 2)"]
    assert [r.status for r in rounds] == ["running", "pending", "pending"]
    with pytest.raises(svc.RoundClosed, match="Finish the round before"):
        svc.round_start(round=rounds[2], now=at(5))


@pytest.mark.django_db
def test_the_clock_is_arithmetic_on_stored_times(coding_round):
    assert coding_round.remaining_seconds(at(600)) == 45 * 60 - 600
    svc.round_pause(round=coding_round, now=at(600))
    assert coding_round.remaining_seconds(at(5000)) == 45 * 60 - 600  # paused: the clock stands still
    svc.round_resume(round=coding_round, now=at(900))
    assert coding_round.paused_seconds == 300
    assert coding_round.remaining_seconds(at(1000)) == 45 * 60 - 700
    kinds = list(coding_round.events.values_list("kind", flat=True))
    assert kinds == ["start", "pause", "resume"]


@pytest.mark.django_db
def test_time_up_closes_the_round_at_the_deadline_and_refuses_edits(coding_round):
    rq = coding_round.questions.get()
    svc.answer_save(round_question=rq, values={"code": "print(1)"}, now=at(60))
    late = at(45 * 60 + 30)
    with pytest.raises(svc.RoundClosed, match="time ran out"):
        svc.answer_save(round_question=rq, values={"code": "print(2)"}, now=late)
    coding_round.refresh_from_db()
    assert coding_round.status == "finished" and coding_round.end_reason == "time_up"
    assert coding_round.ended_at == at(45 * 60)
    rq.refresh_from_db()
    assert rq.code == "print(1)"  # kept as it stood


@pytest.mark.django_db
def test_the_sweep_closes_expired_rounds(coding_round):
    assert svc.rounds_close_expired(now=at(100)) == 0
    assert svc.rounds_close_expired(now=at(46 * 60)) == 1
    coding_round.refresh_from_db()
    assert coding_round.status == "finished"


@pytest.mark.django_db
def test_saves_make_deduplicated_snapshots(coding_round):
    rq = coding_round.questions.get()
    assert svc.answer_save(round_question=rq, values={"code": "a", "language": "python"}, now=at(1)) == ["code"]
    assert svc.answer_save(round_question=rq, values={"code": "a"}, now=at(2)) == []
    assert svc.answer_save(round_question=rq, values={"code": "ab"}, now=at(3)) == ["code"]
    assert list(Snapshot.objects.filter(round_question=rq).values_list("content", "offset_seconds")) == [
        ("a", 1.0), ("ab", 3.0)
    ]


@pytest.mark.django_db
def test_snapshots_are_bounded_and_still_span_the_whole_round(coding_round, monkeypatch):
    monkeypatch.setattr(answers, "MAX_SNAPSHOTS_PER_FIELD", 10)
    rq = coding_round.questions.get()
    for i in range(60):  # one save every 10 s for ten minutes
        svc.answer_save(round_question=rq, values={"code": f"v{i}"}, now=at(10 * i + 10))
        kept = list(Snapshot.objects.filter(round_question=rq).order_by("offset_seconds"))
        assert len(kept) <= 10
    assert (kept[0].content, kept[-1].content) == ("v0", "v59")  # the start and the final state
    gaps = [later.offset_seconds - earlier.offset_seconds for earlier, later in zip(kept, kept[1:])]
    assert max(gaps) <= 210  # no stretch of the round is lost: at worst every 21st save is kept
    assert len({s.content for s in kept}) == len(kept)


@pytest.mark.django_db
def test_thinning_keeps_the_first_and_the_newest_when_saves_share_a_moment(coding_round, monkeypatch):
    monkeypatch.setattr(answers, "MAX_SNAPSHOTS_PER_FIELD", 4)
    rq = coding_round.questions.get()
    for i in range(6):
        svc.answer_save(round_question=rq, values={"code": f"v{i}"}, now=at(5))
    assert list(Snapshot.objects.filter(round_question=rq).order_by("id").values_list("content", flat=True)) == [
        "v0", "v3", "v4", "v5"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("values, field", [
    ({"code": "x" * (64 * 1024 + 1)}, "code"),
    ({"answer": "x" * (64 * 1024 + 1)}, "answer"),
    ({"language": "cobol"}, "language"),
    ({"verdict": "AC"}, "verdict"),
])
def test_bad_answers_save_nothing(coding_round, values, field):
    rq = coding_round.questions.get()
    with pytest.raises(ValidationError) as caught:
        svc.answer_save(round_question=rq, values={"situation": "kept?", **values}, now=at(5))
    assert field in caught.value.message_dict
    rq.refresh_from_db()
    assert rq.situation == "" and not Snapshot.objects.exists()


@pytest.mark.django_db
def test_paused_rounds_refuse_edits(coding_round):
    svc.round_pause(round=coding_round, now=at(10))
    with pytest.raises(svc.RoundClosed, match="paused"):
        svc.answer_save(round_question=coding_round.questions.get(), values={"code": "x"}, now=at(11))


@pytest.mark.django_db
def test_constraints_arrive_on_request_and_on_schedule(design_round):
    rq = design_round.questions.get()
    svc.constraint_reveal_next(round_question=rq, now=at(30))
    assert rq.constraints_revealed == 1
    # Two constraints over 45 minutes: the second is due at 2/3 of the round.
    svc.round_sync(round=design_round, now=at(45 * 60 * 2 / 3 - 5))
    rq.refresh_from_db()
    assert rq.constraints_revealed == 1
    svc.round_sync(round=design_round, now=at(45 * 60 * 2 / 3 + 1))
    rq.refresh_from_db()
    assert rq.constraints_revealed == 2
    with pytest.raises(ValidationError, match="already shown"):
        svc.constraint_reveal_next(round_question=rq, now=at(1900))
    offsets = list(RoundEvent.objects.filter(kind="reveal_constraint").values_list("offset_seconds", flat=True))
    assert offsets[0] == 30


@pytest.mark.django_db
def test_reveal_and_grade(owner, mini_pack):
    session = svc.session_start(owner=owner, question=Question.objects.get(slug="bayes"), now=T0)
    rq = session.rounds.get().questions.get()
    svc.model_answer_reveal(round_question=rq, now=at(100))
    svc.model_answer_reveal(round_question=rq, now=at(200))  # twice is harmless
    svc.self_grade_set(round_question=rq, grade="good", now=at(210))
    rq.refresh_from_db()
    assert rq.model_answer_revealed_at == at(100) and rq.self_grade == "good"
    with pytest.raises(ValidationError):
        svc.self_grade_set(round_question=rq, grade="perfect", now=at(220))


@pytest.mark.django_db
def test_time_per_question_is_accounted(owner, screen):
    session = svc.session_start(owner=owner, stage=screen, now=T0, rng=random.Random(3))
    stage_round = session.rounds.get()
    first, second = stage_round.questions.order_by("order")
    svc.question_switch(round_question=second, now=at(100))
    svc.round_end(round=stage_round, now=at(160))
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.seconds_spent, second.seconds_spent) == (100, 60)


@pytest.mark.django_db
def test_assessment_needs_a_finished_round_and_valid_ratings(coding_round):
    items = list(coding_round.stage.rubric_items.values_list("pk", flat=True))
    with pytest.raises(svc.RoundClosed):
        svc.round_assess(round=coding_round, ratings={}, reflection="", now=at(10))
    svc.round_end(round=coding_round, now=at(20))
    with pytest.raises(ValidationError):
        svc.round_assess(round=coding_round, ratings={str(items[0]): 7}, reflection="", now=at(30))
    with pytest.raises(ValidationError):
        svc.round_assess(round=coding_round, ratings={"99999": 2}, reflection="", now=at(30))
    svc.round_assess(round=coding_round, ratings={str(items[0]): 3}, reflection="Test earlier.", now=at(30))
    assert coding_round.self_assessment == {str(items[0]): 3}


@pytest.mark.django_db
def test_ending_twice_is_fine_and_ending_stops_the_clock(coding_round):
    svc.round_end(round=coding_round, now=at(100))
    svc.round_end(round=coding_round, now=at(200))
    assert coding_round.ended_at == at(100) and coding_round.end_reason == "ended"
    assert coding_round.remaining_seconds(at(10_000)) == 45 * 60 - 100


@pytest.mark.django_db
def test_design_and_coding_answers_are_not_revealed_during_the_round(design_round, coding_round):
    for stage_round in (design_round, coding_round):
        with pytest.raises(ValidationError, match="after the round"):
            svc.model_answer_reveal(round_question=stage_round.questions.get(), now=at(10))
    assert not RoundQuestion.objects.exclude(model_answer_revealed_at=None).exists()
