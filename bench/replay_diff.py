"""Worst-case time of the replay's line diff for one snapshot pair at the size limit (64 KB a snapshot).

Each pair is diffed `--repeats` times; the median is printed with its ratio against a baseline measured
in the same run (a 64 KB file with one line edited, the common case), and the worst pair against the
200 ms limit. The adversarial pairs are difflib's bad cases: few distinct lines repeated (cubic before
the step budget), every line rewritten, edits scattered through the file, the most lines 64 KB can hold.

    python bench/replay_diff.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sessions.review.line_diff import MAX_DIFF_STEPS, apply_patch, line_diff, split_lines  # noqa: E402

LIMIT_BYTES = 64 * 1024
LIMIT_MS = 200.0


def fill(make_line) -> str:
    """As many lines from `make_line(i)` as fit in the size limit."""
    lines, size, i = [], 0, 0
    while True:
        line = make_line(i)
        if size + len(line.encode()) + 1 > LIMIT_BYTES:
            return "\n".join(lines)
        lines.append(line)
        size += len(line.encode()) + 1
        i += 1


def pairs() -> dict[str, tuple[str, str]]:
    rng = random.Random(11)
    code = fill(lambda i: f"    total += values[{i}] * weight  # step {i}")
    lines = split_lines(code)
    one_edit = "\n".join(lines[:len(lines) // 2] + ["    total = 0"] + lines[len(lines) // 2 + 1:])
    return {
        "baseline: one line edited": (code, one_edit),
        "few distinct lines, reordered": (fill(lambda i: str(i % 7)), fill(lambda i: str(i * 3 % 7))),
        "random lines from six": (fill(lambda i: rng.choice("abcdef")), fill(lambda i: rng.choice("abcdef"))),
        "every line rewritten": (fill(lambda i: f"a{i}"), fill(lambda i: f"b{i}")),
        "an edit every 50 lines": (code, "\n".join(line if i % 50 else "pass" for i, line in enumerate(lines))),
        "short unique lines, every 50th edited": (fill(lambda i: f"{i:x}"),
                                                  fill(lambda i: f"{i:x}" if i % 50 else "-")),
        "empty lines to letters": (fill(lambda i: ""), fill(lambda i: "x")),
    }


def median_ms(before: str, after: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        diff = line_diff(before, after)
        times.append((time.perf_counter() - start) * 1000)
    assert apply_patch(split_lines(before), diff["patch"]) == split_lines(after)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    results = {name: median_ms(*pair, args.repeats) for name, pair in pairs().items()}
    baseline = next(iter(results.values()))
    print(f"line diff of one snapshot pair at {LIMIT_BYTES // 1024} KB (step budget {MAX_DIFF_STEPS:,}), "
          f"median of {args.repeats}")
    for name, ms in results.items():
        print(f"  {name:38s} {ms:8.1f} ms  {ms / baseline:6.1f}x baseline")
    worst = max(results, key=results.get)
    verdict = "within" if results[worst] <= LIMIT_MS else "OVER"
    print(f"worst: {worst}: {results[worst]:.1f} ms = {results[worst] / LIMIT_MS:.2f} of the {LIMIT_MS:.0f} ms limit "
          f"({verdict})")


if __name__ == "__main__":
    main()
