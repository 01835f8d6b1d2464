"""Spaced repetition: a card per question a user practised, the reviews that schedule it, and their settings.

A card's scheduling columns (state, stability, difficulty, due) are a cache: they are always what
replaying the card's reviews since `reset_at` through FSRS gives (`sessions.scheduling.scheduler`),
so a review whose rating changes later (the interviewer's scorecard is released after the
candidate's own assessment) or a review added by an import re-schedules the card correctly.
"""

from django.conf import settings
from django.db import models


class Rating(models.IntegerChoices):
    """FSRS's four ratings (fsrs.Rating), with their values."""

    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class ReviewCard(models.Model):
    """One question in one user's review queue."""

    class State(models.IntegerChoices):
        # FSRS's states (fsrs.State); a card with no review yet is "new" whatever this says.
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    question = models.ForeignKey("questions.Question", on_delete=models.CASCADE, related_name="review_cards")
    created_at = models.DateTimeField()
    # Suspended cards are never due; "forget" sets reset_at, and only later reviews count.
    suspended = models.BooleanField(default=False)
    reset_at = models.DateTimeField(null=True, blank=True)
    # The scheduler's view of the card (see the module docstring).
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    last_rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    reviews_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "question"], name="unique_review_card")]
        indexes = [models.Index(fields=["owner", "suspended", "due"])]

    def __str__(self) -> str:
        return f"{self.owner} · {self.question}"

    @property
    def is_new(self) -> bool:
        return self.reviews_count == 0


class CardReview(models.Model):
    """One rating of a card, taken from what happened to its question in one round."""

    Rating = Rating

    class Source(models.TextChoices):
        SELF_GRADE = "self_grade", "Your self-grade"
        VERDICT = "verdict", "Judged runs"
        SELF_ASSESSMENT = "self_assessment", "Your self-assessment"
        INTERVIEWER = "interviewer", "The interviewer's rating"

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="reviews")
    # The answered question the rating comes from; a round question gives its card one review at most.
    round_question = models.ForeignKey(
        "RoundQuestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="card_reviews"
    )
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    reason = models.CharField(max_length=200, blank=True)  # why this rating, in words (shown on the cards page)
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["card", "reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["card", "round_question"], name="unique_review_per_round_question"),
        ]


class ReviewSettings(models.Model):
    """A user's choices for their review queue (the defaults hold until they save the form)."""

    KINDS = ("concept", "coding", "design", "behavioral")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_settings")
    desired_retention = models.FloatField(default=0.9)
    reviews_per_day = models.PositiveSmallIntegerField(default=10)
    new_per_day = models.PositiveSmallIntegerField(default=3)
    kinds = models.JSONField(default=list)  # of Question.Kind values; empty means every kind
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desired_retention__gte=0.7, desired_retention__lte=0.97), name="retention_in_range"
            ),
        ]

    @property
    def included_kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind in self.KINDS if not self.kinds or kind in self.kinds)
