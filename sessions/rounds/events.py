"""What happened on a round's clock (RoundEvent rows), and the version bump that tells live pages about it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F

from sessions.models import Round, RoundEvent


def round_touch(round_id: int) -> None:
    """Tell live pages something changed: the other side of a paired round re-fetches on its next poll."""
    Round.objects.filter(pk=round_id).update(version=F("version") + 1)


def _event(stage_round: Round, kind: str, now: datetime, *, round_question=None, detail: str = "") -> RoundEvent:
    round_touch(stage_round.pk)
    return RoundEvent.objects.create(
        round=stage_round,
        round_question=round_question,
        kind=kind,
        detail=detail,
        offset_seconds=stage_round.elapsed_seconds(now),
    )
