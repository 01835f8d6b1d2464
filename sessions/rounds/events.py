"""What happened on a round's clock: every RoundEvent of a live round is recorded here."""

from __future__ import annotations

from datetime import datetime

from sessions.models import Round, RoundEvent


def record_event(stage_round: Round, kind: str, now: datetime, *, round_question=None, detail: str = "") -> RoundEvent:
    """Record `kind` at the round's clock offset for `now`, and tell live pages the round changed."""
    Round.objects.filter(pk=stage_round.pk).touch()
    return RoundEvent.objects.create(
        round=stage_round,
        round_question=round_question,
        kind=kind,
        detail=detail,
        offset_seconds=stage_round.elapsed_seconds(now),
    )
