"""Line diffs of code and answer snapshots for the replay, in bounded work (Django-free, like `sessions.review.replay`).

`line_diff` gives difflib's own diff when it fits within `MAX_DIFF_STEPS` of matching work, which is
every ordinary edit; difflib alone is quadratic or worse on long texts with repeated lines (two
8,000-line snapshots took 8.7 s), so past the budget the diff gets coarser but stays an exact patch.
"""

from __future__ import annotations

import difflib


def split_lines(text: str) -> list[str]:
    """Lines as the code pane shows them (a trailing newline does not make an extra empty line)."""
    return text.splitlines()


# The most steps one snapshot pair's diff may take (see `_BoundedMatcher`). difflib's matcher is
# quadratic or worse on long texts with repeated lines (8,000 lines took seconds); past this bound the
# pair is diffed coarser (see `bounded_opcodes`): still an exact patch, only less precise about what changed.
MAX_DIFF_STEPS = 60_000


class _DiffTooCostly(Exception):
    pass


class _BoundedMatcher(difflib.SequenceMatcher):
    """difflib's matcher with a step budget, counted before each search for the longest match.

    A search over `a[alo:ahi]` against `b[blo:bhi]` visits, for every line of that stretch of `a`, the
    positions in `b` of equal lines; the prefix sums below give that count (an upper bound) in O(1),
    so the budget is charged before the work is done, never after.
    """

    def __init__(self, a: list[str], b: list[str], *, max_steps: int):
        self.steps = 0
        self.max_steps = max_steps
        counts: dict[str, int] = {}
        for line in b:
            counts[line] = counts.get(line, 0) + 1
        self._visits = [0]
        for line in a:
            self._visits.append(self._visits[-1] + 1 + counts.get(line, 0))
        if self._visits[-1] > max_steps:
            raise _DiffTooCostly  # the very first search would not fit: skip indexing `b` as well
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        self.steps += self._visits[ahi] - self._visits[alo]
        if self.steps > self.max_steps:
            raise _DiffTooCostly
        return super().find_longest_match(alo, ahi, blo, bhi)


def _common_ends(old: list[str], new: list[str]) -> tuple[int, int]:
    """How many first lines, and then how many last lines, the two texts share."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def bounded_opcodes(old: list[str], new: list[str],
                    max_steps: int = MAX_DIFF_STEPS) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes within `max_steps`; else the same between the first and last changed lines within
    `max_steps` more; else one hunk spanning them. At most twice the budget, whatever the texts.

    Diffs within the budget come out exactly as difflib's, so ordinary replays do not change.
    """
    try:
        return _BoundedMatcher(old, new, max_steps=max_steps).get_opcodes()
    except _DiffTooCostly:
        pass
    head, tail = _common_ends(old, new)
    old_end, new_end = len(old) - tail, len(new) - tail
    try:
        if head == tail == 0:
            raise _DiffTooCostly  # nothing set aside: the same search would run out again
        middle = _BoundedMatcher(old[head:old_end], new[head:new_end], max_steps=max_steps).get_opcodes()
        return [(tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in middle]
    except _DiffTooCostly:
        pass
    if head == old_end and head == new_end:
        return []
    tag = "insert" if head == old_end else "delete" if head == new_end else "replace"
    return [(tag, head, old_end, head, new_end)]


def line_diff(before: str, after: str, *, max_steps: int | None = None) -> dict:
    """What changed from `before` to `after`, line by line.

    - `patch`: [[old start, old end, [new lines]], ...] in old-line coordinates, in order; applying them
      from the last to the first turns `before`'s lines into `after`'s (see `apply_patch`);
    - `changed`: [[start, end), ...] ranges of `after`'s lines (0-based) that are new or rewritten;
    - `removed_at`: positions in `after` where lines were deleted outright.

    Past `MAX_DIFF_STEPS` of matching work the lines shared at both ends are set aside and the rest diffed
    again within the same budget; past that too, the rest is one hunk (still an exact patch).
    """
    old, new = split_lines(before), split_lines(after)
    opcodes = bounded_opcodes(old, new, MAX_DIFF_STEPS if max_steps is None else max_steps)
    patch, changed, removed_at = [], [], []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        patch.append([i1, i2, new[j1:j2]])
        if j2 > j1:
            changed.append([j1, j2])
        else:
            removed_at.append(j1)
    return {"patch": patch, "changed": changed, "removed_at": removed_at}


def apply_patch(lines: list[str], patch: list) -> list[str]:
    """The inverse of `line_diff` for one step (the browser's replay.js does the same)."""
    result = list(lines)
    for start, end, new in reversed(patch):
        result[start:end] = new
    return result
