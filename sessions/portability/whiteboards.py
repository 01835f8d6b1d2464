"""Whiteboards in the JSON export (version 3): a design question's board and its replay history, and their import.

Each round question with a board carries `"whiteboard": {"scene": {...}, "snapshots": [{"scene", "created_at",
"offset_seconds"}]}`; questions without one carry nothing, so a version 1 or 2 document (which has no boards)
imports as before. An imported scene is untrusted input like a drawn one: it goes through `scene_clean`,
and its history is held to the same count as a live board's (`answers.MAX_SNAPSHOTS_PER_FIELD`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from questions.scenes import SceneInvalid, scene_clean, scene_json
from sessions.models import RoundQuestion, Whiteboard, WhiteboardSnapshot
from sessions.portability.schema import moment
from sessions.rounds import answers
from sessions.whiteboard.services import BOARD_KINDS


@dataclass
class PlannedWhiteboard:
    scene: str  # clean scene JSON
    snapshots: list[tuple[WhiteboardSnapshot, datetime]] = field(default_factory=list)

    @property
    def snapshot_bytes(self) -> int:
        return sum(len(snapshot.content.encode()) for snapshot, _ in self.snapshots)


# ---------------------------------------------------------------- export


def whiteboard_fields(rq: RoundQuestion) -> dict:
    """`{"whiteboard": ...}` for a question with a board (prefetch `whiteboard` and `whiteboard_snapshots`), else {}."""
    try:
        board = rq.whiteboard
    except Whiteboard.DoesNotExist:
        return {}
    return {"whiteboard": {
        "scene": json.loads(board.scene),
        "snapshots": [
            {"scene": json.loads(s.content), "created_at": moment(s.created_at), "offset_seconds": s.offset_seconds}
            for s in rq.whiteboard_snapshots.all()
        ],
    }}


# ---------------------------------------------------------------- import


def whiteboard_plan(reader, data: dict, path: str, question) -> PlannedWhiteboard | None:
    """The board of one imported round question, or None (no board, or errors reported to `reader`)."""
    if "whiteboard" not in data or data["whiteboard"] is None:
        return None
    path = f"{path}.whiteboard"
    board = reader.mapping(data["whiteboard"], path)
    if board is None:
        return None
    if question is not None and question.kind not in BOARD_KINDS:
        reader.error(path, "only design questions have a whiteboard.")
        return None
    scene = _scene(reader, board.get("scene"), f"{path}.scene")
    snapshots = []
    limit = answers.MAX_SNAPSHOTS_PER_FIELD
    for i, item in enumerate(reader.items(board, "snapshots", path, limit=limit)):
        item_path = f"{path}.snapshots[{i}]"
        item = reader.mapping(item, item_path)
        if item is None:
            continue
        content = _scene(reader, item.get("scene"), f"{item_path}.scene")
        offset = reader.number(item, "offset_seconds", item_path, low=0, high=10**8, default=0)
        at = reader.moment(item, "created_at", item_path, null=False)
        if content is not None:
            snapshots.append((WhiteboardSnapshot(content=content, offset_seconds=offset), at))
    if scene is None:
        return None
    return PlannedWhiteboard(scene=scene, snapshots=snapshots)


def _scene(reader, value, path: str) -> str | None:
    try:
        return scene_json(scene_clean(value))
    except SceneInvalid as error:
        reader.error(path, error.messages[0])
        return None


def whiteboards_write(planned_questions) -> None:
    """Create the boards of a written round's questions (their rows already saved), history with its times."""
    boards, snapshots = [], []
    for planned in planned_questions:
        if planned.whiteboard is None:
            continue
        boards.append(Whiteboard(round_question=planned.row, scene=planned.whiteboard.scene))
        for snapshot, at in planned.whiteboard.snapshots:
            snapshot.round_question = planned.row
            snapshots.append((snapshot, at))
    Whiteboard.objects.bulk_create(boards, batch_size=500)
    if snapshots:
        rows = [snapshot for snapshot, _ in snapshots]
        WhiteboardSnapshot.objects.bulk_create(rows, batch_size=500)
        for snapshot, at in snapshots:
            snapshot.created_at = at  # auto_now_add overwrote it on the way in
        WhiteboardSnapshot.objects.bulk_update(rows, ["created_at"], batch_size=500)
