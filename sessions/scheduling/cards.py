"""What a user changes in their own review queue: settings, and a card forgotten, suspended or added."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from questions.access import can_view_answers
from questions.models import Question
from sessions.models import ReviewCard, ReviewSettings
from sessions.scheduling.scheduler import card_reschedule, scheduler_for, settings_for

RETENTION_RANGE = (0.70, 0.97)
REVIEWS_PER_DAY_RANGE = (1, 100)
NEW_PER_DAY_RANGE = (0, 20)


def review_settings_errors(*, desired_retention: float, reviews_per_day: int, new_per_day: int,
                           kinds: list[str]) -> dict[str, str]:
    """What is wrong with these settings, by field (empty when they may be saved); the form and the import ask."""
    errors = {}
    if not RETENTION_RANGE[0] <= desired_retention <= RETENTION_RANGE[1]:
        errors["desired_retention"] = "Choose a desired retention between 70% and 97%."
    if not REVIEWS_PER_DAY_RANGE[0] <= reviews_per_day <= REVIEWS_PER_DAY_RANGE[1]:
        errors["reviews_per_day"] = "Review between 1 and 100 questions a day."
    if not NEW_PER_DAY_RANGE[0] <= new_per_day <= NEW_PER_DAY_RANGE[1]:
        errors["new_per_day"] = "Take between 0 and 20 new questions a day."
    unknown = [kind for kind in kinds if kind not in ReviewSettings.KINDS]
    if unknown or not kinds:
        errors["kinds"] = "Include at least one kind of question: concept, coding, design or behavioural."
    return errors


def review_settings_save(*, user, desired_retention: float, reviews_per_day: int, new_per_day: int,
                         kinds: list[str]) -> ReviewSettings:
    """Save the settings (all or nothing); a new retention reschedules every card of the user."""
    errors = review_settings_errors(desired_retention=desired_retention, reviews_per_day=reviews_per_day,
                                    new_per_day=new_per_day, kinds=kinds)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        settings = settings_for(user)
        retention_changed = settings.pk is None or settings.desired_retention != desired_retention
        settings.desired_retention, settings.reviews_per_day, settings.new_per_day = (
            desired_retention, reviews_per_day, new_per_day)
        settings.kinds = [kind for kind in ReviewSettings.KINDS if kind in kinds]
        settings.save()
        if retention_changed:
            scheduler = scheduler_for(desired_retention)
            for card in ReviewCard.objects.filter(owner=user, reviews_count__gt=0):
                card_reschedule(card, scheduler=scheduler)
    return settings


def card_forget(*, card: ReviewCard, now: datetime | None = None) -> ReviewCard:
    """Start the card again as new: its reviews stay in the log, but only later ones schedule it."""
    card.reset_at = now or timezone.now()
    card.save(update_fields=["reset_at"])
    return card_reschedule(card, scheduler=scheduler_for(settings_for(card.owner).desired_retention))


def card_suspend(*, card: ReviewCard, suspended: bool) -> ReviewCard:
    """A suspended card is never due; unsuspended, it is due as its reviews say (perhaps overdue)."""
    card.suspended = suspended
    card.save(update_fields=["suspended"])
    return card


def card_add(*, user, question: Question, now: datetime | None = None) -> ReviewCard:
    """Add a question the user has not practised as a new card (drawn within the daily new-card limit)."""
    if not can_view_answers(user, question):
        raise PermissionDenied("This question cannot be added to your reviews while you are its candidate elsewhere.")
    now = now or timezone.now()
    card, _ = ReviewCard.objects.get_or_create(owner=user, question=question, defaults={"created_at": now, "due": now})
    if card.suspended:
        card = card_suspend(card=card, suspended=False)
    return card
