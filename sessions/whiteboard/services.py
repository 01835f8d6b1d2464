"""Writes of whiteboards: the candidate's autosave of a design question's board, saved like the written answer.

The same rules as `sessions.rounds.answers.answer_save`: only while the round runs, only a question
the candidate was shown, the scene validated before any write, a replay snapshot for each change
(thinned the same way past `answers.MAX_SNAPSHOTS_PER_FIELD`, its bytes counted against the same caps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from questions.scenes import SceneInvalid, scene_clean, scene_json
from sessions.models import Round, RoundQuestion, Whiteboard, WhiteboardSnapshot
from sessions.rounds import answers
from sessions.rounds.answer_limits import snapshot_room_claim
from sessions.rounds.answers import require_shown, snapshots_thin
from sessions.rounds.clock import require_running

# Question kinds that show a board beside the written answer.
BOARD_KINDS = frozenset({"design"})


@dataclass(frozen=True)
class BoardSaved:
    changed: bool
    history_full: bool = False


def whiteboard_save(*, round_question: RoundQuestion, scene: dict, now: datetime | None = None) -> BoardSaved:
    """Validate and save a board's scene; a change gets a replay snapshot unless the history is full.

    Refusals (SceneInvalid, RoundClosed, Withheld) come before any write.
    """
    now = now or timezone.now()
    stage_round = round_question.round
    if round_question.question.kind not in BOARD_KINDS:
        raise SceneInvalid("Only design questions have a whiteboard; nothing was saved.")
    require_running(stage_round, now)
    require_shown(round_question)
    content = scene_json(scene_clean(scene))
    with transaction.atomic():
        # Lock the question's row, so two saves of one board take turns (as answer_save does).
        RoundQuestion.objects.select_for_update().filter(pk=round_question.pk).first()
        board = Whiteboard.objects.filter(round_question=round_question).first()
        if board is not None and board.scene == content:
            return BoardSaved(changed=False)
        if board is None:
            Whiteboard.objects.create(round_question=round_question, scene=content)
        else:
            board.scene = content
            board.save(update_fields=["scene", "updated_at"])
        Round.objects.filter(pk=stage_round.pk).touch()  # the interviewer's live page follows the board
        if not snapshot_room_claim(stage_round=stage_round, size=len(content.encode())):
            return BoardSaved(changed=True, history_full=True)
        snapshots = WhiteboardSnapshot.objects.filter(round_question=round_question)
        if snapshots.count() >= answers.MAX_SNAPSHOTS_PER_FIELD:  # read at call time, as answers does
            snapshots_thin(snapshots, round_id=stage_round.pk)
        WhiteboardSnapshot.objects.create(
            round_question=round_question, content=content, offset_seconds=stage_round.elapsed_seconds(now)
        )
    return BoardSaved(changed=True)
