"""The user's own changes to their queue: settings (all or nothing), suspend, add."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from questions.models import Question
from sessions.models import ReviewCard, ReviewSettings
from sessions.scheduling.cards import card_add, card_suspend, review_settings_save
from sessions.scheduling.queue import due_today
from tests.sessions.scheduling.helpers import at, card, concept_review, paired_round

GOOD = {"desired_retention": 0.85, "reviews_per_day": 20, "new_per_day": 5, "kinds": ["coding", "concept"]}


@pytest.mark.django_db
@pytest.mark.parametrize("field, value, message", [
    ("desired_retention", 0.5, "between 70% and 97%"),
    ("desired_retention", 0.99, "between 70% and 97%"),
    ("reviews_per_day", 0, "between 1 and 100"),
    ("reviews_per_day", 101, "between 1 and 100"),
    ("new_per_day", 21, "between 0 and 20"),
    ("kinds", [], "at least one kind"),
    ("kinds", ["concept", "poetry"], "at least one kind"),
])
def test_bad_settings_are_refused_whole(owner, field, value, message):
    with pytest.raises(ValidationError) as refused:
        review_settings_save(user=owner, **{**GOOD, field: value})
    assert message in str(refused.value.message_dict[field])
    assert not ReviewSettings.objects.exists()


@pytest.mark.django_db
def test_settings_are_saved_in_a_fixed_kind_order(owner):
    saved = review_settings_save(user=owner, **GOOD)
    assert (saved.desired_retention, saved.reviews_per_day, saved.new_per_day) == (0.85, 20, 5)
    assert saved.kinds == ["concept", "coding"] and saved.included_kinds == ("concept", "coding")


@pytest.mark.django_db
def test_a_new_retention_reschedules_every_card(mini_pack, owner):
    concept_review(owner, "bayes", "good", at("2026-05-01"))
    before = card(owner, "bayes").due
    review_settings_save(user=owner, **{**GOOD, "desired_retention": 0.95})
    assert card(owner, "bayes").due < before
    review_settings_save(user=owner, **{**GOOD, "desired_retention": 0.9})
    assert card(owner, "bayes").due == before


@pytest.mark.django_db
def test_a_suspended_card_comes_back_as_its_reviews_say(mini_pack, owner):
    concept_review(owner, "bayes", "again", at("2026-05-01"))
    bayes = card(owner, "bayes")
    card_suspend(card=bayes, suspended=True)
    later = bayes.due + timedelta(days=3)
    assert due_today(owner, now=later).due == []
    card_suspend(card=bayes, suspended=False)
    assert [c.pk for c in due_today(owner, now=later).due] == [bayes.pk]  # overdue now


@pytest.mark.django_db
def test_adding_a_question_makes_a_new_card_once(mini_pack, owner):
    bayes = Question.objects.get(slug="bayes")
    added = card_add(user=owner, question=bayes, now=at("2026-05-01"))
    assert added.is_new and added.due == at("2026-05-01")
    assert card_add(user=owner, question=bayes).pk == added.pk
    assert ReviewCard.objects.count() == 1


@pytest.mark.django_db
def test_a_live_candidate_cannot_add_the_question_they_are_answering(mini_pack, owner, partner):
    paired_round(owner, partner, "bayes", at("2026-05-01"))
    with pytest.raises(PermissionDenied):
        card_add(user=partner, question=Question.objects.get(slug="bayes"))
    assert not ReviewCard.objects.exists()
