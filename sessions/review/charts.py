"""Server-rendered SVG charts: plain numbers and labels in, escaped SVG markup out. No Django in here.

Colours, strokes and fonts come from class names (`.chart-*` in static/css/app.css), so the
markup has no style attribute, no event handler and no script, and holds under the site's
Content-Security-Policy. Each chart is an `<svg role="img">` named by its own `<title>` and
`<desc>`; every point and bar carries a `<title>` with its exact value (a tooltip on hover).
Pages follow each chart with a table of the same numbers for screen readers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

SERIES_CLASSES = 6  # .chart-series-0 .. -5 in app.css; further series reuse them
X_LABEL_WIDTH = 90  # room one date label needs; with less, only every n-th point is labelled (all keep tooltips)


class SvgMarkup(str):
    """Markup whose every text was escaped here. Templates that know `__html__` (Django's, Jinja2) insert it as is."""

    def __html__(self) -> str:
        return self


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a value per x label, None where there is none.

    The line breaks at a None, unless `join_gaps`: then it runs on to the next value (for series
    that are sparse by nature, such as interviewer scores that only paired rounds have).
    """

    name: str
    values: Sequence[float | None]
    join_gaps: bool = False


def format_number(value: float) -> str:
    """1.0 -> "1", 2.5 -> "2.5", 2.3333 -> "2.33"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(value) -> str:
    return escape(str(value), quote=True)


def _clean(value) -> float | None:
    """A finite number, or None for gaps, NaN, infinities and anything that is not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _dom_id(chart_id: str) -> str:
    return "chart-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(chart_id))[:60]


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _open_svg(dom_id: str, kind: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-kind-{kind}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{dom_id}-title {dom_id}-desc" id="{dom_id}">',
        f'<title id="{dom_id}-title">{_text(title)}</title>',
        f'<desc id="{dom_id}-desc">{_text(description or title)}</desc>',
    ]


def line_chart(
    *,
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_min: float,
    y_max: float,
    y_ticks: Sequence[tuple[float, str]] | None = None,
    description: str = "",
    value_format: Callable[[float], str] = format_number,
    width: int = 640,
    height: int = 260,
) -> SvgMarkup:
    """Lines over evenly spaced x labels (e.g. dates), one per series, with a legend and y ticks.

    Values outside y_min..y_max are drawn at the edge (their tooltip keeps the real value).
    """
    if not y_max > y_min:
        raise ValueError("y_max must be greater than y_min")
    dom_id = _dom_id(chart_id)
    ticks = list(y_ticks) if y_ticks is not None else [
        (y_min + (y_max - y_min) * i / 4, format_number(y_min + (y_max - y_min) * i / 4)) for i in range(5)
    ]
    # Room for the tick labels on the left, and for half an x label at either end.
    left, right, top, bottom = 56, X_LABEL_WIDTH // 2 + 2, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(x_labels)

    def x_at(index: int) -> float:
        return left + plot_w / 2 if count == 1 else left + plot_w * index / (count - 1)

    def y_at(value: float) -> float:
        share = (min(max(value, y_min), y_max) - y_min) / (y_max - y_min)
        return top + plot_h * (1 - share)

    parts = _open_svg(dom_id, "line", width, height, title, description)
    parts.append('<g class="chart-axis">')
    for value, label in ticks:
        number = _clean(value)
        if number is None:
            continue
        y = y_at(number)
        parts.append(f'<line class="chart-grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_text(label)}</text>')
    # Every step-th point is labelled, step chosen so labels are at least X_LABEL_WIDTH apart; the
    # latest point always is (in place of the one before it, which would be too close).
    room = max(2, plot_w // X_LABEL_WIDTH)
    step = 1 if count <= room else math.ceil((count - 1) / (room - 1))
    shown = list(range(0, count, step))
    if shown and shown[-1] != count - 1:
        shown[-1] = count - 1
    for index in shown:
        parts.append(
            f'<text class="chart-tick" x="{x_at(index):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"<title>{_text(x_labels[index])}</title>{_text(_shorten(str(x_labels[index]), 14))}</text>"
        )
    parts.append("</g>")
    if not count:
        parts.append(f'<text class="chart-empty" x="{width / 2:.0f}" y="{top + plot_h / 2:.0f}" '
                     'text-anchor="middle">No data yet</text>')

    legend_x = left
    for number, line in enumerate(series):
        css = f"chart-series chart-series-{number % SERIES_CLASSES}"
        parts.append(f'<g class="{css}">')
        parts.append(f'<rect class="chart-swatch" x="{legend_x}" y="10" width="12" height="12"/>')
        parts.append(f'<text class="chart-legend" x="{legend_x + 17}" y="20">{_text(line.name)}</text>')
        legend_x += 17 + 8 * len(line.name) + 22
        values = [_clean(v) for v in list(line.values)[:count]]
        segment: list[str] = []
        for index, value in enumerate([*values, None]):
            if value is not None:
                segment.append(f"{x_at(index):.1f},{y_at(value):.1f}")
                continue
            if line.join_gaps and index < count:
                continue
            if len(segment) > 1:
                parts.append(f'<polyline class="chart-line" points="{" ".join(segment)}"/>')
            segment = []
        for index, value in enumerate(values):
            if value is None:
                continue
            tip = f"{line.name}, {x_labels[index]}: {value_format(value)}"
            parts.append(
                f'<circle class="chart-point" cx="{x_at(index):.1f}" cy="{y_at(value):.1f}" r="4">'
                f"<title>{_text(tip)}</title></circle>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return SvgMarkup("".join(parts))


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    max_value: float | None = None,
    value_labels: Sequence[str] | None = None,
    description: str = "",
    width: int = 640,
) -> SvgMarkup:
    """Horizontal bars, one per label (long labels are shortened on the axis, whole in the tooltip).

    `max_value` is the full length of a bar (the largest value when missing); `value_labels`
    replace the numbers printed after the bars (e.g. "3 of 4 · 75%").
    """
    dom_id = _dom_id(chart_id)
    numbers = [_clean(v) for v in values]
    scale = _clean(max_value) or max((n for n in numbers if n is not None), default=0) or 1
    texts = list(value_labels) if value_labels is not None else [
        "" if n is None else format_number(n) for n in numbers
    ]
    label_w, value_w, row_h, top, bottom = 190, 110, 28, 8, 8
    bar_w = width - label_w - value_w
    height = top + bottom + row_h * max(1, len(labels))
    parts = _open_svg(dom_id, "bar", width, height, title, description)
    if not labels:
        parts.append(f'<text class="chart-empty" x="{width / 2:.0f}" y="{top + row_h / 2 + 4:.0f}" '
                     'text-anchor="middle">No data yet</text>')
    for index, label in enumerate(labels):
        number = numbers[index] if index < len(numbers) else None
        text = texts[index] if index < len(texts) else ""
        y = top + row_h * index
        length = 0.0 if number is None else bar_w * min(max(number, 0.0), scale) / scale
        parts.append('<g class="chart-series chart-series-0">')
        parts.append(f"<title>{_text(f'{label}: {text}' if text else label)}</title>")
        parts.append(f'<text class="chart-tick" x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">'
                     f"{_text(_shorten(str(label), 26))}</text>")
        parts.append(f'<rect class="chart-track" x="{label_w}" y="{y + 5}" width="{bar_w}" height="{row_h - 10}"/>')
        parts.append(f'<rect class="chart-bar" x="{label_w}" y="{y + 5}" width="{length:.1f}" height="{row_h - 10}"/>')
        parts.append(f'<text class="chart-value" x="{label_w + bar_w + 6}" y="{y + row_h / 2 + 4:.1f}">'
                     f"{_text(text)}</text>")
        parts.append("</g>")
    parts.append("</svg>")
    return SvgMarkup("".join(parts))


def column_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    description: str = "",
    label_every: int = 5,
    width: int = 640,
    height: int = 220,
) -> SvgMarkup:
    """Vertical columns over evenly spaced labels (e.g. the next 30 days), with a y scale from 0.

    Every `label_every`-th label (and the first) is written under its column; all keep their tooltip.
    """
    dom_id = _dom_id(chart_id)
    numbers = [_clean(v) for v in values]
    top_value = max((n for n in numbers if n is not None), default=0)
    scale = max(1, math.ceil(top_value))
    left, right, top, bottom = 40, 10, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(1, len(labels))
    slot = plot_w / count
    parts = _open_svg(dom_id, "column", width, height, title, description)
    parts.append('<g class="chart-axis">')
    for tick in sorted({0, scale // 2, scale}):
        y = top + plot_h * (1 - tick / scale)
        parts.append(f'<line class="chart-grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for index, label in enumerate(labels):
        if index % max(1, label_every) == 0:
            x = left + slot * (index + 0.5)
            parts.append(f'<text class="chart-tick" x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                         f"{_text(_shorten(str(label), 10))}</text>")
    parts.append("</g>")
    if not labels:
        parts.append(f'<text class="chart-empty" x="{width / 2:.0f}" y="{top + plot_h / 2:.0f}" '
                     'text-anchor="middle">No data yet</text>')
    parts.append('<g class="chart-series chart-series-0">')
    for index, label in enumerate(labels):
        number = numbers[index] if index < len(numbers) else None
        size = 0.0 if number is None else plot_h * min(max(number, 0.0), scale) / scale
        x = left + slot * index + slot * 0.15
        text = "no data" if number is None else format_number(number)
        parts.append(f'<rect class="chart-bar" x="{x:.1f}" y="{top + plot_h - size:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{size:.1f}"><title>{_text(f"{label}: {text}")}</title></rect>')
    parts.append("</g></svg>")
    return SvgMarkup("".join(parts))
