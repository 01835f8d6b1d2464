"""A scene is untrusted input: what `scene_clean` keeps, and everything it refuses with a message."""

import json

import pytest

from questions.scenes import (
    MAX_ELEMENTS,
    MAX_POINTS_PER_ELEMENT,
    MAX_SCENE_BYTES,
    MAX_TEXT_CHARS,
    SceneInvalid,
    scene_clean,
    scene_json,
    scene_parse,
)


def rect(i=0, **extra):
    return {"id": f"r{i}", "type": "rectangle", "x": 10 * i, "y": 0, "width": 100, "height": 50, **extra}


def test_it_keeps_the_allowed_fields_and_drops_the_rest():
    element = rect(link="javascript:alert(1)", customData={"x": 1}, frameId=None, backgroundColor="#ffc9c9")
    clean = scene_clean({"elements": [element], "appState": {"theme": "dark"}, "files": {"f": "data:..."}})
    assert clean.keys() == {"elements"}
    (kept,) = clean["elements"]
    assert "link" not in kept and "customData" not in kept
    assert kept["backgroundColor"] == "#ffc9c9" and kept["width"] == 100


def test_it_drops_deleted_elements():
    clean = scene_clean({"elements": [rect(0), rect(1, isDeleted=True)]})
    assert [e["id"] for e in clean["elements"]] == ["r0"]


def test_it_keeps_text_as_text_whatever_it_says():
    text = {"id": "t", "type": "text", "x": 0, "y": 0, "width": 80, "height": 20,
            "text": "<script>alert(1)</script>", "fontSize": 20}
    (kept,) = scene_clean({"elements": [text]})["elements"]
    assert kept["text"] == "<script>alert(1)</script>"  # stored as typed; every renderer escapes it


def test_it_keeps_arrows_with_their_points_and_bindings():
    arrow = {"id": "a", "type": "arrow", "x": 0, "y": 0, "width": 100, "height": 0, "points": [[0, 0], [100, 0]],
             "startBinding": {"elementId": "r0", "focus": 0, "gap": 4}, "endArrowhead": "arrow"}
    (kept,) = scene_clean({"elements": [arrow]})["elements"]
    assert kept["points"] == [[0, 0], [100, 0]] and kept["startBinding"]["elementId"] == "r0"


@pytest.mark.parametrize("data, message", [
    ([], "an object with a list of elements"),
    ({"elements": "lots"}, "an object with a list of elements"),
    ({"elements": [5]}, "not an object"),
    ({"elements": [{"id": "i", "type": "image"}]}, "a board takes"),
    ({"elements": [{"id": "i", "type": "embeddable"}]}, "a board takes"),
    ({"elements": [rect(id="bad id!")]}, "id is not valid"),
    ({"elements": [rect(), rect()]}, "used twice"),
    ({"elements": [rect(x=float("inf"))]}, "x must be a number"),
    ({"elements": [rect(x=1e12)]}, "x must be a number"),
    ({"elements": [rect(width=-5)]}, "width must be a number"),
    ({"elements": [rect(width="100")]}, "width must be a number"),
    ({"elements": [rect(opacity=True)]}, "opacity must be a number"),
    ({"elements": [rect(strokeColor="red;background:url(x)")]}, "strokeColor is not valid"),
    ({"elements": [rect(fillStyle="image")]}, "fillStyle is not one of"),
    ({"elements": [rect(groupIds=["g"] * 17)]}, "groupIds must be a list"),
    ({"elements": [rect(seed=-1)]}, "seed must be a whole number"),
    ({"elements": [{"id": "t", "type": "text", "text": "x" * (MAX_TEXT_CHARS + 1)}]}, "text must be text of at most"),
    ({"elements": [{"id": "t", "type": "text", "text": ["a"]}]}, "text must be text"),
    ({"elements": [{"id": "l", "type": "line", "points": []}]}, "points"),
    ({"elements": [{"id": "l", "type": "line", "points": [[0, 0]] * (MAX_POINTS_PER_ELEMENT + 1)}]}, "points"),
    ({"elements": [{"id": "l", "type": "line", "points": [[0, "a"]]}]}, "a point must be a number"),
    ({"elements": [{"id": "l", "type": "arrow", "points": [[0, 0], [1, 1]], "endArrowhead": "<b>"}]}, "endArrowhead"),
])
def test_it_refuses_what_is_not_a_board_scene(data, message):
    with pytest.raises(SceneInvalid) as caught:
        scene_clean(data)
    assert message in caught.value.messages[0]


def test_it_refuses_too_many_elements():
    with pytest.raises(SceneInvalid, match=f"at most {MAX_ELEMENTS} elements"):
        scene_clean({"elements": [rect(i) for i in range(MAX_ELEMENTS + 1)]})
    assert len(scene_clean({"elements": [rect(i) for i in range(MAX_ELEMENTS)]})["elements"]) == MAX_ELEMENTS


def test_it_refuses_too_many_points_in_all():
    line = lambda i: {"id": f"l{i}", "type": "line", "points": [[n, n] for n in range(MAX_POINTS_PER_ELEMENT)]}  # noqa: E731
    with pytest.raises(SceneInvalid, match="line points in all"):
        scene_clean({"elements": [line(i) for i in range(11)]})


def test_it_refuses_bad_json_and_huge_bodies_before_reading_them():
    with pytest.raises(SceneInvalid, match="did not arrive as JSON"):
        scene_parse(b"{not json")
    with pytest.raises(SceneInvalid, match="did not arrive as JSON"):
        scene_parse(b"[" * 100_000 + b"]" * 100_000)  # nesting deep enough to exhaust the parser
    with pytest.raises(SceneInvalid, match="KiB limit"):
        scene_parse(b" " * (MAX_SCENE_BYTES + 1))


def test_the_stored_form_is_stable_so_equal_scenes_compare_equal():
    a = scene_json(scene_clean({"elements": [rect(0, backgroundColor="#fff")]}))
    b = scene_json(scene_clean({"elements": [{"backgroundColor": "#fff", **rect(0)}]}))
    assert a == b and json.loads(a)["elements"][0]["id"] == "r0"
