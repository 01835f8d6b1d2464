"""Syntax colours for the replay's code pane: Pygments' classes, escaped text, and HTML that follows the patches."""

import re
from html import unescape

from pygments.lexers import get_lexer_by_name

from sessions.review.code_colours import colour_line, colour_snapshots
from sessions.review.line_diff import apply_patch, line_diff

PYTHON = get_lexer_by_name("python", ensurenl=False, stripnl=False)
STEPS = [
    "def solve():\n    pass\n",
    "def solve():\n    a, b = map(int, input().split())\n",
    'def solve():\n    a, b = map(int, input().split())\n    print("<b>&", a + b)  # done\n',
]


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def snapshot_entries(steps, *, field="code", question=1) -> list[dict]:
    entries, before = [], ""
    for number, content in enumerate(steps):
        entries.append({"kind": "snapshot", "id": number, "question": question, "field": field,
                        **line_diff(before, content)})
        before = content
    return entries


def test_a_line_gets_pygments_short_classes_and_keeps_its_text_and_spaces():
    html = colour_line(PYTHON, "    a, b = map(int, input().split())  # sum")
    assert '<span class="nb">map</span>' in html and '<span class="c1"># sum</span>' in html
    assert html.startswith("    ") and text_of(html) == "    a, b = map(int, input().split())  # sum"


def test_markup_in_the_code_is_escaped():
    html = colour_line(PYTHON, 'print("<script>alert(1)</script>") # </span>')
    assert "<script>" not in html and "</span> #" not in html
    assert "&lt;script&gt;" in html and text_of(html) == 'print("<script>alert(1)</script>") # </span>'


def test_each_hunks_lines_come_highlighted_and_rebuild_the_coloured_text():
    entries = snapshot_entries(STEPS)
    colour_snapshots(entries, {1: "python"})
    lines, coloured = [], []
    for entry in entries:
        assert [len(hunk) for hunk in entry["html"]] == [len(added) for _, _, added in entry["patch"]]
        lines = apply_patch(lines, entry["patch"])
        coloured = apply_patch(coloured, [[s, e, html] for (s, e, _), html in zip(entry["patch"], entry["html"])])
        assert [text_of(html) for html in coloured] == lines
    assert coloured == [colour_line(PYTHON, line) for line in STEPS[-1].splitlines()]


def test_answers_and_unknown_languages_stay_plain_text():
    answers = snapshot_entries(["An *answer*\n"], field="answer")
    unknown = snapshot_entries(["x = 1\n"], question=2)
    colour_snapshots(answers + unknown, {1: "python", 2: "no-such-language"})
    assert all("html" not in entry for entry in answers + unknown)
