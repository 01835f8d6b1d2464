"""What users do: mock sessions, timed rounds, their answers and snapshots, and code runs."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone


class Submission(models.Model):
    """One press of Run or Submit: code sent to the sandbox, and what came back.

    Status moves queued -> running -> done (the sandbox gave a verdict) or error
    (the run could not be carried out; `message` says why). Only a worker that
    claims a queued row moves it to running, so a task delivered twice runs once.
    """

    class Kind(models.TextChoices):
        RUN = "run", "Run"  # visible examples, or the user's own input
        SUBMIT = "submit", "Submit"  # every test, hidden ones included

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        ERROR = "error", "Error"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="submissions"
    )
    question = models.ForeignKey(
        "questions.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    round_question = models.ForeignKey(
        "RoundQuestion", null=True, blank=True, on_delete=models.CASCADE, related_name="submissions"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.RUN)
    language = models.CharField(max_length=16)
    source = models.TextField()
    # The user's own input for a Run; None means "run the question's visible examples".
    stdin = models.TextField(null=True, blank=True)

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True)
    verdict = models.CharField(max_length=4, blank=True)
    stdout = models.TextField(blank=True)
    stderr = models.TextField(blank=True)
    compile_output = models.TextField(blank=True)
    # Judged runs: {"passed", "total", "tests": [...], "first_failure": {...}, "hidden_usage": {...}}; hidden
    # tests carry only their verdict, their time and memory only as a rounded total (sandbox.api.hidden_usage).
    results = models.JSONField(default=dict, blank=True)
    time_ms = models.PositiveIntegerField(null=True, blank=True)  # judged runs: peak over visible tests only
    wall_ms = models.PositiveIntegerField(null=True, blank=True)
    memory_kb = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)

    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)  # the Celery node that claimed it
    created_at = models.DateTimeField(auto_now_add=True)
    # When the run was last handed to the broker; None while it waits its turn (see services/run_queue.py).
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "started_at"]), models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.language}, {self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.ERROR)


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
    # UTF-8 bytes of this round's replay history (snapshot text), kept with each write and thinning,
    # so the storage caps need no scan of the text.
    snapshot_bytes = models.PositiveBigIntegerField(default=0)

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


class Invite(models.Model):
    """A link that admits one candidate to a paired session. Only the token's hash is stored."""

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.accepted_at is None and now < self.expires_at

    def state(self, now) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if now >= self.expires_at else "open"


class Guest(models.Model):
    """A user account made for someone who joined through an invite without an account of their own.

    It has no password: the browser that joined is signed in, and that is the only way in.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guest")
    display_name = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.display_name


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
    """Structured notes that follow the template of the round's stage kind (see `sessions.note_templates`).

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


class ShareLink(models.Model):
    """A read-only link to a session's review, for a mentor. Only the token's SHA-256 is stored.

    It shows the rounds its creator practised (a solo session's rounds, or the paired rounds where
    they were the candidate), each as the candidate sees it. Revoking it stops it at once; so
    does reaching `expires_at` (SHARE_LINK_DAYS after it was made).
    """

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
