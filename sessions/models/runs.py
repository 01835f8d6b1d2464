"""Code runs: what was sent to the sandbox and what came back."""

from django.conf import settings
from django.db import models


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
    # The user's own input for a plain run (older rounds, and runs outside a round); None means "judge".
    stdin = models.TextField(null=True, blank=True)
    # A judged Run's own test cases as they were when it was pressed (RoundQuestion.test_cases' shape);
    # they are judged after the question's visible examples.
    custom_tests = models.JSONField(default=list, blank=True)

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
    # When the run was last handed to the broker; None while it waits its turn (see sessions/runs/run_queue.py).
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
