"""Syntax colours for the replay's code pane, with Pygments and the classes static/css/pygments.css styles.

The replay sends each code snapshot as a line patch (`sessions.review.line_diff`); `colour_snapshots` adds,
beside every patch hunk's new lines, the same lines as highlighted HTML, so the browser rebuilds the
coloured text exactly as it rebuilds the plain one (static/js/replay.js).

Each line is coloured on its own, which keeps the work proportional to the lines the patches carry (a
line seen before is not lexed again) rather than to every snapshot's whole text, and keeps a line's
colours the same in every snapshot, as the patch needs. The cost: a line inside a construct that spans
lines (a docstring, a block comment) is coloured as if it stood alone. Django-free, like the replay.
"""

from __future__ import annotations

from html import escape

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES, _TokenType
from pygments.util import ClassNotFound


def _css_class(token_type: _TokenType) -> str:
    # A token type Pygments has no short class for takes its nearest standard parent's (as HtmlFormatter does).
    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
    return STANDARD_TYPES[token_type]


def _lexer(language: str) -> Lexer | None:
    try:
        # Lines come one at a time and keep their own whitespace: no newline added, nothing stripped.
        return get_lexer_by_name(language, ensurenl=False, stripnl=False, stripall=False)
    except ClassNotFound:
        return None


def colour_line(lexer: Lexer, line: str) -> str:
    """One line as HTML: each token's text escaped, in a span with Pygments' short class (none for plain text)."""
    parts = []
    for token_type, text in lexer.get_tokens(line):
        css = _css_class(token_type)
        parts.append(f'<span class="{css}">{escape(text)}</span>' if css else escape(text))
    return "".join(parts)


def colour_snapshots(entries: list[dict], languages: dict[int, str], *, field: str = "code") -> None:
    """Add `html` to the snapshot entries of `field` whose question has a known language, in place.

    `entries` are `Timeline.to_dict()["entries"]`; `languages` maps a round question's id to its language.
    `html` holds one list per patch hunk: the hunk's new lines, highlighted.
    """
    lexers: dict[str, Lexer | None] = {}
    seen: dict[tuple[str, str], str] = {}
    for entry in entries:
        if entry["kind"] != "snapshot" or entry.get("field") != field:
            continue
        language = languages.get(entry["question"], "")
        if language not in lexers:
            lexers[language] = _lexer(language) if language else None
        lexer = lexers[language]
        if lexer is None:
            continue
        html = []
        for _start, _end, lines in entry["patch"]:
            for line in lines:
                if (language, line) not in seen:
                    seen[(language, line)] = colour_line(lexer, line)
            html.append([seen[(language, line)] for line in lines])
        entry["html"] = html
