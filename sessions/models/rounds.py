"""Mock sessions and their timed rounds: the questions drawn into them, answer snapshots and clock events."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from sessions.live.events import rounds_changed_on_commit

if TYPE_CHECKING:  # annotations only: sessions.models.feedback imports this module for its foreign keys
    from sessions.models.feedback import InterviewerFeedback, Scorecard


class InterviewSession(models.Model):
    """One sitting: a single stage's round, or a whole loop as a sequence of rounds."""

    class Mode(models.TextChoices):
        SOLO = "solo", "Solo"
        PAIRED = "paired", "Paired"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_sessions")
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.SOLO)
    # Paired sessions: the person who joined through the invite link (an account or a guest).
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="partnered_sessions"
    )
    loop = models.ForeignKey("questions.InterviewLoop", null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the session came from a JSON import: its rounds are a record from elsewhere, never live here.
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_paired(self) -> bool:
        return self.mode == self.Mode.PAIRED

    @property
    def is_imported(self) -> bool:
        return self.imported_at is not None


class RoundQuerySet(models.QuerySet):
    def touch(self) -> int:
        """Bump these rounds' `version`: the one "this round changed" signal, pushed to the live pages
        (sessions/live/events.py) once the transaction commits; pages without a websocket poll for it."""
        count = self.update(version=models.F("version") + 1)
        if count:
            rounds_changed_on_commit(list(self.values_list("pk", "version")))
        return count


class Round(models.Model):
    """A timed round of one stage. The clock is the server's: the row holds start, pauses and end.

    Remaining time is derived, never counted down in a column, so a reload, another
    tab or a server restart cannot change it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Not started"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        FINISHED = "finished", "Finished"

    class EndReason(models.TextChoices):
        ENDED = "ended", "Ended early"
        TIME_UP = "time_up", "Time ran out"
        IMPORTED = "imported", "Not ended when exported; closed on import"

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="rounds")
    stage = models.ForeignKey("questions.Stage", null=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    stage_kind = models.CharField(max_length=32)
    duration_seconds = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.FloatField(default=0)  # total of finished pauses
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=8, choices=EndReason.choices, blank=True)
    # The question on screen, for time-per-question accounting.
    current = models.ForeignKey("RoundQuestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    current_since = models.DateTimeField(null=True, blank=True)
    # End-of-round self-assessment: {"<stage rubric item id>": 1..4}, and free reflection.
    self_assessment = models.JSONField(default=dict, blank=True)
    reflection = models.TextField(blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    # Paired rounds: who interviews whom in this round (they may swap for the next one).
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by every change the other side of a paired round must see; the live poll compares it.
    version = models.PositiveIntegerField(default=0)
    # Paired rounds: the interviewer watches the shared pad without typing in it (set up with the session).
    pad_candidate_only = models.BooleanField(default=False)
    # UTF-8 bytes of this round's replay history (snapshot text), kept with each write and thinning,
    # so the storage caps need no scan of the text.
    snapshot_bytes = models.PositiveBigIntegerField(default=0)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="unique_round_order"),
            models.CheckConstraint(condition=models.Q(duration_seconds__gt=0), name="round_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def elapsed_seconds(self, now) -> float:
        """Running time so far: wall time since the start less every pause."""
        if self.started_at is None:
            return 0.0
        until = self.ended_at or self.paused_at or now
        return max(0.0, (until - self.started_at).total_seconds() - self.paused_seconds)

    def remaining_seconds(self, now) -> float:
        return max(0.0, self.duration_seconds - self.elapsed_seconds(now))

    def deadline_passed(self, now) -> bool:
        return self.status == self.Status.RUNNING and self.remaining_seconds(now) <= 0

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RUNNING, self.Status.PAUSED)

    @property
    def is_imported(self) -> bool:
        return self.session.is_imported

    # The reverse one-to-ones, or None when there is none yet (select_related them when looping).
    @property
    def scorecard_or_none(self) -> "Scorecard | None":
        return self._one_to_one_or_none("scorecard")

    @property
    def interviewer_feedback_or_none(self) -> "InterviewerFeedback | None":
        return self._one_to_one_or_none("interviewer_feedback")

    def _one_to_one_or_none(self, name: str):
        try:
            return getattr(self, name)
        except ObjectDoesNotExist:
            return None


class RoundQuestion(models.Model):
    """A question drawn into a round, with the candidate's answer to it."""

    class Grade(models.TextChoices):
        AGAIN = "again", "Again"
        HARD = "hard", "Hard"
        GOOD = "good", "Good"
        EASY = "easy", "Easy"

    # A grade as a score from 1 to 4, which is also its FSRS rating (progress charts, review cards).
    GRADE_SCORES = {Grade.AGAIN: 1, Grade.HARD: 2, Grade.GOOD: 3, Grade.EASY: 4}

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey("questions.Question", on_delete=models.PROTECT, related_name="round_questions")
    order = models.PositiveIntegerField(default=0)
    # Answer fields; which ones apply depends on the question's kind.
    answer = models.TextField(blank=True)
    code = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True)
    situation = models.TextField(blank=True)
    task = models.TextField(blank=True)
    action = models.TextField(blank=True)
    result = models.TextField(blank=True)
    # Coding: the person's own test cases, [{"input": str, "expected": str | None}, ...] (None: only run it);
    # checked and capped by sessions/runs/own_cases.py, judged with the examples on every Run.
    test_cases = models.JSONField(default=list, blank=True)
    # Reveals and grades.
    model_answer_revealed_at = models.DateTimeField(null=True, blank=True)
    constraints_revealed = models.PositiveIntegerField(default=0)
    hints_revealed = models.PositiveIntegerField(default=0)
    self_grade = models.CharField(max_length=8, choices=Grade.choices, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.FloatField(default=0)  # accumulated while this was the current question
    updated_at = models.DateTimeField(auto_now=True)

    ANSWER_FIELDS = ("answer", "code", "situation", "task", "action", "result")
    # The fields each kind of question answers in (the round page shows just these); a save with
    # any other is refused, so one question cannot collect text in fields nothing shows.
    FIELDS_BY_KIND = {
        "concept": ("answer",),
        "design": ("answer",),
        "coding": ("code", "language"),
        "behavioral": ("situation", "task", "action", "result"),
    }

    @property
    def answer_fields(self) -> tuple[str, ...]:
        return self.FIELDS_BY_KIND[self.question.kind]

    class Meta:
        ordering = ["round", "order"]
        constraints = [models.UniqueConstraint(fields=["round", "order"], name="unique_round_question_order")]

    def __str__(self) -> str:
        return f"{self.round}: {self.question}"

    @property
    def code_markdown(self) -> str:
        """The code as a fenced block, for the Markdown renderer to highlight."""
        fence = "~~~~" if "```" in self.code else "```"
        return f"{fence}{self.language}\n{self.code}\n{fence}"


class Snapshot(models.Model):
    """A saved state of one answer field, kept each time an autosave changed it (for replay)."""

    round_question = models.ForeignKey(RoundQuestion, on_delete=models.CASCADE, related_name="snapshots")
    field = models.CharField(max_length=16)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    offset_seconds = models.FloatField(default=0)  # on the round's clock

    class Meta:
        ordering = ["round_question", "created_at", "id"]
        indexes = [models.Index(fields=["round_question", "field", "-id"])]


class RoundEvent(models.Model):
    """Something that happened on a round's clock: start, pause, resume, end, a reveal, a grade."""

    class Kind(models.TextChoices):
        START = "start", "Started"
        PAUSE = "pause", "Paused"
        RESUME = "resume", "Resumed"
        END = "end", "Ended"
        TIME_UP = "time_up", "Time ran out"
        REVEAL_ANSWER = "reveal_answer", "Model answer revealed"
        REVEAL_CONSTRAINT = "reveal_constraint", "Constraint revealed"
        REVEAL_HINT = "reveal_hint", "Hint revealed"
        GRADE = "grade", "Self-graded"
        SWITCH = "switch", "Switched question"
        TIME_ADDED = "time_added", "Time added"
        RELEASE = "release", "Feedback released"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events")
    round_question = models.ForeignKey(RoundQuestion, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    offset_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["round", "created_at", "id"]
