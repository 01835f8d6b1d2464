"""A whiteboard scene is untrusted input: this module turns what a browser (or an import, or a pack) sent into
a scene the server is willing to store, render and send back, or refuses it with a message.

The result keeps only an allow-list of Excalidraw element fields, each checked for type and range;
everything else (links, images and their files, custom data, app state) is dropped, and deleted
elements are left out. Limits bound the work any one scene can cause: its size in bytes, the number
of elements, the points of each line and of the whole scene, and the length of every string.
"""

from __future__ import annotations

import json
import math
import re

from django.core.exceptions import ValidationError

MAX_SCENE_BYTES = 256 * 1024  # of the JSON received (an Excalidraw element is about 400 bytes)
MAX_ELEMENTS = 500
MAX_POINTS_PER_ELEMENT = 2000
MAX_POINTS = 20000
MAX_TEXT_CHARS = 2000
MAX_COORDINATE = 1_000_000.0
MAX_SIZE = 100_000.0

SHAPES = frozenset({"rectangle", "ellipse", "diamond", "frame"})
LINEAR = frozenset({"line", "arrow", "freedraw"})
ELEMENT_TYPES = SHAPES | LINEAR | {"text"}

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_INDEX = re.compile(r"[A-Za-z0-9]{1,64}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|transparent")
_ENUMS = {
    "fillStyle": ("hachure", "cross-hatch", "solid", "zigzag"),
    "strokeStyle": ("solid", "dashed", "dotted"),
    "textAlign": ("left", "center", "right"),
    "verticalAlign": ("top", "middle", "bottom"),
}
_ARROWHEADS = (None, "arrow", "bar", "dot", "circle", "circle_outline", "triangle", "triangle_outline",
               "diamond", "diamond_outline", "crowfoot_one", "crowfoot_many", "crowfoot_one_or_many")
# Numbers every element carries, with the range each may take (and the default when absent).
_NUMBERS = {
    "x": (-MAX_COORDINATE, MAX_COORDINATE, 0),
    "y": (-MAX_COORDINATE, MAX_COORDINATE, 0),
    "width": (0, MAX_SIZE, 0),
    "height": (0, MAX_SIZE, 0),
    "angle": (-2 * math.pi, 2 * math.pi, 0),
    "strokeWidth": (0, 64, 2),
    "roughness": (0, 4, 1),
    "opacity": (0, 100, 100),
}
_INTEGERS = {"seed": (0, 2**31 - 1, 1), "version": (0, 2**31 - 1, 1), "versionNonce": (0, 2**31 - 1, 0)}


class SceneInvalid(ValidationError):
    """The scene was refused; the message says what was wrong. Nothing was saved."""


