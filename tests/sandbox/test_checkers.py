"""Unit tests of the built-in checkers (no sandbox needed)."""

from __future__ import annotations

import pytest

from sandbox import checkers


def test_exact_ignores_only_trailing_newlines_and_crlf():
    assert checkers.exact("1 2\n3", "1 2\r\n3\n\n")
    assert not checkers.exact("1 2", "1  2")
    assert not checkers.exact("a", "a ")


def test_whitespace_compares_tokens():
    assert checkers.whitespace("1 2\n3\n", "  1\t2 3")
    assert not checkers.whitespace("1 2 3", "1 2")
    assert not checkers.whitespace("1 2", "2 1")


@pytest.mark.parametrize("expected, actual, ok", [
    ("0.3333333", "0.33333335", True),
    ("1000000.0", "1000000.5", True),  # relative 5e-7
    ("1.0", "1.1", False),
    ("1.5 abc", "1.5000001 abc", True),
    ("1.5 abc", "1.5 abd", False),
    ("nan", "nan", True),
    ("inf", "1e308", False),
    ("1 2", "1", False),
])
def test_float_tolerance_is_absolute_or_relative(expected, actual, ok):
    assert checkers.float_tokens(expected, actual, 1e-6) is ok


def test_unordered_compares_lines_as_a_multiset():
    assert checkers.unordered_lines("a\nb\nb\n", "b\na\n b \n\n")
    assert not checkers.unordered_lines("a\nb\nb\n", "a\nb\n")


@pytest.mark.parametrize("checker, expected, actual, ok", [
    ("exact", "[1, 2]", "[1, 2]", True),
    ("exact", "[1, 2]", "[2, 1]", False),
    ("exact", "1", "true", False),  # bool is not a number
    ("exact", "2", "2.0", True),
    ("exact", '{"a": [1]}', '{"a": [1]}', True),
    ("whitespace", "[1,2]", "[1, 2]", True),
    ("float", "[0.1, 0.2]", "[0.1000001, 0.2]", True),
    ("float", "[0.1, 0.2]", "[0.11, 0.2]", False),
    ("unordered", "[[1, 2], [3]]", "[[3], [1, 2]]", True),
    ("unordered", "[1, 1, 2]", "[1, 2, 2]", False),
    ("exact", "[1]", "not json", False),
])
def test_function_mode_compares_json_values(checker, expected, actual, ok):
    assert checkers.json_values_match(checker, expected, actual, 1e-6) is ok
