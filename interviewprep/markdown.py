"""The one way text written by people becomes HTML: Markdown, highlighted code, math, sanitised.

Pack text, answers and notes all go through `render_markdown`. Math is lifted out
before Markdown sees it (so `_` and `*` inside formulas survive) and put back as
escaped text in elements that KaTeX renders in the browser. The final HTML is
cleaned with nh3 against an allow-list, so nothing a user writes can run script:
math goes back in before cleaning, so the cleaner sees everything that is sent.

Rendering takes bounded time whatever the text (`interviewprep.markdown_bounds`),
and the result is cached per text version (Django's cache, keyed by a hash of the
text and `RENDERER_VERSION`), so polls of an unchanged answer never re-render it.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import logging
import re

import markdown as markdown_lib
import nh3
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from interviewprep.markdown_bounds import (
    BoundedInlineExtension,
    neutralise_source,
    restore,
    split_fenced,
    strip_stand_ins,
)

logger = logging.getLogger(__name__)

# Part of every cache key: bump it whenever a change here changes the HTML of some text.
RENDERER_VERSION = 2
# Rendered HTML stays cached this long after its last render (seconds); a new text version is a new key.
CACHE_SECONDS = 7 * 24 * 3600

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "div": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_BACKTICKS_RE = re.compile(r"`+")
# Inline math: no space just inside the dollars, so "costs $5 and $10" stays text.
_INLINE_MATH_RE = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])")
# Placeholders are private-use characters around a number: authors cannot type them (strip_stand_ins).
_TOKEN_OPEN, _TOKEN_CLOSE = "\ue010", "\ue011"
_TOKEN_RE = re.compile(f"{_TOKEN_OPEN}(\\d+){_TOKEN_CLOSE}")
_DISPLAY_ALONE_RE = re.compile(f"<p>({_TOKEN_OPEN}\\d+{_TOKEN_CLOSE})</p>")
# Where a placeholder must come back as the written text, not as markup: inside a tag (a link's title
# or address) or inside code (an indented code block that the math pass could not tell from prose).
_TAG_OR_CODE_RE = re.compile(r"<code[^>]*>.*?</code>|<[^<>]*>", re.DOTALL)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Where code spans are: a run of backticks up to the next run exactly as long (or, failing one, the
    run's tail up to a shorter one). Linear: each run looks its partner up instead of searching on."""
    runs = [(match.start(), match.end() - match.start()) for match in _BACKTICKS_RE.finditer(text)]
    starts_by_length: dict[int, list[int]] = {}
    for start, length in runs:
        starts_by_length.setdefault(length, []).append(start)
    spans, covered = [], 0
    for start, length in runs:
        if start < covered:
            continue
        for size in range(length, 0, -1):
            opening = start + length - size
            later = starts_by_length.get(size, [])
            index = bisect.bisect_left(later, opening + size + 1)  # at least one character in between
            if index < len(later):
                spans.append((opening, later[index] + size))
                covered = later[index] + size
                break
    return spans


def _display_math_spans(text: str) -> list[tuple[int, int]]:
    """`$$...$$` pairs, each `$$` closing the nearest open one (found with `str.find`, never rescanned)."""
    spans, position = [], 0
    while (opening := text.find("$$", position)) != -1:
        closing = text.find("$$", opening + 3)
        if closing == -1:
            break
        spans.append((opening, closing + 2))
        position = closing + 2
    return spans


def _protect_math(text: str) -> tuple[str, list[tuple[str, bool]]]:
    """Swap math for placeholder tokens, leaving code blocks and code spans alone."""
    found: list[tuple[str, bool]] = []

    def token(source: str, display: bool) -> str:
        found.append((source.strip(), display))
        token = f"{_TOKEN_OPEN}{len(found) - 1}{_TOKEN_CLOSE}"
        # Display math stands as its own paragraph so it is not wrapped into a sentence.
        return f"\n\n{token}\n\n" if display else token

    def between(chunk: str, spans: list[tuple[int, int]], outside, inside) -> str:
        pieces, last = [], 0
        for start, end in spans:
            pieces.append(outside(chunk[last:start]))
            pieces.append(inside(chunk[start:end]))
            last = end
        pieces.append(outside(chunk[last:]))
        return "".join(pieces)

    def inline_math(chunk: str) -> str:
        return _INLINE_MATH_RE.sub(lambda m: token(m.group(1), False), chunk)

    def math_in(chunk: str) -> str:
        return between(chunk, _display_math_spans(chunk), inline_math, lambda span: token(span[2:-2], True))

    def in_prose(chunk: str) -> str:
        if "$" not in chunk:
            return chunk  # no math to find, so no need to find the code spans either
        return between(chunk, _code_spans(chunk), math_in, lambda code: code)

    return "".join(piece if fenced else in_prose(piece) for fenced, piece in split_fenced(text)), found


def _restore_math(rendered: str, found: list[tuple[str, bool]]) -> str:
    """Math back in: as KaTeX elements in text, as the written `$...$` inside tags and code. Still to be cleaned."""

    def as_written(match: re.Match) -> str:
        index = int(match.group(1))
        source, display = found[index]
        dollars = "$$" if display else "$"
        return html.escape(f"{dollars}{source}{dollars}", quote=True)

    def as_element(match: re.Match) -> str:
        source, display = found[int(match.group(1))]
        escaped = html.escape(source, quote=True)
        if display:
            return f'<div class="math math-display">{escaped}</div>'
        return f'<span class="math math-inline">{escaped}</span>'

    # A display token sits alone in a paragraph; drop the <p> around it.
    rendered = _DISPLAY_ALONE_RE.sub(r"\1", rendered)
    rendered = _TAG_OR_CODE_RE.sub(lambda m: _TOKEN_RE.sub(as_written, m.group(0)), rendered)
    return _TOKEN_RE.sub(as_element, rendered)


def _converter() -> markdown_lib.Markdown:
    return markdown_lib.Markdown(
        extensions=["fenced_code", "codehilite", "tables", "sane_lists", BoundedInlineExtension()],
        extension_configs={"codehilite": {"css_class": "highlight", "guess_lang": False}},
        output_format="html",
    )


def _render(text: str) -> str:
    protected, found = _protect_math(strip_stand_ins(text))
    body = _converter().convert(neutralise_source(protected))
    body = _restore_math(restore(body), found)
    # Cleaning comes last, over everything that goes out, math included.
    return nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> SafeString:
    """Render user- or pack-written Markdown to sanitised HTML that is safe to insert (cached per text)."""
    if not text:
        return mark_safe("")
    text = str(text)
    key = f"markdown:{RENDERER_VERSION}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()}"
    try:
        rendered = cache.get(key)
    except Exception:  # the cache only saves work: if it is down, render (bounded) and say so
        logger.warning("Markdown cache unavailable; rendering without it", exc_info=True)
        return mark_safe(_render(text))
    if rendered is None:
        rendered = _render(text)
        try:
            cache.set(key, rendered, CACHE_SECONDS)
        except Exception:
            logger.warning("Markdown cache unavailable; not storing the render", exc_info=True)
    return mark_safe(rendered)
