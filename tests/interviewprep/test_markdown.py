"""The one Markdown renderer: code highlighting, math for KaTeX, and sanitising of known XSS payloads."""

import os
import random
import re
import subprocess
import sys
import uuid
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import override_settings

from markdown import htmlparser, inlinepatterns

from interviewprep import markdown as markdown_module
from interviewprep.markdown import render_markdown
from interviewprep.markdown_bounds import (
    MAX_BLOCKS,
    MAX_INLINE_WORK,
    MAX_QUOTE_DEPTH,
    MAX_UNCLOSED_FENCES,
    inline_work,
    neutralise_source,
    restore,
)

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


# ---------------------------------------------------------------- math never reaches an attribute as markup


def attributes_of(html: str, tag: str) -> list[dict[str, str]]:
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, name, attrs):
            if name == tag:
                found.append(dict(attrs))

    Collector().feed(html)
    return found


def test_it_keeps_math_in_a_link_title_as_the_written_text():
    html = str(render_markdown('[a](https://example.com "see $x$ and $y$ here") and $z$'))
    assert attributes_of(html, "a") == [
        {"href": "https://example.com", "title": "see $x$ and $y$ here", "rel": "noopener noreferrer nofollow"}
    ]
    assert '<span class="math math-inline">z</span>' in html


def test_it_cannot_break_out_of_an_attribute_through_math():
    html = str(render_markdown('[a](https://example.com "$x$ onmouseover=alert(1) ") <abbr title="$q$">Q</abbr>'))
    assert problems_in(html) == []
    assert attributes_of(html, "abbr") == [{"title": "$q$"}]
    assert "span" not in html


def test_it_leaves_math_in_an_indented_code_block_as_written():
    html = str(render_markdown("    cost = $x$ + $y$"))
    assert "cost = $x$ + $y$" in html and "math" not in html


def test_it_does_not_let_authors_forge_math_placeholders():
    html = str(render_markdown("$a$ then \ue0100\ue011 and MATHTOKEN0X"))
    assert html.count('<span class="math math-inline">a</span>') == 1
    assert "\ue010" not in html and "MATHTOKEN0X" in html


# ---------------------------------------------------------------- cached per text version


