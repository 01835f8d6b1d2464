"""Output checkers: decide whether a program's answer matches the expected one.

Each built-in checker is a pure function ``(expected, actual, tolerance) ->
bool`` over text (stdio mode). In function mode both sides are JSON texts and
are compared as values (``json_values_match``). The custom checker runs as a
sandboxed program; see ``judge.py``.
"""

from __future__ import annotations

import json
import math


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n")


def exact(expected: str, actual: str, tolerance: float = 0.0) -> bool:
    """Identical text, except CRLF line ends and trailing newlines at the very end."""
    return _normalise_newlines(expected).rstrip("\n") == _normalise_newlines(actual).rstrip("\n")


def whitespace(expected: str, actual: str, tolerance: float = 0.0) -> bool:
    """Same tokens; any run of whitespace (spaces, tabs, newlines) counts as one separator."""
    return expected.split() == actual.split()


def _parse_float(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def numbers_close(a: float, b: float, tolerance: float) -> bool:
    """Absolute OR relative difference within ``tolerance``; NaN only matches NaN."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    diff = abs(a - b)
    return diff <= tolerance or diff <= tolerance * abs(b)


def float_tokens(expected: str, actual: str, tolerance: float = 1e-6) -> bool:
    """Token-wise: numbers within tolerance (abs or rel), other tokens identical."""
    exp, act = expected.split(), actual.split()
    if len(exp) != len(act):
        return False
    for e, a in zip(exp, act, strict=True):
        fe, fa = _parse_float(e), _parse_float(a)
        if fe is not None and fa is not None:
            if not numbers_close(fe, fa, tolerance):
                return False
        elif e != a:
            return False
    return True


def unordered_lines(expected: str, actual: str, tolerance: float = 0.0) -> bool:
    """Same multiset of lines (each stripped; blank lines ignored)."""
    def lines(text: str) -> list[str]:
        return sorted(line.strip() for line in text.splitlines() if line.strip())
    return lines(expected) == lines(actual)


TEXT_CHECKERS = {
    "exact": exact,
    "whitespace": whitespace,
    "float": float_tokens,
    "unordered": unordered_lines,
}


def _values_equal(a, b, tolerance: float | None) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if tolerance is not None:
            return numbers_close(float(b), float(a), tolerance)
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_values_equal(x, y, tolerance) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_values_equal(a[k], b[k], tolerance) for k in a)
    return type(a) is type(b) and a == b


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True)


def json_values_match(checker: str, expected_text: str, actual_text: str, tolerance: float = 1e-6) -> bool:
    """Function mode: compare JSON values. ``unordered`` treats top-level lists as multisets."""
    try:
        expected = json.loads(expected_text)
        actual = json.loads(actual_text)
    except ValueError:
        return False
    tol = tolerance if checker == "float" else None
    if checker == "unordered" and isinstance(expected, list) and isinstance(actual, list):
        expected = sorted(expected, key=_canonical)
        actual = sorted(actual, key=_canonical)
    return _values_equal(expected, actual, tol)
