"""A clean whiteboard scene drawn as SVG on the server, for review, print, the Markdown export and the replay.

The browser's own SVG export is never trusted: this module writes every tag and attribute itself from
a scene that `questions.scenes.scene_clean` checked, escapes all text, and draws only
rectangles, ellipses, diamonds, frames, lines, arrows, freehand strokes and text. Strokes are drawn
straight (no hand-drawn roughness): the point is the architecture, not the look.
"""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PADDING = 20
FONT_FAMILIES = {1: "Virgil, cursive", 2: "Helvetica, Arial, sans-serif", 3: "Cascadia, monospace"}
DEFAULT_FONT = "Helvetica, Arial, sans-serif"
DASHES = {"dashed": "8 6", "dotted": "2 5"}


def scene_svg(scene: dict, *, title: str = "Whiteboard") -> SafeString:
    """The scene as one `<svg>` element (safe to put in a page as is), or "" when nothing is drawn."""
    elements = scene.get("elements", [])
    if not elements:
        return mark_safe("")
    left, top, right, bottom = _bounds(elements)
    width, height = right - left + 2 * PADDING, bottom - top + 2 * PADDING
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="whiteboard-svg" role="img" '
        f'viewBox="{_n(left - PADDING)} {_n(top - PADDING)} {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{_n(left - PADDING)}" y="{_n(top - PADDING)}" width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
    ]
    for element in elements:
        parts.append(_element(element))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _element(e: dict) -> str:
    kind = e["type"]
    style = _style(e)
    rotate = _rotation(e)
    x, y, w, h = e["x"], e["y"], e["width"], e["height"]
    if kind == "rectangle":
        radius = min(w, h) * 0.25 if e.get("roundness") else 0
        return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{_n(radius)}"{style}{rotate}/>'
    if kind == "ellipse":
        return f'<ellipse cx="{_n(x + w / 2)}" cy="{_n(y + h / 2)}" rx="{_n(w / 2)}" ry="{_n(h / 2)}"{style}{rotate}/>'
    if kind == "diamond":
        points = [(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)]
        return f'<polygon points="{_points(points)}"{style}{rotate}/>'
    if kind == "frame":
        label = _escape_line(e.get("name") or "Frame")
        return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="none" stroke="#868e96" '
                f'stroke-dasharray="6 4"{rotate}/><text x="{_n(x)}" y="{_n(y - 6)}" font-size="14" '
                f'fill="#495057" font-family="{DEFAULT_FONT}">{label}</text>')
    if kind == "text":
        return _text(e, rotate)
    return _linear(e, rotate)


def _linear(e: dict, rotate: str) -> str:
    points = [(e["x"] + px, e["y"] + py) for px, py in e["points"]]
    parts = [f'<polyline points="{_points(points)}"{_style(e, fill="none")} stroke-linejoin="round" stroke-linecap="round"/>']
    if e["type"] != "freedraw" and len(points) >= 2:
        if e.get("endArrowhead"):
            parts.append(_arrowhead(points[-2], points[-1], e))
        if e.get("startArrowhead"):
            parts.append(_arrowhead(points[1], points[0], e))
    return f"<g{rotate}>{''.join(parts)}</g>"


def _arrowhead(before: tuple[float, float], tip: tuple[float, float], e: dict) -> str:
    """A filled triangle at `tip`, pointing along the last segment (every arrowhead kind is drawn this way)."""
    angle = math.atan2(tip[1] - before[1], tip[0] - before[0])
    size = 10 + 2 * e["strokeWidth"]
    wings = [(tip[0] - size * math.cos(angle + s), tip[1] - size * math.sin(angle + s)) for s in (0.45, -0.45)]
    colour = escape(e["strokeColor"])
    return f'<polygon points="{_points([tip, *wings])}" fill="{colour}" stroke="{colour}" opacity="{_n(e["opacity"] / 100)}"/>'


def _text(e: dict, rotate: str) -> str:
    size = e.get("fontSize", 20)
    line_height = size * e.get("lineHeight", 1.25)
    anchor, x = {"center": ("middle", e["x"] + e["width"] / 2), "right": ("end", e["x"] + e["width"])}.get(
        e.get("textAlign"), ("start", e["x"])
    )
    family = FONT_FAMILIES.get(e.get("fontFamily"), DEFAULT_FONT)
    lines = e.get("text", "").split("\n")
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(e["y"] + line_height * i + size)}">{_escape_line(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (f'<text font-size="{_n(size)}" font-family="{family}" text-anchor="{anchor}" '
            f'fill="{escape(e["strokeColor"])}" opacity="{_n(e["opacity"] / 100)}"{rotate}>{spans}</text>')


def _style(e: dict, *, fill: str | None = None) -> str:
    dash = DASHES.get(e.get("strokeStyle"))
    return (f' fill="{fill or _fill(e)}" stroke="{escape(e["strokeColor"])}" stroke-width="{_n(e["strokeWidth"])}"'
            f' opacity="{_n(e["opacity"] / 100)}"' + (f' stroke-dasharray="{dash}"' if dash else ""))


def _fill(e: dict) -> str:
    colour = e.get("backgroundColor", "transparent")
    return "none" if colour == "transparent" else escape(colour)


def _rotation(e: dict) -> str:
    if not e.get("angle"):
        return ""
    cx, cy = e["x"] + e["width"] / 2, e["y"] + e["height"] / 2
    return f' transform="rotate({_n(math.degrees(e["angle"]))} {_n(cx)} {_n(cy)})"'


def _bounds(elements: list[dict]) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for e in elements:
        if e["type"] in ("line", "arrow", "freedraw"):
            xs += [e["x"] + px for px, _ in e["points"]]
            ys += [e["y"] + py for _, py in e["points"]]
        else:
            xs += [e["x"], e["x"] + e["width"]]
            ys += [e["y"] - (20 if e["type"] == "frame" else 0), e["y"] + e["height"]]
    return min(xs), min(ys), max(xs), max(ys)


def _points(points) -> str:
    return " ".join(f"{_n(px)},{_n(py)}" for px, py in points)


def _escape_line(text: str) -> str:
    """Escaped text with no line break left in it (a break would end the SVG's HTML block in Markdown)."""
    return escape(" ".join(text.splitlines()))


def _n(value: float) -> str:
    """A number as SVG wants it: at most two decimals, no exponent, no "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
