"""The one way text written by people becomes HTML: Markdown, highlighted code, math, sanitised.

Pack text, answers and notes all go through `render_markdown`. Math is lifted out
before Markdown sees it (so `_` and `*` inside formulas survive) and put back as
escaped text in elements that KaTeX renders in the browser. The final HTML is
cleaned with nh3 against an allow-list, so nothing a user writes can run script.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

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

_FENCE_RE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
_DISPLAY_MATH_RE = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
# Inline math: no space just inside the dollars, so "costs $5 and $10" stays text.
_INLINE_MATH_RE = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])")
_TOKEN_RE = re.compile(r"MATHTOKEN(\d+)X")


def _protect_math(text: str) -> tuple[str, list[tuple[str, bool]]]:
    """Swap math for placeholder tokens, leaving code blocks and code spans alone."""
    found: list[tuple[str, bool]] = []

    def keep(match: re.Match, display: bool) -> str:
        found.append((match.group(1).strip(), display))
        token = f"MATHTOKEN{len(found) - 1}X"
        # Display math stands as its own paragraph so it is not wrapped into a sentence.
        return f"\n\n{token}\n\n" if display else token

    def in_prose(chunk: str) -> str:
        pieces, last = [], 0
        for code in _INLINE_CODE_RE.finditer(chunk):
            pieces.append(_math_in(chunk[last:code.start()]))
            pieces.append(code.group(0))
            last = code.end()
        pieces.append(_math_in(chunk[last:]))
        return "".join(pieces)

    def _math_in(chunk: str) -> str:
        chunk = _DISPLAY_MATH_RE.sub(lambda m: keep(m, True), chunk)
        return _INLINE_MATH_RE.sub(lambda m: keep(m, False), chunk)

    pieces, last = [], 0
    for fence in _FENCE_RE.finditer(text):
        pieces.append(in_prose(text[last:fence.start()]))
        pieces.append(fence.group(0))
        last = fence.end()
    pieces.append(in_prose(text[last:]))
    return "".join(pieces), found


def _restore_math(rendered: str, found: list[tuple[str, bool]]) -> str:
    def put_back(match: re.Match) -> str:
        index = int(match.group(1))
        if index >= len(found):
            return match.group(0)
        source, display = found[index]
        escaped = html.escape(source, quote=True)
        if display:
            return f'<div class="math math-display">{escaped}</div>'
        return f'<span class="math math-inline">{escaped}</span>'

    # A display token sits alone in a paragraph; drop the <p> around it.
    rendered = re.sub(r"<p>(MATHTOKEN\d+X)</p>", r"\1", rendered)
    return _TOKEN_RE.sub(put_back, rendered)


def _converter() -> markdown_lib.Markdown:
    return markdown_lib.Markdown(
        extensions=["fenced_code", "codehilite", "tables", "sane_lists"],
        extension_configs={"codehilite": {"css_class": "highlight", "guess_lang": False}},
        output_format="html",
    )


@lru_cache(maxsize=1024)
def _render(text: str) -> str:
    protected, found = _protect_math(text)
    body = _converter().convert(protected)
    clean = nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # Math goes back in after cleaning: it is escaped text, so it cannot carry markup.
    return _restore_math(clean, found)


def render_markdown(text: str | None) -> SafeString:
    """Render user- or pack-written Markdown to sanitised HTML that is safe to insert."""
    if not text:
        return mark_safe("")
    return mark_safe(_render(str(text)))
