"""The SVG charts: well-formed, labelled for screen readers, every label escaped, nothing the CSP would
block, and values placed where they belong. No database."""

import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils.html import conditional_escape

from sessions.review import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quoted" \'single\''


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def line(**overrides):
    arguments = {
        "chart_id": "scores", "title": "Scores", "x_labels": ["1 Jan", "2 Jan", "3 Jan", "4 Jan"],
        "series": [charts.Series("Self", [1, None, 3, 4]), charts.Series("Interviewer", [2, 2, None, None])],
        "y_min": 1, "y_max": 4,
    }
    return charts.line_chart(**{**arguments, **overrides})


def bar(**overrides):
    arguments = {"chart_id": "rates", "title": "Pass rate", "labels": ["Sum two", "Bayes"], "values": [50, 100],
                 "max_value": 100}
    return charts.bar_chart(**{**arguments, **overrides})


@pytest.mark.parametrize("draw", [line, bar], ids=["line", "bar"])
def test_it_is_well_formed_svg_named_by_its_title_and_description(draw):
    root = parse(draw(description="What it shows."))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == "What it shows."
    assert root.get("viewBox").startswith("0 0 ")


@pytest.mark.parametrize("draw", [line, bar], ids=["line", "bar"])
def test_templates_insert_it_as_it_is(draw):
    markup = draw()
    assert isinstance(markup, charts.SvgMarkup)
    assert conditional_escape(markup) == markup


def test_every_label_is_escaped_and_reads_back_as_written():
    lines = line(title=HOSTILE, description=HOSTILE, x_labels=[HOSTILE, "b"], series=[charts.Series(HOSTILE, [1, 2])])
    bars = bar(title=HOSTILE, labels=[HOSTILE], values=[1], value_labels=[HOSTILE])
    for markup in (lines, bars):
        assert "<script" not in markup and '"quoted"' not in markup
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; &#x27;single&#x27;" in markup
        root = parse(markup)
        assert root.find(f"{SVG}title").text == HOSTILE
        assert root.find(f"{SVG}desc").text == HOSTILE
    root = parse(lines)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-legend"] == [HOSTILE]
    assert root.find(f".//{SVG}circle/{SVG}title").text == f"{HOSTILE}, {HOSTILE}: 1"
    assert [t.text for t in parse(bars).iter(f"{SVG}text") if t.get("class") == "chart-value"] == [HOSTILE]


@pytest.mark.parametrize("draw", [line, bar], ids=["line", "bar"])
def test_it_needs_no_style_attribute_script_or_event_handler(draw):
    markup = draw(chart_id='x" onload="alert(1)')
    assert "style=" not in markup and "<script" not in markup
    assert not re.search(r"\son\w+\s*=", markup)
    ids = [element.get("id") for element in parse(markup).iter() if element.get("id")]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", value) for value in ids)


