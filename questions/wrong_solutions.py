"""`wrong_solutions` of a coding question: plausible mistakes its tests must reject.

A pack ships each coding question with a few programs that look right but are not
(a constant answer, an off-by-one, a greedy shortcut). `load_pack` judges them
next to the reference solution and refuses the pack if its tests accept one, so a
question whose tests are too weak cannot be loaded. This module reads and writes
the front-matter list; `questions.reference` judges it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from questions.pack_fields import PackError, check_keys, field_choice, field_text

NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEYS = {"name", "language", "source"}


@dataclass
class WrongSolutionSpec:
    name: str  # a short slug saying what the mistake is, e.g. "constant-answer"
    language: str
    source: str


def parse_wrong_solutions(data: dict, *, file: str, languages: tuple[str, ...]) -> list[WrongSolutionSpec]:
    """The question's `wrong_solutions` list (empty when absent); raises PackError naming the item."""
    raw = data.get("wrong_solutions", [])
    if not isinstance(raw, list):
        raise PackError(file, "wrong_solutions", "must be a list of {name, language, source}")
    result: list[WrongSolutionSpec] = []
    for index, item in enumerate(raw):
        where = f"wrong_solutions[{index}]"
        if not isinstance(item, dict):
            raise PackError(file, where, "must be a mapping with name, language and source")
        check_keys(item, KEYS, file, where)
        spec = WrongSolutionSpec(
            name=field_text(item, "name", file, where, required=True),
            language=field_choice(item, "language", languages, file, where),
            source=field_text(item, "source", file, where, required=True),
        )
        if not NAME_RE.match(spec.name):
            raise PackError(file, f"{where}.name", f"{spec.name!r} must be lowercase letters, digits and hyphens")
        if any(other.name == spec.name for other in result):
            raise PackError(file, f"{where}.name", f"{spec.name!r} is used twice")
        result.append(spec)
    return result


def wrong_solutions_data(specs: list[WrongSolutionSpec]) -> list[dict]:
    """JSON/YAML-ready form, in file order (what the database stores and export writes)."""
    return [asdict(spec) for spec in specs]


def wrong_solutions_from_data(data: list[dict]) -> list[WrongSolutionSpec]:
    return [WrongSolutionSpec(name=d["name"], language=d["language"], source=d["source"]) for d in data or []]
