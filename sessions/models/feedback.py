"""What the people in a round write about it: notes, structured note sheets, the scorecard, feedback on the interviewer."""

from django.conf import settings
from django.db import models

from sessions.models.rounds import Round, RoundQuestion


class Note(models.Model):
    """One time-stamped entry of the interviewer's notes (or a solo user's notes on their own answers)."""

    class Tag(models.TextChoices):
        STRONG = "strong", "Strong signal"
        WEAK = "weak", "Weak signal"
        HINT = "hint", "Hint given"
        RED_FLAG = "red_flag", "Red flag"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="notes")
    round_question = models.ForeignKey(RoundQuestion, null=True, blank=True, on_delete=models.SET_NULL)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)  # values of Tag
    offset_seconds = models.FloatField(default=0)  # on the round's clock, when the entry was begun
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "offset_seconds", "id"]

    @property
    def tag_labels(self) -> list[tuple[str, str]]:
        labels = dict(self.Tag.choices)
        return [(tag, labels[tag]) for tag in self.tags if tag in labels]


class NoteSheet(models.Model):
    """Structured notes that follow the template of the round's stage kind (see `sessions.feedback.note_templates`).

    Per-question templates (behavioural) have one sheet per question; the others one per round.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="note_sheets")
    round_question = models.ForeignKey(RoundQuestion, null=True, blank=True, on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    template = models.CharField(max_length=32)
    fields = models.JSONField(default=dict, blank=True)  # {section key: Markdown}
    ratings = models.JSONField(default=dict, blank=True)  # {competency key: 1..4}
    stamps = models.JSONField(default=dict, blank=True)  # {section key: round offset when first written}
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "round_question", "author"], name="unique_note_sheet"),
            models.UniqueConstraint(
                fields=["round", "author"], condition=models.Q(round_question=None), name="unique_round_note_sheet"
            ),
        ]


class Scorecard(models.Model):
    """The interviewer's verdict on a paired round. The candidate sees nothing of it until it is released."""

    class Rating(models.TextChoices):
        STRONG_NO = "strong_no", "Strong no"
        NO = "no", "No"
        YES = "yes", "Yes"
        STRONG_YES = "strong_yes", "Strong yes"

    # A rating as a score from 1 to 4 (progress charts, review cards).
    SCORES = {Rating.STRONG_NO: 1, Rating.NO: 2, Rating.YES: 3, Rating.STRONG_YES: 4}

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="scorecard")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # {"stage:<id>" or "question:<id>": Rating}
    ratings = models.JSONField(default=dict, blank=True)
    recommendation = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    feedback = models.TextField(blank=True)
    share_notes = models.BooleanField(default=False)  # release the time-stamped notes with the scorecard
    updated_at = models.DateTimeField(auto_now=True)
    released_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class InterviewerFeedback(models.Model):
    """The candidate's word on how they were interviewed: in peer practice, feedback goes both ways.

    Sent once, after the round, by the round's candidate (so it needs no author of its own), and read
    by both people in the round. The interviewer's scorecard stays a separate, one-way thing.
    """

    # (key, statement the candidate rates from 1 to 4)
    ASPECTS = (
        ("clarity", "The questions, and what was expected of me, were clear"),
        ("pacing", "Hints and follow-ups came at the right moments"),
        ("realism", "It felt like the real interview"),
    )
    SCALE = ((1, "Not at all"), (2, "A little"), (3, "Mostly"), (4, "Fully"))

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="interviewer_feedback")
    ratings = models.JSONField(default=dict)  # {aspect key: 1..4}, every aspect rated
    comments = models.TextField(blank=True)
    sent_at = models.DateTimeField()

    def rows(self) -> list[tuple[str, int | None, str]]:
        """(statement, rating, rating's label) in the order of ASPECTS."""
        labels = dict(self.SCALE)
        return [(text, self.ratings.get(key), labels.get(self.ratings.get(key), "—")) for key, text in self.ASPECTS]
