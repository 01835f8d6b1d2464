"""A review round: today's queue drawn into a timed session, each question in its own stage's round."""

import random
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from questions.models import Question
from sessions.models import ReviewCard, Round
from sessions.scheduling.cards import review_settings_save
from sessions.scheduling.review_round import review_session_start
from tests.sessions.scheduling.helpers import at, card, concept_review
from tests.sessions.scheduling.test_queue import reviewed_card


@pytest.mark.django_db
def test_due_cards_then_new_questions_are_drawn_into_rounds_per_stage(mini_pack, owner):
    now = at("2026-05-10")
    review_settings_save(user=owner, desired_retention=0.9, reviews_per_day=10, new_per_day=1,
                         kinds=["concept", "coding", "design", "behavioral"])
    reviewed_card(owner, "bayes", due=now - timedelta(days=1))
    reviewed_card(owner, "sum-two", due=now - timedelta(days=3))
    session = review_session_start(owner=owner, now=now, rng=random.Random(5))
    rounds = list(session.rounds.order_by("order"))
    drawn = [[rq.question.slug for rq in r.questions.order_by("order")] for r in rounds]
    new_slug = ({"design-feed", "why-us"} & {slug for slugs in drawn for slug in slugs}).pop()
    # The coding screen holds sum-two (oldest due), bayes, and design-feed if it was the new one; why-us is the chat's.
    if new_slug == "design-feed":
        assert drawn == [["sum-two", "bayes", "design-feed"]]
        assert rounds[0].duration_seconds == 3 * 45 * 60 // 2  # the stage's 45 minutes for 2 questions, times 3
    else:
        assert drawn == [["sum-two", "bayes"], ["why-us"]]
        assert [r.duration_seconds for r in rounds] == [45 * 60, 30 * 60]
    assert session.title.startswith("Review: 3 questions")
    assert [r.status for r in rounds][:1] == [Round.Status.RUNNING]  # the first starts at once
    assert all(r.stage.loop.slug == "alpha" and r.title.startswith("Review: ") for r in rounds)
    assert card(owner, new_slug).is_new  # the new question is a card now, due as it is answered


@pytest.mark.django_db
def test_nothing_due_is_a_clear_refusal_and_creates_nothing(mini_pack, owner):
    review_settings_save(user=owner, desired_retention=0.9, reviews_per_day=10, new_per_day=0, kinds=["concept"])
    with pytest.raises(ValidationError, match="Nothing is due today"):
        review_session_start(owner=owner, now=at("2026-05-10"))
    assert not owner.interview_sessions.exists() and not ReviewCard.objects.exists()


@pytest.mark.django_db
def test_answering_the_review_round_schedules_the_cards_again(mini_pack, owner):
    concept_review(owner, "bayes", "good", at("2026-05-01"))
    due = card(owner, "bayes").due
    review_settings_save(user=owner, desired_retention=0.9, reviews_per_day=10, new_per_day=0, kinds=["concept"])
    session = review_session_start(owner=owner, now=due)
    assert [rq.question.slug for rq in session.rounds.get().questions.all()] == ["bayes"]
    concept_review(owner, "bayes", "easy", due + timedelta(minutes=1))  # answered in a round at the due time
    assert card(owner, "bayes").reviews_count == 2 and card(owner, "bayes").due > due + timedelta(days=3)


@pytest.mark.django_db
def test_many_questions_of_one_stage_are_split_into_rounds_of_ten(mini_pack, owner):
    screen = Question.objects.get(slug="bayes").stages.get()
    extra = [Question.objects.create(pack=mini_pack, slug=f"concept-{i}", kind="concept", title=f"Concept {i}",
                                     prompt="Explain.") for i in range(12)]
    for question in extra:
        question.stages.add(screen)
    now = at("2026-05-10")
    review_settings_save(user=owner, desired_retention=0.9, reviews_per_day=12, new_per_day=0, kinds=["concept"])
    for question in extra:
        reviewed_card(owner, question.slug, due=now - timedelta(days=1))
    session = review_session_start(owner=owner, now=now)
    assert [r.questions.count() for r in session.rounds.order_by("order")] == [10, 2]
