"""The server's drawing of a scene: every shape it knows, text always escaped, nothing active in the output."""

import re
import xml.etree.ElementTree as ET

from questions.scenes import scene_clean
from sessions.whiteboard.svg import scene_svg

SVG = "{http://www.w3.org/2000/svg}"


def draw(*elements, title="Whiteboard"):
    return str(scene_svg(scene_clean({"elements": list(elements)}), title=title))


def shape(kind, i, **extra):
    return {"id": f"{kind}{i}", "type": kind, "x": 100 * i, "y": 0, "width": 80, "height": 40, **extra}


def test_it_draws_each_kind_of_element():
    svg = draw(
        shape("rectangle", 0, backgroundColor="#a5d8ff"), shape("ellipse", 1), shape("diamond", 2),
        shape("frame", 3, name="Serving path"),
        {"id": "a", "type": "arrow", "x": 80, "y": 20, "width": 20, "height": 0, "points": [[0, 0], [20, 0]]},
        {"id": "l", "type": "line", "x": 0, "y": 60, "width": 50, "height": 10, "points": [[0, 0], [25, 10], [50, 0]]},
        {"id": "t", "type": "text", "x": 0, "y": 80, "width": 60, "height": 25, "text": "Cache\nwarm", "fontSize": 20},
    )
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg"
    tags = [el.tag.removeprefix(SVG) for el in root.iter()]
    assert tags.count("ellipse") == 1 and tags.count("polyline") == 2
    assert tags.count("polygon") == 2  # the diamond and the arrow's head (the line has none)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Serving path" in texts and "Cachewarm" in texts  # one tspan per line
    assert 'fill="#a5d8ff"' in svg


def test_text_and_frame_names_are_escaped_never_markup():
    svg = draw(
        {"id": "t", "type": "text", "x": 0, "y": 0, "width": 60, "height": 25,
         "text": '<script>alert(1)</script><img src=x onerror=alert(2)>"&'},
        shape("frame", 1, name='</svg><script>alert(3)</script>'),
        title='"><script>alert(4)</script>',
    )
    assert "<script" not in svg and "<img" not in svg and svg.count("</svg>") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "&lt;/svg&gt;" in svg
    ET.fromstring(svg)


def test_the_output_has_no_script_no_handler_no_link_and_no_line_break():
    svg = draw(shape("rectangle", 0), {"id": "t", "type": "text", "x": 0, "y": 0, "width": 9, "height": 9,
                                       "text": "one\r\ntwo\rthree"}, shape("frame", 1, name="a\nb"))
    assert not re.search(r"\son\w+=|href|<script|<foreignObject|url\(", svg, re.I)
    assert "\n" not in svg and "\r" not in svg  # one HTML block in the Markdown export


def test_an_empty_board_draws_nothing():
    assert str(scene_svg({"elements": []})) == ""


def test_rotation_and_dashes_are_kept():
    svg = draw(shape("rectangle", 0, angle=1.5707963, strokeStyle="dashed"))
    assert 'transform="rotate(90 40 20)"' in svg and 'stroke-dasharray="8 6"' in svg
