"""Calls and recordings (sessions/calls/): the recording consent of a paired round, and the audio itself."""

from django.conf import settings
from django.db import models

from sessions.models.rounds import Round, RoundQuestion


class CallConsent(models.Model):
    """Whether each person in a paired round agrees to record the call right now.

    Recording runs while both agree (`recording_since` is then set); either stopping or declining
    clears both, so recording again needs both to agree again.
    """

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="call_consent")
    interviewer_agrees = models.BooleanField(default=False)
    candidate_agrees = models.BooleanField(default=False)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    recording_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def recording(self) -> bool:
        return self.recording_since is not None


class Recording(models.Model):
    """One person's microphone for one stretch: a call's side while both agreed, or a solo spoken answer.

    The audio is a WebM/Opus stream cut into chunks as it was recorded (RecordingChunk); played in
    order they are one file. `offset` places it on the round's clock, for the replay.
    """

    class Kind(models.TextChoices):
        CALL = "call", "Call"
        ANSWER = "answer", "Spoken answer"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="recordings")
    round_question = models.ForeignKey(RoundQuestion, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="recordings")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recordings")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    mime = models.CharField(max_length=40)
    offset = models.FloatField()  # seconds on the round's clock when it began
    started_at = models.DateTimeField()
    # What the recorder reported after its last chunk: the length of the audio received so far.
    duration_seconds = models.FloatField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)
    chunk_count = models.PositiveIntegerField(default=0)  # also the sequence number the next chunk must carry
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "offset", "id"]
        indexes = [models.Index(fields=["owner", "started_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} of round {self.round_id}"


class RecordingChunk(models.Model):
    """A piece of a recording as uploaded, kept in the recordings storage under `name`."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recording", "seq"]
        constraints = [models.UniqueConstraint(fields=["recording", "seq"], name="unique_recording_chunk")]
