"""What stored judge results may show about hidden tests.

New results come from ``sandbox.JudgeResult.to_dict``, which already keeps hidden
tests' time and memory only as a rounded aggregate. Results written before that
rule, or read from an import file, may still carry per-test figures; this
module strips them so no page, export or replay can show them.
"""

from __future__ import annotations

from sandbox.api import TestOutcome, hidden_usage

USAGE_FIELDS = ("time_ms", "memory_kb")


def redact_hidden_usage(results: dict) -> tuple[dict, int | None, int | None] | None:
    """None when `results` shows nothing per hidden test. Otherwise the redacted results (with the
    rounded `hidden_usage` aggregate) and the peak time and memory over the visible tests, which
    replace the run's own figures (those were peaks over every test, hidden ones included)."""
    tests = results.get("tests")
    if not isinstance(tests, list):
        return None
    hidden = [t for t in tests if isinstance(t, dict) and t.get("hidden") is True]
    if not any(key in t for t in hidden for key in USAGE_FIELDS):
        return None
    outcomes = [TestOutcome(index=0, hidden=True, verdict="", time_ms=_count(t.get("time_ms")),
                            memory_kb=_count(t.get("memory_kb"))) for t in hidden]
    redacted = dict(results)
    redacted["tests"] = [
        {k: v for k, v in t.items() if k not in USAGE_FIELDS} if isinstance(t, dict) and t.get("hidden") is True else t
        for t in tests
    ]
    redacted["hidden_usage"] = hidden_usage(outcomes)
    visible = [t for t in tests if isinstance(t, dict) and t.get("hidden") is not True]
    if not visible:
        return redacted, None, None
    return redacted, max(_count(t.get("time_ms")) for t in visible), max(_count(t.get("memory_kb")) for t in visible)


def _count(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0

