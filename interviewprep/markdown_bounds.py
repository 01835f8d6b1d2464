"""Keeps rendering Markdown in bounded time, whatever a person writes (see `interviewprep.markdown`).

Python-Markdown's inline patterns scan forward from each opening character for its closer: from every
`[` for the matching `]` (then the `)`), from every run of backticks for an equal run, from every `*`
or `_` for a partner, and they rebuild the whole text of a paragraph after every match. On ordinary
text those scans are short; on a paragraph of unmatched openers (a run of `[`, `![`, backticks of
growing length) each one scans to the end, and a 60 KB preview took minutes. Python's HTML parser,
which finds raw HTML blocks, does the same from every `<tag` that never closes.

Two linear pre-passes bound that work without touching ordinary text:

- `neutralise_source` (on the source): a `<` that starts a tag with no `>` before the next `<` can
  never be a tag, so it becomes a stand-in character, put back as `&lt;` in the HTML; quote markers
  past `MAX_QUOTE_DEPTH` levels stay text (each level re-parsed the lines inside it), and so do fences
  left unclosed past the first few; past `MAX_BLOCKS` blocks the rest is read as one;
- `InlineWorkGuard` (a tree processor, just before the inline patterns run): estimates, per piece of
  inline text, the characters the patterns will scan (`inline_work`); while the whole document's
  estimate is over `MAX_INLINE_WORK`, the costliest piece has its markup characters swapped for inert
  stand-ins, so it renders as the literal text it is. Stand-ins go back in `restore`.

Stand-ins are private-use characters; any the author typed are replaced first (`strip_stand_ins`).
"""

from __future__ import annotations

import bisect
import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# Characters that start (or end) an inline pattern, each with its stand-in and what it becomes in HTML.
_MARKUP = "[]!`*_<&\\"
_STAND_IN = {char: chr(0xE000 + index) for index, char in enumerate(_MARKUP)}
_RESTORED = {stand_in: {"<": "&lt;", "&": "&amp;"}.get(char, char) for char, stand_in in _STAND_IN.items()}
# A `>` past the deepest quote level we nest (see `MAX_QUOTE_DEPTH`) is kept as text.
_QUOTE_STAND_IN = "\ue00f"
_RESTORED[_QUOTE_STAND_IN] = "&gt;"
_NEUTRALISE = str.maketrans(_STAND_IN)
_TILDE_STAND_IN = "\ue00e"
_RESTORED[_TILDE_STAND_IN] = "~"
_NEUTRALISE_FENCE = str.maketrans({"`": _STAND_IN["`"], "~": _TILDE_STAND_IN})
# The whole private-use block we draw from (the math placeholders use it too): never taken from input.
STAND_IN_RANGE = "\ue000-\ue01f"
_STAND_IN_RE = re.compile(f"[{STAND_IN_RANGE}]")
_RESTORE_RE = re.compile(f"[{''.join(_RESTORED)}]")

# The most characters the inline patterns may scan in one document, by `inline_work`'s estimate.
# Calibrated with bench/markdown_worst.py: at this bound the worst 64 KB input renders about as fast
# as a plain paragraph of the same size; ordinary answers estimate at a few times their length.
MAX_INLINE_WORK = 600_000
# Rebuilding a paragraph's text after a match is a copy in C: about this many characters per scanned one.
_COPY_PER_SCAN = 32

_FENCE_OPEN_RE = re.compile(r"(`{3,}|~{3,})", re.MULTILINE)
_FENCE_CLOSE_RE = re.compile(r"(`{3,}|~{3,})[ \t]*\n?")
# Python-Markdown's block parser and inline pass cost about the same per block however small, and
# 64 KB holds 21,000 one-line paragraphs. Past this many blank-line breaks the rest of the text is
# read as one block (its blank lines become line breaks), which the inline guard then bounds.
MAX_BLOCKS = 1500
_BLANK_LINES_RE = re.compile(r"\n(?:[ \t]*\n)+")
# Markdown's fenced-code pass searches to the end of the text from each fence left unclosed; past
# this many, the rest stay text (their fence characters swapped out).
MAX_UNCLOSED_FENCES = 4
_UNCLOSED_FENCE_RE = re.compile(r"^(`{3,}|~{3,})", re.MULTILINE)
_TAG_START_RE = re.compile(r"<(?=[A-Za-z/!?])")
# Each level of quoting re-parses the lines inside it: a line of 8,000 `>` was quadratic. Deeper
# markers than this stay text.
MAX_QUOTE_DEPTH = 16
_DEEP_QUOTE_RE = re.compile(r"^((?:[ \t]*>){%d})((?:[ \t]*>)+)" % MAX_QUOTE_DEPTH, re.MULTILINE)
_HARD_BREAK = "  \n"
# What any of Python-Markdown's inline patterns needs to match: without one, a piece of text is plain.
_MARKUP_RE = re.compile(r"[\[`\\<&*_]|  \n")


