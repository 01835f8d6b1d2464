"""The FSRS scheduler (the `fsrs` package) as this app configures it, and a card's schedule replayed from its reviews.

Two choices differ from the package's defaults, both because a review here is a mock round, not a flashcard:
- no learning or relearning steps (the defaults re-show a card after 1 and 10 minutes): a question answered
  in a round is next seen on a later day, so every rating schedules in days from the first one;
- no fuzzing: "due in 3 days" on the page is what happens, and the same reviews always give the same schedule
  (the daily limit already spreads the load that fuzzing exists to spread).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

from sessions.models import ReviewCard, ReviewSettings

DEFAULT_RETENTION = ReviewSettings._meta.get_field("desired_retention").default


def settings_for(user) -> ReviewSettings:
    """The user's saved settings, or the defaults (unsaved) until they save the form."""
    return ReviewSettings.objects.filter(user=user).first() or ReviewSettings(user=user)


def scheduler_for(desired_retention: float = DEFAULT_RETENTION) -> Scheduler:
    return Scheduler(desired_retention=desired_retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def replay(ratings: Iterable[tuple[int, datetime]], *, scheduler: Scheduler) -> Card | None:
    """The FSRS card after these (rating, when) reviews in time order, or None when there are none."""
    card = None
    for rating, when in sorted(ratings, key=lambda pair: pair[1]):
        card, _ = scheduler.review_card(card or Card(), Rating(rating), when.astimezone(UTC))
    return card


def counted_reviews(card: ReviewCard):
    """The reviews that schedule the card: those since it was last forgotten."""
    reviews = card.reviews.all()
    return reviews.filter(reviewed_at__gte=card.reset_at) if card.reset_at else reviews


def card_reschedule(card: ReviewCard, *, scheduler: Scheduler) -> ReviewCard:
    """Rewrite the card's cached schedule from its reviews (see sessions.models.cards)."""
    reviews = list(counted_reviews(card).order_by("reviewed_at", "id").values_list("rating", "reviewed_at"))
    replayed = replay(reviews, scheduler=scheduler)
    if replayed is None:  # new, or forgotten since: due from the moment it was created or reset
        card.state, card.stability, card.difficulty = ReviewCard.State.LEARNING, None, None
        card.due, card.last_review, card.last_rating = card.reset_at or card.created_at, None, None
    else:
        card.state, card.stability, card.difficulty = int(replayed.state), replayed.stability, replayed.difficulty
        card.due, card.last_review, card.last_rating = replayed.due, replayed.last_review, reviews[-1][0]
    card.reviews_count = len(reviews)
    card.save(update_fields=["state", "stability", "difficulty", "due", "last_review", "last_rating", "reviews_count"])
    return card


def retrievability(card: ReviewCard, now: datetime, *, scheduler: Scheduler) -> float | None:
    """The chance, by FSRS, that the user still recalls the answer now; None for a card never reviewed."""
    if card.is_new or card.stability is None:
        return None
    fsrs_card = Card(state=card.state, stability=card.stability, difficulty=card.difficulty, due=card.due,
                     last_review=card.last_review)
    return scheduler.get_card_retrievability(fsrs_card, now.astimezone(UTC))