def test_values_are_placed_between_the_lowest_and_highest_tick():
    root = parse(line(series=[charts.Series("Self", [1, 4, 2.5, 99])]))
    points = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    tick_labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick" and t.text]
    ticks = {t.text: float(t.get("y")) - 4 for t in tick_labels}
    assert points[0][1] == ticks["1"] and points[1][1] == ticks["4"]
    assert points[2][1] == pytest.approx((ticks["1"] + ticks["4"]) / 2)
    assert points[3][1] == ticks["4"]  # above the range: drawn at the top edge
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    tips = [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle")]
    assert tips == ["Self, 1 Jan: 1", "Self, 2 Jan: 4", "Self, 3 Jan: 2.5", "Self, 4 Jan: 99"]


def test_missing_values_break_the_line():
    root = parse(line())
    groups = [g for g in root.iter(f"{SVG}g") if "chart-series" in (g.get("class") or "")]
    self_group, interviewer_group = groups
    # Self: 1, gap, 3, 4 -> one segment (3-4) and three points; Interviewer: 2, 2 -> one segment, two points.
    assert len(self_group.findall(f"{SVG}polyline")) == 1 and len(self_group.findall(f"{SVG}circle")) == 3
    assert len(self_group.find(f"{SVG}polyline").get("points").split()) == 2
    assert len(interviewer_group.findall(f"{SVG}polyline")) == 1 and len(interviewer_group.findall(f"{SVG}circle")) == 2
    assert "chart-series-0" in self_group.get("class") and "chart-series-1" in interviewer_group.get("class")


@pytest.mark.parametrize("junk", [math.nan, math.inf, -math.inf, "three", True])
def test_values_that_are_not_finite_numbers_are_gaps(junk):
    root = parse(line(series=[charts.Series("Self", [1, junk, 3, 4])]))
    assert len(list(root.iter(f"{SVG}circle"))) == 3


def test_a_single_point_sits_in_the_middle():
    root = parse(line(x_labels=["Only"], series=[charts.Series("Self", [2])], width=400))
    (circle,) = root.iter(f"{SVG}circle")
    left, right = 56, 400 - (charts.X_LABEL_WIDTH // 2 + 2)
    assert float(circle.get("cx")) == (left + right) / 2
    assert not list(root.iter(f"{SVG}polyline"))


def test_no_data_says_so():
    assert "No data yet" in line(x_labels=[], series=[charts.Series("Self", [])])
    assert "No data yet" in bar(labels=[], values=[])


@pytest.mark.parametrize("count", [2, 6, 7, 8, 40])
def test_long_axes_label_only_some_points_but_every_point_keeps_its_tooltip(count):
    labels = [f"Day {n}" for n in range(count)]
    root = parse(line(x_labels=labels, series=[charts.Series("Self", [1 + n % 4 for n in range(count)])]))
    axis = [t for t in root.iter(f"{SVG}text") if t.get("y") == str(260 - 46 + 18)]
    room = (640 - 56 - (charts.X_LABEL_WIDTH // 2 + 2)) // charts.X_LABEL_WIDTH
    assert 2 <= len(axis) <= min(count, room)
    assert axis[0].find(f"{SVG}title").text == "Day 0"
    assert axis[-1].find(f"{SVG}title").text == f"Day {count - 1}"
    xs = [float(t.get("x")) for t in axis]
    assert all(b - a >= charts.X_LABEL_WIDTH for a, b in zip(xs, xs[1:]))  # labels do not run into each other
    assert xs[0] - charts.X_LABEL_WIDTH / 2 >= 0 and xs[-1] + charts.X_LABEL_WIDTH / 2 <= 640  # nor off the edge
    assert len(list(root.iter(f"{SVG}circle"))) == count


def test_a_sparse_series_can_join_its_gaps():
    root = parse(line(series=[charts.Series("Interviewer", [2, None, None, 4], join_gaps=True)]))
    (polyline,) = root.iter(f"{SVG}polyline")
    assert len(polyline.get("points").split()) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 2


def test_the_y_range_must_not_be_empty():
    with pytest.raises(ValueError):
        line(y_min=4, y_max=4)


def test_bars_are_as_long_as_their_share_of_the_maximum():
    root = parse(bar(labels=["Half", "Full", "Over", "Negative", "Missing"], values=[50, 100, 150, -5, None]))
    bars = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    tracks = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-track"]
    full = tracks[0]
    assert bars == [pytest.approx(full / 2), full, full, 0, 0]


def test_bars_default_to_the_largest_value_and_print_the_given_value_labels():
    root = parse(bar(values=[1, 4], max_value=None, value_labels=["1 of 4 · 25%", "4 of 4 · 100%"]))
    bars = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert bars[0] == pytest.approx(bars[1] / 4)
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert values == ["1 of 4 · 25%", "4 of 4 · 100%"]
    tips = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g")]
    assert tips == ["Sum two: 1 of 4 · 25%", "Bayes: 4 of 4 · 100%"]


def test_long_bar_labels_are_shortened_on_the_axis_but_whole_in_the_tooltip():
    name = "A problem with a remarkably long and descriptive title"
    root = parse(bar(labels=[name], values=[10]))
    axis = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick")
    assert axis.text.endswith("…") and len(axis.text) == 26
    assert root.find(f"{SVG}g").find(f"{SVG}title").text.startswith(name)


def test_format_number():
    assert [charts.format_number(v) for v in (1.0, 2.5, 2 / 3, 100, 0)] == ["1", "2.5", "0.67", "100", "0"]