def strip_stand_ins(text: str) -> str:
    """The author's text with any of our stand-in characters replaced, so none can be forged."""
    return _STAND_IN_RE.sub("\ufffd", text)


def restore(html: str) -> str:
    """Puts the characters the guards swapped out back into the rendered HTML."""
    return _RESTORE_RE.sub(lambda m: _RESTORED[m.group(0)], html)


def split_fenced(text: str) -> list[tuple[bool, str]]:
    """`text` cut into (is fenced code, piece): a line opening with three or more ` or ~ up to the next
    line that is only the same fence, as Markdown's fenced code reads it. In one pass over the lines:
    a regex searching on from every unclosed opener is quadratic."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]  # only "\n" ends a line here, as in Markdown's own reading
    closers: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        if closer := _FENCE_CLOSE_RE.fullmatch(line):
            closers.setdefault(closer.group(1), []).append(number)
    pieces: list[tuple[bool, str]] = []
    prose: list[str] = []
    number = 0
    while number < len(lines):
        line = lines[number]
        if opener := _FENCE_OPEN_RE.match(line):
            same = closers.get(opener.group(1), [])
            after = bisect.bisect_right(same, number)
            if after < len(same):
                if prose:
                    pieces.append((False, "".join(prose)))
                    prose = []
                pieces.append((True, "".join(lines[number:same[after] + 1])))
                number = same[after] + 1
                continue
        prose.append(line)
        number += 1
    if prose:
        pieces.append((False, "".join(prose)))
    return pieces


def neutralise_source(text: str) -> str:
    """Outside fenced code: swaps out each `<` that opens a tag left unclosed (no `>` before the next `<`),
    the `>` of quote markers nested deeper than `MAX_QUOTE_DEPTH`, and the fence of unclosed fences
    past the first `MAX_UNCLOSED_FENCES`; blank lines past the first `MAX_BLOCKS` become line breaks.

    Such a `<` is text to Markdown anyway; left in, Python's HTML parser rescans the rest of the document
    from each one.
    """
    pieces, unclosed = [], 0

    def unclosed_fence(match: re.Match) -> str:
        nonlocal unclosed
        unclosed += 1
        return match.group(0) if unclosed <= MAX_UNCLOSED_FENCES else match.group(0).translate(_NEUTRALISE_FENCE)

    blocks = 0

    def block_break(match: re.Match) -> str:
        nonlocal blocks
        blocks += 1
        return match.group(0) if blocks < MAX_BLOCKS else "\n"

    for fenced, piece in split_fenced(text):
        blocks += fenced
        if not fenced:
            # A prose line that opens a fence is one with no closer.
            piece = _UNCLOSED_FENCE_RE.sub(unclosed_fence, _deep_quotes_in(_open_tags_in(piece)))
            piece = _BLANK_LINES_RE.sub(block_break, piece)
        pieces.append(piece)
    return "".join(pieces)


def _deep_quotes_in(chunk: str) -> str:
    return _DEEP_QUOTE_RE.sub(lambda m: m.group(1) + m.group(2).replace(">", _QUOTE_STAND_IN), chunk)


def _open_tags_in(chunk: str) -> str:
    if "<" not in chunk:
        return chunk
    unclosed = []
    for match in _TAG_START_RE.finditer(chunk):
        start = match.start()
        close, reopen = chunk.find(">", start + 1), chunk.find("<", start + 1)
        if close == -1 or (reopen != -1 and reopen < close):
            unclosed.append(start)
    if not unclosed:
        return chunk
    characters = list(chunk)
    for start in unclosed:
        characters[start] = _STAND_IN["<"]
    return "".join(characters)


def inline_work(text: str) -> int:
    """An upper estimate of the characters Python-Markdown's inline patterns scan in `text`.

    Each opener counts the distance to its closer, or to the end of the text when it has none: a `[`
    to its matching `]`, a run of backticks to the next run as long, `*` and `_` to the next of the
    same, `<` to the next `>`. Every opener also counts a rebuild of the text (a C copy, cheaper).
    """
    length = len(text)
    work = 0
    openers = 0
    brackets: list[int] = []
    for match in re.finditer(r"[\[\]]", text):
        if match.group(0) == "[":
            brackets.append(match.start())
            openers += 1
        elif brackets:
            work += match.start() - brackets.pop()
    work += sum(length - start for start in brackets)
    # After `[text]`, the link's `(` is scanned to its matching `)`.
    parens: list[int] = []
    closes: dict[int, int] = {}
    for match in re.finditer(r"[()]", text):
        if match.group(0) == "(":
            parens.append(match.start())
        elif parens:
            closes[parens.pop()] = match.start()
    for match in re.finditer(r"\]\(", text):
        work += closes.get(match.start() + 1, length) - match.start()
    next_of_length: dict[int, int] = {}
    for match in reversed(list(re.finditer(r"`+", text))):
        size = len(match.group(0))
        work += next_of_length.get(size, length) - match.start()
        next_of_length[size] = match.start()
        openers += 1
    for char in "*_":
        positions = [m.start() for m in re.finditer(re.escape(char), text)] + [length]
        work += sum(after - before for before, after in zip(positions, positions[1:]))
        openers += len(positions) - 1
    next_close = length
    for match in reversed(list(re.finditer(r"[<>]", text))):
        if match.group(0) == ">":
            next_close = match.start()
        else:
            work += next_close - match.start()
            openers += 1
    openers += text.count("&") + text.count("\\") + text.count(_HARD_BREAK)
    return work + openers * (length // _COPY_PER_SCAN + 1)


def neutralise(text: str) -> str:
    """`text` with every markup character swapped for its stand-in (and hard breaks made soft)."""
    return text.replace(_HARD_BREAK, " \n").translate(_NEUTRALISE)


_REFERENCE_PATTERNS = ("reference", "image_reference", "short_reference", "short_image_ref")


class InlineWorkGuard(Treeprocessor):
    """Before the inline patterns run: neutralises the costliest pieces of text until the estimate fits."""

    def run(self, root: etree.Element) -> None:
        if not self.md.references:
            # Reference links can only resolve to a `[id]: url` definition; with none, their four
            # patterns match nothing and only cost a pass over every piece of text.
            for name in _REFERENCE_PATTERNS:
                if name in self.md.inlinePatterns:
                    self.md.inlinePatterns.deregister(name)
        pieces = []  # (estimated work, index, element, "text" or "tail")
        for element in root.iter():
            for slot in ("text", "tail"):
                value = getattr(element, slot)
                if not value or isinstance(value, AtomicString):
                    continue
                if not _MARKUP_RE.search(value):
                    # No inline pattern can match: skip the fourteen searches per piece. Same output.
                    setattr(element, slot, AtomicString(value))
                    continue
                pieces.append((inline_work(value), len(pieces), element, slot))
        total = sum(piece[0] for piece in pieces)
        self.md.neutralised_pieces = 0
        # Costliest first; among equals the later ones, so a long text keeps its beginning formatted.
        for work, _, element, slot in sorted(pieces, key=lambda piece: piece[:2], reverse=True):
            if total <= MAX_INLINE_WORK:
                break
            setattr(element, slot, AtomicString(neutralise(getattr(element, slot))))
            total -= work
            self.md.neutralised_pieces += 1


class BoundedInlineExtension(Extension):
    def extendMarkdown(self, md) -> None:
        md.neutralised_pieces = 0
        # Just above the inline patterns (20), after code highlighting (30) made code blocks atomic.
        md.treeprocessors.register(InlineWorkGuard(md), "inline_work_guard", 25)
