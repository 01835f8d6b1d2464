"""A finished round's questions become reviews: the rating table (sessions.scheduling.ratings), applied when the
round ends, when a grade, an assessment or a late verdict arrives, and when the interviewer releases the scorecard."""

from datetime import timedelta

import pytest

from questions.models import Question
from sessions.models import CardReview, Guest, InterviewSession, ReviewCard, Submission
from sessions.rounds import services as round_services
from sessions.runs.submissions import submission_execute
from sessions.scheduling.recording import reviews_backfill, round_reviews_record
from tests.sessions.scheduling.helpers import (
    at, card, concept_review, judged, paired_round, release_scorecard, self_assess, solo_round,
)

RIGHT = "a, b = map(int, input().split())\nprint(a + b)\n"
START = at("2026-03-02")


def ratings(user, slug: str) -> list[tuple[int, str]]:
    return list(CardReview.objects.filter(card__owner=user, card__question__slug=slug)
                .order_by("reviewed_at").values_list("rating", "source"))


def coding_round(user, *, submits=(), hints: int = 0, minutes: int = 30):
    """sum-two answered in a solo round: `hints` revealed, then Submits with these verdicts, ended after `minutes`."""
    stage_round = solo_round(user, "sum-two", START)
    rq = stage_round.questions.get()
    round_services.answer_save(round_question=rq, values={"code": RIGHT}, now=START + timedelta(minutes=1))
    for _ in range(hints):
        round_services.hint_reveal_next(round_question=rq, now=START + timedelta(minutes=2))
    for i, verdict in enumerate(submits):
        judged(user, rq, verdict, START + timedelta(minutes=3 + i))
    return round_services.round_end(round=stage_round, now=START + timedelta(minutes=minutes))


# ---------------------------------------------------------------- the table


@pytest.mark.django_db
@pytest.mark.parametrize("grade, rating", [("again", 1), ("hard", 2), ("good", 3), ("easy", 4)])
def test_a_concept_self_grade_is_its_rating(mini_pack, owner, grade, rating):
    concept_review(owner, "bayes", grade, START)
    assert ratings(owner, "bayes") == [(rating, "self_grade")]
    review = CardReview.objects.get()
    assert review.reviewed_at == START + timedelta(minutes=8)  # when it was graded


@pytest.mark.django_db
@pytest.mark.parametrize("submits, hints, minutes, expected", [
    (["AC"], 0, 30, 3),  # first Submit accepted: Good
    (["AC"], 0, 10, 4),  # ... within half the question's time (22.5 min of 45): Easy
    (["WA", "AC"], 0, 10, 2),  # after a failed Submit: Hard
    (["AC"], 1, 10, 2),  # after a hint: Hard
    (["WA", "TLE"], 0, 30, 1),  # never accepted: Again
    ([], 0, 30, 1),  # code written, never submitted: Again
])
def test_coding_is_rated_from_its_verdicts(mini_pack, owner, submits, hints, minutes, expected):
    stage_round = coding_round(owner, submits=submits, hints=hints, minutes=minutes)
    assert ratings(owner, "sum-two") == [(expected, "verdict")]
    # seconds_spent is what counted as fast: the whole round was on this one question.
    assert stage_round.questions.get().seconds_spent == pytest.approx(minutes * 60)


@pytest.mark.django_db
def test_a_hint_read_after_the_accepted_submit_does_not_count(mini_pack, owner):
    stage_round = solo_round(owner, "sum-two", START)
    rq = stage_round.questions.get()
    judged(owner, rq, "AC", START + timedelta(minutes=3))
    round_services.hint_reveal_next(round_question=rq, now=START + timedelta(minutes=4))
    round_services.round_end(round=stage_round, now=START + timedelta(minutes=30))
    assert ratings(owner, "sum-two") == [(3, "verdict")]
    assert CardReview.objects.get().reason == "accepted at the first Submit"


@pytest.mark.django_db
def test_a_run_is_not_a_submit(mini_pack, owner):
    coding_round(owner, submits=[])
    assert ratings(owner, "sum-two") == [(1, "verdict")]
    CardReview.objects.all().delete()
    stage_round = solo_round(owner, "sum-two", START)
    rq = stage_round.questions.get()
    judged(owner, rq, "AC", START + timedelta(minutes=2), kind=Submission.Kind.RUN)
    round_services.round_end(round=stage_round, now=START + timedelta(minutes=30))
    assert CardReview.objects.get(round_question=rq).rating == 1


@pytest.mark.django_db
def test_design_and_behavioural_take_the_self_assessment_and_the_released_rating_wins(mini_pack, owner, partner):
    stage_round = paired_round(partner, owner, "design-feed", START)
    rq = stage_round.questions.get()
    round_services.answer_save(round_question=rq, values={"answer": "Fan-out on write."}, now=START)
    round_services.round_end(round=stage_round, now=START + timedelta(minutes=40))
    assert ratings(owner, "design-feed") == []  # nothing said yet how it went
    self_assess(stage_round, 2, START + timedelta(minutes=45))
    assert ratings(owner, "design-feed") == [(2, "self_assessment")]
    assert card(owner, "design-feed").last_rating == 2
    release_scorecard(stage_round, partner, "strong_yes", START + timedelta(minutes=50))
    assert ratings(owner, "design-feed") == [(4, "interviewer")]  # the same review, rewritten
    assert card(owner, "design-feed").reviews_count == 1
    assert not ReviewCard.objects.filter(owner=partner).exists()  # the interviewer practised nothing