def scene_parse(raw: bytes | str) -> dict:
    """The clean scene from a request body (JSON text), or SceneInvalid."""
    size = len(raw if isinstance(raw, bytes) else raw.encode())
    if size > MAX_SCENE_BYTES:
        raise SceneInvalid(f"The drawing is over the {MAX_SCENE_BYTES // 1024} KiB limit; it was not saved.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise SceneInvalid("The drawing did not arrive as JSON; it was not saved.") from None
    return scene_clean(data)


def scene_clean(data) -> dict:
    """`{"elements": [...]}` with only checked fields, or SceneInvalid naming the first problem."""
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        raise SceneInvalid("A drawing is an object with a list of elements.")
    elements = data["elements"]
    if len(elements) > MAX_ELEMENTS * 4:  # deleted ones are dropped below; bound the loop first
        raise SceneInvalid(f"A drawing has at most {MAX_ELEMENTS} elements.")
    clean, points, ids = [], 0, set()
    for position, element in enumerate(elements):
        if isinstance(element, dict) and element.get("isDeleted") is True:
            continue
        element = _element(element, position)
        if element["id"] in ids:
            raise SceneInvalid(f"Element {position + 1}: its id is used twice.")
        ids.add(element["id"])
        points += len(element.get("points", ()))
        clean.append(element)
    if len(clean) > MAX_ELEMENTS:
        raise SceneInvalid(f"A drawing has at most {MAX_ELEMENTS} elements; this one has {len(clean)}.")
    if points > MAX_POINTS:
        raise SceneInvalid(f"A drawing has at most {MAX_POINTS} line points in all.")
    return {"elements": clean}


def scene_json(scene: dict) -> str:
    """The stored form of a clean scene: compact JSON, stable key order (so equal scenes compare equal)."""
    return json.dumps(scene, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _element(element, position: int) -> dict:
    where = f"Element {position + 1}"
    if not isinstance(element, dict):
        raise SceneInvalid(f"{where}: not an object.")
    kind = element.get("type")
    if kind not in ELEMENT_TYPES:
        raise SceneInvalid(f"{where}: a board takes {', '.join(sorted(ELEMENT_TYPES))}, not {str(kind)[:40]!r}.")
    out = {"id": _match(element.get("id"), _ID, where, "id"), "type": kind}
    for name, (low, high, default) in _NUMBERS.items():
        out[name] = _number(element.get(name, default), low, high, where, name)
    for name, (low, high, default) in _INTEGERS.items():
        value = element.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise SceneInvalid(f"{where}: {name} must be a whole number from {low} to {high}.")
        out[name] = value
    out["strokeColor"] = _match(element.get("strokeColor", "#1e1e1e"), _COLOUR, where, "strokeColor")
    out["backgroundColor"] = _match(element.get("backgroundColor", "transparent"), _COLOUR, where, "backgroundColor")
    for name in ("fillStyle", "strokeStyle"):
        out[name] = _choice(element.get(name, _ENUMS[name][0]), _ENUMS[name], where, name)
    if element.get("index") is not None:
        out["index"] = _match(element["index"], _INDEX, where, "index")
    out["groupIds"] = _ids(element.get("groupIds", []), where, "groupIds", limit=16)
    out["frameId"] = _optional_id(element.get("frameId"), where, "frameId")
    out["locked"] = element.get("locked") is True
    out["roundness"] = _roundness(element.get("roundness"), where)
    bound = element.get("boundElements") or []
    if not isinstance(bound, list) or len(bound) > 100:
        raise SceneInvalid(f"{where}: boundElements must be a list of at most 100.")
    out["boundElements"] = [
        {"id": _match(b.get("id") if isinstance(b, dict) else None, _ID, where, "boundElements id"),
         "type": _choice(b.get("type"), ("arrow", "text"), where, "boundElements type")}
        for b in bound
    ]
    if kind == "text":
        out.update(_text_fields(element, where))
    elif kind in LINEAR:
        out.update(_linear_fields(element, kind, where))
    elif kind == "frame":
        name = element.get("name")
        out["name"] = None if name is None else _string(name, where, "name", limit=200)
    return out


def _text_fields(element: dict, where: str) -> dict:
    text = _string(element.get("text", ""), where, "text", limit=MAX_TEXT_CHARS)
    return {
        "text": text,
        "originalText": _string(element.get("originalText", text), where, "originalText", limit=MAX_TEXT_CHARS),
        "fontSize": _number(element.get("fontSize", 20), 1, 400, where, "fontSize"),
        "fontFamily": _integer(element.get("fontFamily", 5), 1, 16, where, "fontFamily"),
        "lineHeight": _number(element.get("lineHeight", 1.25), 0.5, 4, where, "lineHeight"),
        "textAlign": _choice(element.get("textAlign", "left"), _ENUMS["textAlign"], where, "textAlign"),
        "verticalAlign": _choice(element.get("verticalAlign", "top"), _ENUMS["verticalAlign"], where, "verticalAlign"),
        "containerId": _optional_id(element.get("containerId"), where, "containerId"),
        "autoResize": element.get("autoResize", True) is True,
    }


def _linear_fields(element: dict, kind: str, where: str) -> dict:
    points = element.get("points", [])
    if not isinstance(points, list) or not points or len(points) > MAX_POINTS_PER_ELEMENT:
        raise SceneInvalid(f"{where}: a {kind} has 1 to {MAX_POINTS_PER_ELEMENT} points.")
    clean = []
    for point in points:
        if not isinstance(point, list) or len(point) not in (2, 3):
            raise SceneInvalid(f"{where}: each point is [x, y].")
        clean.append([_number(v, -MAX_SIZE, MAX_SIZE, where, "a point") for v in point[:2]])
    out = {"points": clean}
    if kind == "freedraw":
        out["simulatePressure"] = element.get("simulatePressure", True) is True
        out["pressures"] = []
        return out
    out["startArrowhead"] = _choice(element.get("startArrowhead"), _ARROWHEADS, where, "startArrowhead")
    default_end = "arrow" if kind == "arrow" else None
    out["endArrowhead"] = _choice(element.get("endArrowhead", default_end), _ARROWHEADS, where, "endArrowhead")
    for name in ("startBinding", "endBinding"):
        out[name] = _binding(element.get(name), where, name)
    if kind == "arrow" and element.get("elbowed") is True:
        out["elbowed"] = False  # elbow arrows carry routing state this board does not keep: drawn straight
    return out


def _binding(value, where: str, name: str):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SceneInvalid(f"{where}: {name} must be an object or null.")
    return {
        "elementId": _match(value.get("elementId"), _ID, where, f"{name} elementId"),
        "focus": _number(value.get("focus", 0), -2, 2, where, f"{name} focus"),
        "gap": _number(value.get("gap", 0), -MAX_SIZE, MAX_SIZE, where, f"{name} gap"),
    }


def _roundness(value, where: str):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SceneInvalid(f"{where}: roundness must be an object or null.")
    out = {"type": _integer(value.get("type", 3), 1, 3, where, "roundness type")}
    if value.get("value") is not None:
        out["value"] = _number(value["value"], 0, MAX_SIZE, where, "roundness value")
    return out


def _number(value, low: float, high: float, where: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not low <= value <= high:
        raise SceneInvalid(f"{where}: {name} must be a number from {low:g} to {high:g}.")
    return value


def _integer(value, low: int, high: int, where: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SceneInvalid(f"{where}: {name} must be a whole number from {low} to {high}.")
    return value


def _string(value, where: str, name: str, *, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise SceneInvalid(f"{where}: {name} must be text of at most {limit} characters.")
    return value.replace("\x00", "")


def _match(value, pattern: re.Pattern, where: str, name: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise SceneInvalid(f"{where}: {name} is not valid.")
    return value


def _choice(value, allowed, where: str, name: str):
    if value not in allowed:
        raise SceneInvalid(f"{where}: {name} is not one of the allowed values.")
    return value


def _optional_id(value, where: str, name: str):
    return None if value is None else _match(value, _ID, where, name)


def _ids(value, where: str, name: str, *, limit: int) -> list[str]:
    if not isinstance(value, list) or len(value) > limit:
        raise SceneInvalid(f"{where}: {name} must be a list of at most {limit} ids.")
    return [_match(v, _ID, where, name) for v in value]
