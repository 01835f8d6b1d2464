"""The shared pads of paired rounds (sessions/live/pads.py): the server's copy of each Yjs document."""

from django.db import models

from sessions.models.rounds import RoundQuestion


class SharedDocument(models.Model):
    """One answer field of a paired round's question as a Yjs document, both people typing into it.

    `state` is the document's full update (Yjs's encoding), merged with each save, so a reload, a
    dropped socket or a restarted server gives both browsers back every edit. The field's plain text
    is saved on the RoundQuestion with its replay snapshots, exactly as the autosave saves it, so the
    review, the replay and the exports never read this table.
    """

    round_question = models.ForeignKey(RoundQuestion, on_delete=models.CASCADE, related_name="shared_documents")
    field = models.CharField(max_length=16)  # one of RoundQuestion.ANSWER_FIELDS
    state = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round_question", "field"], name="unique_shared_document"),
        ]

    def __str__(self) -> str:
        return f"{self.round_question_id}.{self.field}"