@pytest.mark.django_db
def test_an_untouched_question_and_an_open_round_give_no_review(mini_pack, owner):
    stage_round = solo_round(owner, "bayes", START)
    assert round_reviews_record(stage_round) == 0  # still running
    # Ended the moment it started: no time on the question, nothing written.
    ended = round_services.round_end(round=stage_round, now=START)
    assert ended.questions.get().seconds_spent == 0
    assert round_reviews_record(ended) == 0
    assert not ReviewCard.objects.exists()


# ---------------------------------------------------------------- when it is recorded


@pytest.mark.django_db
def test_a_grade_after_the_end_and_time_running_out_both_record(mini_pack, owner):
    stage_round = solo_round(owner, "bayes", START)
    rq = stage_round.questions.get()
    round_services.answer_save(round_question=rq, values={"answer": "Prior."}, now=START + timedelta(minutes=1))
    round_services.round_sync(round=stage_round, now=START + timedelta(hours=2))  # the clock closes it
    stage_round.refresh_from_db()
    assert stage_round.end_reason == "time_up" and ratings(owner, "bayes") == []
    round_services.self_grade_set(round_question=rq, grade="hard", now=START + timedelta(hours=3))
    assert ratings(owner, "bayes") == [(2, "self_grade")]


@pytest.mark.django_db
def test_a_submit_judged_after_the_round_ended_rates_the_question(mini_pack, owner):
    """The real sandbox judges the late Submit; its verdict then schedules the card."""
    stage_round = solo_round(owner, "sum-two", START)
    rq = stage_round.questions.get()
    pending = judged(owner, rq, "", START + timedelta(minutes=3), status=Submission.Status.QUEUED)
    Submission.objects.filter(pk=pending.pk).update(source=RIGHT)
    round_services.round_end(round=stage_round, now=START + timedelta(minutes=30))
    assert ratings(owner, "sum-two") == []  # waiting for the verdict
    done = submission_execute(submission_id=pending.pk)
    assert done.verdict == "AC"
    assert ratings(owner, "sum-two") == [(3, "verdict")]


@pytest.mark.django_db
def test_recording_twice_changes_nothing_and_the_backfill_is_the_same_call(mini_pack, owner):
    concept_review(owner, "bayes", "good", START)
    coding_round(owner, submits=["WA", "AC"])
    before = list(CardReview.objects.order_by("pk").values())
    cards_before = list(ReviewCard.objects.order_by("pk").values())
    assert reviews_backfill() == (2, 0)
    assert reviews_backfill() == (2, 0)
    assert list(CardReview.objects.order_by("pk").values()) == before
    assert list(ReviewCard.objects.order_by("pk").values()) == cards_before


@pytest.mark.django_db
def test_the_backfill_builds_cards_for_history_from_before_cards(mini_pack, owner):
    concept_review(owner, "bayes", "easy", START)
    concept_review(owner, "bayes", "good", START + timedelta(days=9))
    CardReview.objects.all().delete()
    ReviewCard.objects.all().delete()
    assert reviews_backfill() == (2, 2)  # one card, updated by each round
    bayes = card(owner, "bayes")
    assert bayes.reviews_count == 2 and bayes.last_rating == 3
    assert bayes.due > START + timedelta(days=9)


@pytest.mark.django_db
def test_a_guest_candidate_gets_no_cards(mini_pack, owner, partner):
    Guest.objects.create(user=partner)
    stage_round = paired_round(owner, partner, "bayes", START)
    rq = stage_round.questions.get()
    round_services.answer_save(round_question=rq, values={"answer": "Prior."}, now=START)
    round_services.round_end(round=stage_round, now=START + timedelta(minutes=5))
    release_scorecard(stage_round, owner, "yes", START + timedelta(minutes=6))
    assert not ReviewCard.objects.exists()


@pytest.mark.django_db
def test_an_imported_round_keeps_the_reviews_it_came_with(mini_pack, owner):
    stage_round = concept_review(owner, "bayes", "good", START)
    InterviewSession.objects.filter(pk=stage_round.session_id).update(imported_at=START + timedelta(days=1))
    CardReview.objects.update(rating=CardReview.Rating.HARD, reason="as exported")
    stage_round.refresh_from_db()
    assert round_reviews_record(stage_round) == 0
    assert ratings(owner, "bayes") == [(2, "self_grade")]
    CardReview.objects.all().delete()  # an import from before exports carried cards
    assert round_reviews_record(stage_round) == 1
    assert ratings(owner, "bayes") == [(3, "self_grade")]


@pytest.mark.django_db
def test_a_question_practised_twice_is_one_card_with_two_reviews(mini_pack, owner):
    concept_review(owner, "bayes", "again", START)
    concept_review(owner, "bayes", "good", START + timedelta(days=1))
    bayes = card(owner, "bayes")
    assert (bayes.reviews_count, bayes.last_rating) == (2, 3)
    assert Question.objects.get(slug="bayes").review_cards.count() == 1
