"""Whiteboards of design answers: the scene a candidate drew for one round question, and its history for the replay.

Both hold scenes as the JSON text `questions.scenes.scene_clean` produced, never what a
browser sent: every element was checked against an allow-list of types, fields and ranges.
"""

from django.db import models

from sessions.models.rounds import RoundQuestion


class Whiteboard(models.Model):
    """The latest scene of one round question's board (one row per question that was drawn on)."""

    round_question = models.OneToOneField(RoundQuestion, on_delete=models.CASCADE, related_name="whiteboard")
    scene = models.TextField()  # validated scene JSON: {"elements": [...]}
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Whiteboard of {self.round_question}"


class WhiteboardSnapshot(models.Model):
    """A saved state of a board, kept at each autosave that changed it (for the replay).

    Same shape as `Snapshot` (`content`, `offset_seconds`), so the answers' thinning and storage
    caps (`sessions.rounds.answers.snapshots_thin`, `answer_limits`) apply unchanged.
    """

    round_question = models.ForeignKey(RoundQuestion, on_delete=models.CASCADE, related_name="whiteboard_snapshots")
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    offset_seconds = models.FloatField(default=0)  # on the round's clock

    class Meta:
        ordering = ["round_question", "offset_seconds", "id"]
        indexes = [models.Index(fields=["round_question", "offset_seconds"])]