@pytest.fixture
def renders(monkeypatch):
    """Counts the real renderer's runs (it still runs)."""
    calls = []
    real = markdown_module._render

    def counted(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(markdown_module, "_render", counted)
    return calls


def test_it_renders_a_text_version_once_then_serves_it_from_the_cache(renders):
    text = f"Answer {uuid.uuid4()}: **bold** and $x$"
    first, second = render_markdown(text), render_markdown(text)
    assert first == second and "<strong>bold</strong>" in first
    assert renders == [text]
    edited = text + " (edited)"
    assert "(edited)" in render_markdown(edited)
    assert renders == [text, edited]


def test_it_keys_the_cache_on_the_renderer_version(renders, monkeypatch):
    text = f"Versioned {uuid.uuid4()}"
    render_markdown(text)
    monkeypatch.setattr(markdown_module, "RENDERER_VERSION", markdown_module.RENDERER_VERSION + 1000)
    render_markdown(text)
    assert renders == [text, text]


@pytest.mark.parametrize("cache_url, backend", [
    ("", "django.core.cache.backends.filebased.FileBasedCache"),
    ("redis://127.0.0.1:6379/14", "django.core.cache.backends.redis.RedisCache"),
])
def test_it_uses_a_cache_that_processes_share(cache_url, backend, tmp_path):
    """The real settings (not the tests'): rendered HTML is never kept per process, with or without Redis."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "interviewprep.settings", "CACHE_URL": cache_url,
           "INTERVIEWPREP_VAR_DIR": str(tmp_path)}
    shown = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.CACHES['default']['BACKEND'])"],
        env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR,
    )
    assert shown.stdout.strip() == backend


# ---------------------------------------------------------------- bounded work on hostile text

SIZE_LIMIT = 64 * 1024  # MAX_ANSWER_BYTES, and the preview form's limit in characters

ORDINARY_TEXTS = [
    "# Title\n\nSome **bold**, *it*, `code`, a [link](https://example.com \"Title\")"
    " and ![img](https://e.com/i.png).\n\n"
    "- one [x] box\n- two\n  1. nested\n\n> quoted <kbd>Ctrl</kbd> & more\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "Reference [style][ref] and [short] links.\n\n[ref]: https://example.com\n[short]: https://example.org\n",
    "No definitions: [style][ref], [short], ![image][ref] and ![alone] stay text.",
    "a < b and c > d, arrays a[i][j], `x[0]`, dict['k'], **nested *emphasis* here**, line  \nbreak",
    "```python\nif a < b and c[0]:\n    pass\n```\n\n    indented <code> [here\n\ntext",
    "".join(f"Paragraph {i} with a [link](https://example.com/{i}) and `code {i}`.\n\n" for i in range(200)),
]


def plain_python_markdown(text: str) -> str:
    """What Python-Markdown makes of `text` with no guard (our extensions otherwise)."""
    import markdown as markdown_lib

    return markdown_lib.Markdown(
        extensions=["fenced_code", "codehilite", "tables", "sane_lists"],
        extension_configs={"codehilite": {"css_class": "highlight", "guess_lang": False}},
        output_format="html",
    ).convert(text)


@pytest.mark.parametrize("text", ORDINARY_TEXTS)
def test_it_renders_ordinary_text_exactly_as_python_markdown_does(text):
    converter = markdown_module._converter()
    guarded = restore(converter.convert(neutralise_source(text)))
    assert guarded == plain_python_markdown(text)
    assert converter.neutralised_pieces == 0


@pytest.fixture
def link_text_scans(monkeypatch):
    """Characters Python-Markdown's link patterns scan looking for a `]` (the real scan still runs)."""
    scanned = []
    real = inlinepatterns.LinkInlineProcessor.getText

    def counted(self, data, index):
        result = real(self, data, index)
        scanned.append(result[1] - index)
        return result

    monkeypatch.setattr(inlinepatterns.LinkInlineProcessor, "getText", counted)
    return scanned


@pytest.mark.parametrize("hostile", ["[" * 3000, "![" * 1500, "[" * 1500 + "]" * 1500, "[x][" * 750, "[\n" * 1500])
def test_it_neutralises_bracket_runs_so_link_scans_stay_linear(hostile, link_text_scans):
    # Unguarded, every `[` scanned to the end: millions of characters for these 3,000.
    converter = markdown_module._converter()
    html = restore(converter.convert(hostile))
    assert converter.neutralised_pieces >= 1
    assert sum(link_text_scans) <= 10 * len(hostile)
    assert html.replace("<p>", "").replace("</p>", "").replace("<br />", "") == hostile.strip().replace("\n", "\n")


def test_it_renders_a_bracket_run_at_the_size_limit_as_the_text_it_is():
    html = str(render_markdown("[" * SIZE_LIMIT))
    assert html == "<p>" + "[" * SIZE_LIMIT + "</p>"


def test_it_leaves_a_long_ordinary_answer_alone_and_estimates_hostile_text_over_the_bound():
    converter = markdown_module._converter()
    converter.convert("\n\n".join(ORDINARY_TEXTS * 3))
    assert converter.neutralised_pieces == 0
    for hostile in ("[" * 5000, "`" * 5 + " " + "".join("`" * n + " x " for n in range(1, 300)), "[x](" * 2000):
        assert inline_work(hostile) > MAX_INLINE_WORK


@pytest.fixture
def start_tags_parsed(monkeypatch):
    calls = []
    real = htmlparser.HTMLExtractor.parse_starttag

    def counted(self, i):
        calls.append(i)
        return real(self, i)

    monkeypatch.setattr(htmlparser.HTMLExtractor, "parse_starttag", counted)
    return calls


def test_it_keeps_unclosed_tags_away_from_the_html_parser(start_tags_parsed):
    # Python's HTML parser rescanned the rest of the text from each of these.
    html = str(render_markdown(f"{uuid.uuid4()}\n\n" + "<a " * 3000 + "\n\n<kbd>Ctrl</kbd>"))
    assert html.count("&lt;a ") == 3000
    assert "<kbd>Ctrl</kbd>" in html
    assert len(start_tags_parsed) <= 2


def test_it_leaves_only_a_few_unclosed_fences_for_markdown_to_search_from():
    # Four backticks open a fence only a line of four closes: none here.
    text = "````a\n" * 100 + "```python\nx = 1\n```\n"
    assert neutralise_source(text).count("````a") == MAX_UNCLOSED_FENCES
    html = str(render_markdown(text))
    assert html.count("````a") == 100 - MAX_UNCLOSED_FENCES  # the first few still pair up as code spans
    assert '<div class="highlight">' in html


def test_it_nests_quotes_no_deeper_than_the_bound():
    html = str(render_markdown(">" * 5000 + " deep"))
    assert html.count("<blockquote>") == MAX_QUOTE_DEPTH
    assert "&gt;" * 10 in html and "deep" in html


# The regexes the math pass used before: quadratic on unclosed runs, but the meaning to keep.
OLD_CODE_SPAN_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
OLD_DISPLAY_MATH_RE = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)


def test_it_finds_code_spans_and_display_math_as_before_in_one_pass():
    rng = random.Random(7)
    texts = ["a `b` c ``d`e`` f", "```` x ` y ``", "` `` ``` unclosed", "``\n`", "$$a$$ $$$b$$ $$"]
    texts += ["".join(rng.choice("`$ab\n") for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        assert markdown_module._code_spans(text) == [m.span() for m in OLD_CODE_SPAN_RE.finditer(text)], text
        assert markdown_module._display_math_spans(text) == [m.span() for m in OLD_DISPLAY_MATH_RE.finditer(text)]


def test_it_renders_backtick_runs_of_growing_length_at_the_size_limit():
    text = "".join("`" * n + " x " for n in range(1, 400))[:SIZE_LIMIT]
    html = str(render_markdown(text))
    assert html.startswith("<p>") and html.count("x") == text.count("x")


def test_it_reads_the_blocks_past_the_bound_as_one():
    html = str(render_markdown("para\n\n" * (MAX_BLOCKS + 500)))
    assert html.count("<p>") == MAX_BLOCKS
    assert html.count("para") == MAX_BLOCKS + 500


def test_it_still_renders_when_the_cache_is_down(renders):
    # Port 1 refuses connections: every cache call fails; the cache only saves work.
    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=down):
        assert str(render_markdown("**still here**")) == "<p><strong>still here</strong></p>"
    assert renders == ["**still here**"]
