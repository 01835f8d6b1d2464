"""The run console on the round page: verdicts in words and one tab per test, with a diff for failures.

`{{ code|verdict_words }}` says a sandbox verdict in words ("WA" -> "Wrong answer"); `submission|console_tests`
turns a judged run's stored results into what the console's tabs show. A hidden test shows its verdict and
nothing else, whatever the stored results hold (imports and old rows included).
"""

from __future__ import annotations

from django import template

from sessions.review.line_diff import bounded_opcodes

register = template.Library()

# Every verdict sandbox.api defines: a test's or a run's.
VERDICT_WORDS = {
    "AC": "Passed",
    "OK": "Ran",
    "WA": "Wrong answer",
    "TLE": "Time limit exceeded",
    "MLE": "Memory limit exceeded",
    "OLE": "Output limit exceeded",
    "RE": "Runtime error",
    "CE": "Compilation error",
    "SE": "System error",
}

# A diff of longer outputs than this says so instead: the console is for reading, not for megabytes.
DIFF_MAX_LINES = 300


@register.filter
def verdict_words(code) -> str:
    return VERDICT_WORDS.get(str(code or ""), str(code or ""))


def output_diff(expected: str, actual: str) -> list[dict] | None:
    """Line by line: which lines of the expected output are missing from the actual one, and which are extra.

    None when the two are equal line for line (a whitespace or tolerance checker may still reject them)
    or too long to show."""
    want, got = expected.splitlines(), actual.splitlines()
    if want == got or max(len(want), len(got)) > DIFF_MAX_LINES:
        return None
    lines = []
    # The replay's bounded diff: difflib's own within its step budget, coarser (still exact) past it.
    for op, i1, i2, j1, j2 in bounded_opcodes(want, got):
        if op == "equal":
            lines += [{"kind": "same", "text": line} for line in want[i1:i2]]
            continue
        lines += [{"kind": "expected", "text": line} for line in want[i1:i2]]
        lines += [{"kind": "actual", "text": line} for line in got[j1:j2]]
    return lines


@register.filter
def console_tests(submission) -> list[dict]:
    """One entry per judged test; the first failing test is the one selected, else the first test.

    A Run judges the question's examples, then the person's own cases (from index `examples` on, see
    sessions/runs/submissions.py): they are labelled "Example n" and "Case n"; runs stored before
    that are "Test n". A case without an expected output has no diff and no Expected column."""
    results = submission.results if submission and isinstance(submission.results, dict) else {}
    tests = [t for t in results.get("tests") or [] if isinstance(t, dict)]
    examples = results.get("examples")
    own_from = examples if isinstance(examples, int) and 0 <= examples else None
    failure = results.get("first_failure")
    shown = []
    for position, test in enumerate(tests):
        if isinstance(failure, dict) and failure.get("index") == test.get("index") and "input" not in test:
            test = {**failure, **test}  # results stored before each test carried its own input and output
        verdict = str(test.get("verdict") or "")
        entry = {"index": position, "number": position + 1, "verdict": verdict, "words": verdict_words(verdict),
                 "hidden": test.get("hidden") is True, "selected": False, "label": f"Test {position + 1}",
                 "own": False}
        if own_from is not None:
            entry["own"] = position >= own_from
            entry["label"] = f"Case {position - own_from + 1}" if entry["own"] else f"Example {position + 1}"
        if not entry["hidden"]:
            entry.update({key: str(test.get(key) or "") for key in ("input", "expected", "actual", "stderr", "message")})
            entry["time_ms"] = test.get("time_ms")
            entry["has_expected"] = not (entry["own"] and verdict == "OK" and not entry["expected"])
            entry["diff"] = output_diff(entry["expected"], entry["actual"]) if verdict == "WA" else None
        shown.append(entry)
    if shown:
        failing = next((t for t in shown if t["verdict"] not in ("AC", "OK")), shown[0])
        failing["selected"] = True
    return shown
