"""A card's schedule is what the `fsrs` package gives for its reviews, replayed in time order."""

from datetime import UTC, timedelta

import pytest
from fsrs import Card, Rating, Scheduler

from sessions.models import CardReview, ReviewCard
from sessions.scheduling.cards import card_forget
from sessions.scheduling.scheduler import card_reschedule, retrievability, scheduler_for
from tests.sessions.scheduling.helpers import at, card, concept_review

SEQUENCES = [
    [3, 3, 3, 3],
    [1, 1, 3, 4],
    [4, 2, 1, 3],
    [2, 3, 3, 1, 3],
]
GRADES = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def by_fsrs(ratings: list[int], times, retention: float) -> Card:
    """The package itself, configured as sessions.scheduling.scheduler documents."""
    scheduler = Scheduler(desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    fsrs_card = Card()
    for rating, when in zip(ratings, times):
        fsrs_card, _ = scheduler.review_card(fsrs_card, Rating(rating), when.astimezone(UTC))
    return fsrs_card


@pytest.mark.django_db
@pytest.mark.parametrize("ratings", SEQUENCES)
def test_rounds_graded_on_their_due_days_schedule_as_fsrs_does(mini_pack, owner, ratings):
    """Each round is practised the day its card falls due; the card matches fsrs review for review."""
    when, times = at("2026-01-05"), []
    for rating in ratings:
        concept_review(owner, "bayes", GRADES[rating], when)
        graded = when + timedelta(minutes=8)
        times.append(graded)
        expected = by_fsrs(ratings[:len(times)], times, 0.9)
        bayes = card(owner, "bayes")
        assert bayes.due == expected.due
        assert (bayes.state, bayes.stability, bayes.difficulty) == (int(expected.state), expected.stability,
                                                                    expected.difficulty)
        assert bayes.last_review == expected.last_review == graded
        when = bayes.due
    assert card(owner, "bayes").reviews_count == len(ratings)


@pytest.mark.django_db
def test_reviews_recorded_out_of_order_replay_in_time_order(mini_pack, owner):
    later = concept_review(owner, "bayes", "easy", at("2026-01-10"))
    earlier = concept_review(owner, "bayes", "again", at("2026-01-01"))
    expected = by_fsrs([1, 4], [at("2026-01-01") + timedelta(minutes=8), at("2026-01-10") + timedelta(minutes=8)], 0.9)
    bayes = card(owner, "bayes")
    assert (bayes.due, bayes.stability, bayes.last_rating) == (expected.due, expected.stability, 4)
    assert later.pk != earlier.pk


@pytest.mark.django_db
def test_a_higher_retention_brings_cards_back_sooner(mini_pack, owner):
    concept_review(owner, "bayes", "good", at("2026-01-05"))
    bayes = card(owner, "bayes")
    default_due = bayes.due
    strict = card_reschedule(bayes, scheduler=scheduler_for(0.97))
    assert strict.due < default_due
    assert strict.due == by_fsrs([3], [at("2026-01-05") + timedelta(minutes=8)], 0.97).due


@pytest.mark.django_db
def test_forgetting_starts_over_but_keeps_the_log(mini_pack, owner):
    concept_review(owner, "bayes", "easy", at("2026-01-05"))
    forgotten = card_forget(card=card(owner, "bayes"), now=at("2026-01-07"))
    assert forgotten.is_new and forgotten.due == at("2026-01-07") and forgotten.stability is None
    assert CardReview.objects.count() == 1
    concept_review(owner, "bayes", "hard", at("2026-01-08"))
    again = card(owner, "bayes")
    # Only the review after the reset schedules it: as if it were the first.
    assert again.due == by_fsrs([2], [at("2026-01-08") + timedelta(minutes=8)], 0.9).due
    assert again.reviews_count == 1


@pytest.mark.django_db
def test_retrievability_is_the_packages_and_none_for_a_new_card(mini_pack, owner):
    concept_review(owner, "bayes", "good", at("2026-01-05"))
    bayes = card(owner, "bayes")
    scheduler = scheduler_for(0.9)
    later = at("2026-01-09")
    expected = scheduler.get_card_retrievability(by_fsrs([3], [bayes.last_review], 0.9), later)
    assert retrievability(bayes, later, scheduler=scheduler) == pytest.approx(expected)
    assert retrievability(ReviewCard(owner=owner, question=bayes.question, created_at=later, due=later), later,
                          scheduler=scheduler) is None
