"""The one Markdown renderer: code highlighting, math for KaTeX, and sanitising of known XSS payloads."""

import re
from html.parser import HTMLParser

import pytest

from interviewprep.markdown import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="#" onclick="alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<form action="https://evil.example"><input name=x></form>',
    '<body onload=alert(1)>',
    '<details open ontoggle=alert(1)>',
    '<p title="x" onmouseover="alert(1)">hover</p>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '<base href="https://evil.example/">',
    "<style>body{display:none}</style>",
    "$<img src=x onerror=alert(1)>$",
    "$$</div><script>alert(1)</script>$$",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<!--<script>alert(1)</script>-->",
    '<span class="x" onclick="alert(1)">x</span>',
]

SAFE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}


class ElementCollector(HTMLParser):
    """Collects the real elements and attributes a browser would build (text content is harmless)."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"attribute {name}")
            if name in {"href", "src", "action", "data", "xlink:href"}:
                scheme = re.sub(r"[\s\x00-\x1f]", "", (value or "")).lower().split(":", 1)
                if len(scheme) == 2 and scheme[0] not in {"http", "https", "mailto"}:
                    self.problems.append(f"{name}={value}")

    def handle_comment(self, data):
        self.problems.append("comment")


def problems_in(html: str) -> list[str]:
    collector = ElementCollector()
    collector.feed(html)
    collector.close()
    return collector.problems


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives(payload):
    html = str(render_markdown(payload))
    assert problems_in(html) == [], html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives_inside_a_list_or_quote(payload):
    html = str(render_markdown(f"- item\n- {payload}\n\n> {payload}"))
    assert problems_in(html) == [], html


def test_ordinary_markdown_survives():
    html = str(render_markdown("**bold** *it* [link](https://example.com) `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">link</a>' in html
    assert "<code>code</code>" in html and "<table>" in html


def test_fenced_code_is_highlighted():
    html = str(render_markdown("```python\ndef f(x):\n    return x\n```"))
    assert '<div class="highlight">' in html
    assert '<span class="k">def</span>' in html


def test_math_is_kept_as_escaped_text_for_katex():
    html = str(render_markdown("Inline $a_i * b_i < c$ and\n\n$$\\sum_{i=1}^n x_i$$"))
    assert '<span class="math math-inline">a_i * b_i &lt; c</span>' in html
    assert '<div class="math math-display">\\sum_{i=1}^n x_i</div>' in html


def test_dollar_amounts_and_code_are_not_math():
    html = str(render_markdown("It costs $5 and $10. `$x$`"))
    assert "math" not in html
    assert "<code>$x$</code>" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == "" and render_markdown(None) == ""


def test_the_detector_catches_raw_payloads():
    # Guards the guard: unsanitised, most payloads must be flagged, or the tests above prove nothing.
    flagged = [payload for payload in XSS_PAYLOADS if problems_in(payload)]
    assert len(flagged) >= 20
