"""Reads of whiteboards: a question's scene for the editor, its drawing for pages, and its frames for the replay."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString

from sessions.models import RoundQuestion, Whiteboard, WhiteboardSnapshot
from sessions.whiteboard.svg import scene_svg

# The replay draws at most this many states of each board (evenly spread, the last always in), so a
# replay of a busy round stays one response of bounded size however many snapshots were kept.
MAX_REPLAY_FRAMES = 60


def board_scene(round_question: RoundQuestion) -> dict:
    """The stored (validated) scene of a question's board, or an empty one."""
    try:
        board = round_question.whiteboard  # no query where the caller select_related it
    except Whiteboard.DoesNotExist:
        return {"elements": []}
    return json.loads(board.scene)


def board_svg(round_question: RoundQuestion, *, title: str = "The candidate's whiteboard") -> SafeString:
    """The board drawn by the server (`sessions.whiteboard.svg`), or "" when nothing was drawn."""
    return scene_svg(board_scene(round_question), title=title)


def reference_svg(question) -> SafeString:
    """A question's reference diagram (validated when its pack loaded), or "". Interviewer-only text."""
    if not question.reference_diagram:
        return scene_svg({"elements": []})
    return scene_svg(json.loads(question.reference_diagram), title=f"Reference diagram: {question.title}")


def replay_frames(round_question_ids) -> list[dict]:
    """States of the boards of these questions on the round's clock: `{question, offset, svg}`, by offset.

    Two queries whatever the number of questions: every snapshot's id first, then the text of the chosen ones."""
    ids_by_question: dict[int, list[int]] = {}
    for question_id, pk in (
        WhiteboardSnapshot.objects.filter(round_question_id__in=list(round_question_ids))
        .order_by("round_question_id", "offset_seconds", "id").values_list("round_question_id", "id")
    ):
        ids_by_question.setdefault(question_id, []).append(pk)
    chosen = [pk for ids in ids_by_question.values() for pk in _spread(ids, MAX_REPLAY_FRAMES)]
    if not chosen:
        return []
    frames = [
        {"question": question_id, "offset": offset,
         "svg": str(scene_svg(json.loads(content), title="The whiteboard at this moment"))}
        for question_id, offset, content in WhiteboardSnapshot.objects.filter(pk__in=chosen)
        .values_list("round_question_id", "offset_seconds", "content")
    ]
    frames.sort(key=lambda frame: (frame["offset"], frame["question"]))
    return frames


def _spread(rows: list, most: int) -> list:
    if len(rows) <= most:
        return rows
    step = (len(rows) - 1) / (most - 1)
    return [rows[round(i * step)] for i in range(most)]
