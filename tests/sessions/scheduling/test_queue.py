"""What is due today, on fixed clocks: oldest due first, the daily limits, the kinds chosen, and what is withheld."""

import random
from datetime import timedelta

import pytest

from questions.models import Question
from sessions.models import ReviewCard, ReviewSettings
from sessions.scheduling.cards import card_add, card_suspend, review_settings_save
from sessions.scheduling.queue import day_bounds, due_today
from tests.sessions.scheduling.helpers import at, card, concept_review, paired_round

ALL_KINDS = list(ReviewSettings.KINDS)


def reviewed_card(user, slug: str, *, due, last_review=None) -> ReviewCard:
    """A card reviewed once before, its schedule set directly (the scheduler has its own tests). It has no review
    rows, so anything that replays the log (saving a new retention) makes it new again: save settings first."""
    question = Question.objects.get(slug=slug)
    return ReviewCard.objects.create(owner=user, question=question, created_at=due - timedelta(days=10), due=due,
                                     state=2, stability=3.0, difficulty=5.0, reviews_count=1, last_rating=3,
                                     last_review=last_review or due - timedelta(days=3))


@pytest.mark.django_db
def test_due_cards_come_oldest_first_and_tomorrows_wait(mini_pack, owner):
    now = at("2026-05-10", 9)
    reviewed_card(owner, "bayes", due=now - timedelta(days=2))
    reviewed_card(owner, "sum-two", due=now - timedelta(days=5))
    reviewed_card(owner, "design-feed", due=now + timedelta(hours=10))  # later today: due today
    reviewed_card(owner, "why-us", due=now + timedelta(days=1))
    queue = due_today(owner, now=now, rng=random.Random(1))
    assert [c.question.slug for c in queue.due] == ["sum-two", "bayes", "design-feed"]
    assert queue.due_beyond_limit == 0 and queue.new_count == 0  # every question has a card


@pytest.mark.django_db
def test_the_daily_review_limit_counts_what_was_reviewed_today(mini_pack, owner):
    now = at("2026-05-10", 18)
    review_settings_save(user=owner, desired_retention=0.9, reviews_per_day=2, new_per_day=0, kinds=ALL_KINDS)
    for slug in ("sum-two", "design-feed", "why-us"):
        reviewed_card(owner, slug, due=now - timedelta(days=1))
    queue = due_today(owner, now=now)
    assert len(queue.due) == 2 and queue.due_beyond_limit == 1
    # bayes, reviewed before, is reviewed again this morning: one of the day's two is used.
    concept_review(owner, "bayes", "good", at("2026-05-01"))
    concept_review(owner, "bayes", "good", at("2026-05-10", 8))
    queue = due_today(owner, now=now)
    assert queue.reviewed_today == 1
    assert len(queue.due) == 1 and queue.due_beyond_limit == 2


@pytest.mark.django_db
def test_new_questions_fill_the_new_card_limit_in_a_mix_of_kinds(mini_pack, owner):
    now = at("2026-05-10")
    queue = due_today(owner, now=now, rng=random.Random(3))
    assert queue.settings.new_per_day == 3 and queue.new_count == 3
    assert len({q.kind for q in queue.new_questions}) == 3  # four questions of four kinds: three kinds
    # A card the user added comes first among the new ones; a question first answered today uses the allowance.
    card_add(user=owner, question=Question.objects.get(slug="why-us"), now=now)
    concept_review(owner, "bayes", "good", now - timedelta(hours=2))
    queue = due_today(owner, now=now, rng=random.Random(3))
    assert queue.introduced_today == 1
    assert [c.question.slug for c in queue.new_cards] == ["why-us"]
    assert len(queue.new_questions) == 1 and queue.new_questions[0].slug in {"sum-two", "design-feed"}


@pytest.mark.django_db
def test_the_pick_of_new_questions_is_stable_for_the_day(mini_pack, owner):
    morning, evening = at("2026-05-10", 7), at("2026-05-10", 22)
    first = [q.slug for q in due_today(owner, now=morning).new_questions]
    assert [q.slug for q in due_today(owner, now=evening).new_questions] == first


@pytest.mark.django_db
def test_kinds_left_out_and_suspended_cards_are_never_due(mini_pack, owner):
    now = at("2026-05-10")
    review_settings_save(user=owner, desired_retention=0.9, reviews_per_day=10, new_per_day=0, kinds=["concept"])
    reviewed_card(owner, "bayes", due=now - timedelta(days=1))
    reviewed_card(owner, "sum-two", due=now - timedelta(days=1))
    assert [c.question.slug for c in due_today(owner, now=now).due] == ["bayes"]
    card_suspend(card=card(owner, "bayes"), suspended=True)
    assert due_today(owner, now=now).total == 0


@pytest.mark.django_db
def test_questions_of_a_live_round_the_user_is_candidate_in_are_withheld(mini_pack, owner, partner):
    now = at("2026-05-10")
    reviewed_card(partner, "bayes", due=now - timedelta(days=1))
    paired_round(owner, partner, "bayes", now)  # partner answers bayes right now, interviewed by owner
    queue = due_today(partner, now=now)
    assert queue.due == [] and "bayes" not in {q.slug for q in queue.new_questions}
    # The interviewer is not withheld anything.
    reviewed_card(owner, "bayes", due=now - timedelta(days=1))
    assert [c.question.slug for c in due_today(owner, now=now).due] == ["bayes"]


@pytest.mark.django_db
def test_today_is_the_local_day(settings, mini_pack, owner):
    settings.TIME_ZONE = "Asia/Tokyo"  # UTC+9: 20:00 UTC on the 10th is 05:00 on the 11th there
    start, end = day_bounds(at("2026-05-10", 20))
    assert (start.isoformat(), end.isoformat()) == ("2026-05-11T00:00:00+09:00", "2026-05-12T00:00:00+09:00")
