"""Worst-case time of rendering Markdown at the size limit, on an adversarial corpus.

Answers, notes and the live preview all accept up to 64 KB (65,536 characters for the preview's form);
every text here is exactly that long. Each is rendered `--repeats` times, uncached (the renderer itself,
not Django's cache), and the median printed with its ratio against a baseline measured in the same
run: a plain paragraph of the same size. Then the worst case against the 200 ms limit, and the cost
of a cached render (what every poll of an unchanged answer pays).

The corpus is what used to be quadratic or worse: runs of `[` and `![`, nested brackets, links with
unclosed destinations and long titles, backtick runs of growing length, nested emphasis, unclosed
tags, deep quotes and lists, many math spans, unclosed fences; and, for scale, ordinary text with
many links and code spans.

    python bench/markdown_worst.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = 64 * 1024
LIMIT_MS = 200.0


def setup_django() -> None:
    from django.conf import settings

    # Only what the renderer needs: a cache of this process's own (no database, no project settings).
    settings.configure(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
    import django

    django.setup()


def exactly(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def growing_backticks(size: int = SIZE) -> str:
    text, length = [], 1
    while sum(map(len, text)) < size:
        text.append("`" * length + " x ")
        length += 1
    return "".join(text)[:size]


def corpus() -> dict[str, str]:
    half = SIZE // 2
    return {
        "baseline: plain paragraph": exactly("plain words in a sentence "),
        "ordinary answer, paragraphs": exactly("Some **bold** text, a [link](https://example.com) and `code`.\n\n"),
        "one paragraph of links": exactly("[a](https://example.com/x) "),
        "one paragraph of code spans": exactly("`a` "),
        "run of [": "[" * SIZE,
        "run of ![": exactly("!["),
        "nested [[[...]]]": "[" * half + "]" * half,
        "[x]( unclosed, repeated": exactly("[x]("),
        "[x](y unclosed, repeated": exactly("[x](y"),
        "[x][ references": exactly("[x]["),
        "brackets across lines": exactly("[\n"),
        "long link title": '[a](https://example.com "' + "t" * (SIZE - 40) + '")',
        "unclosed titles": exactly('[a](b "'),
        "backtick runs, growing": growing_backticks(),
        "nested emphasis": exactly("*a **b ***c "),
        "unclosed emphasis": exactly("*a _b "),
        "unclosed tags": exactly("<a "),
        "unclosed autolinks": exactly("<http://a "),
        "unclosed comments": exactly("<!--"),
        "entities": exactly("&#x41;&amp;"),
        "deep quote": ">" * SIZE,
        "deep list": "".join("  " * (i % 40) + "- a\n" for i in range(SIZE // 40))[:SIZE],
        "many math spans": exactly("$a_i$ "),
        "math then brackets": exactly("$a$["),
        "display math, unclosed": exactly("$$x "),
        "unclosed fences": exactly("```a\n"),
        "hard breaks": exactly("a  \n"),
        "table of pipes": "|a|\n|-|\n" + exactly("|" * 200 + "\n", SIZE - 8),
    }


def median_ms(render, text: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        render(text)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from interviewprep.markdown import _render, render_markdown

    texts = corpus()
    _render("warm *up* [x](y)")
    results = {name: median_ms(_render, text, args.repeats) for name, text in texts.items()}
    baseline = next(iter(results.values()))
    print(f"Markdown render of {SIZE:,} characters, uncached, median of {args.repeats}")
    for name, ms in results.items():
        print(f"  {name:32s} {ms:8.1f} ms  {ms / baseline:6.1f}x baseline")
    worst = max(results, key=results.get)
    verdict = "within" if results[worst] <= LIMIT_MS else "OVER"
    print(f"worst: {worst}: {results[worst]:.1f} ms = {results[worst] / baseline:.1f}x baseline, "
          f"{results[worst] / LIMIT_MS:.2f} of the {LIMIT_MS:.0f} ms limit ({verdict})")
    text = texts[worst]
    render_markdown(text)
    cached = median_ms(render_markdown, text, max(args.repeats, 5))
    print(f"cached render of the worst text (a poll of an unchanged answer): {cached:.2f} ms")


if __name__ == "__main__":
    main()
