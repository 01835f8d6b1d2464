"""`other_references` of a coding question: the reference solution again, in other languages.

The pack's `reference` is the solution the tests are written against; each item here
is the same algorithm in another language, judged on every test when the pack loads,
so a question's limits are known to suit more than one runtime (a time limit that only
Python's reference meets would make a correct C++ or Java answer look wrong, and the
reverse). Read and written here; `questions.reference` judges them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from questions.pack_fields import PackError, check_keys, field_choice, field_text

KEYS = {"language", "source"}


@dataclass
class OtherReferenceSpec:
    language: str
    source: str


def parse_other_references(data: dict, *, file: str, languages: tuple[str, ...],
                           reference_language: str) -> list[OtherReferenceSpec]:
    """The question's `other_references` (empty when absent); one per language, never the reference's own."""
    raw = data.get("other_references", [])
    if not isinstance(raw, list):
        raise PackError(file, "other_references", "must be a list of {language, source}")
    result: list[OtherReferenceSpec] = []
    for index, item in enumerate(raw):
        where = f"other_references[{index}]"
        if not isinstance(item, dict):
            raise PackError(file, where, "must be a mapping with language and source")
        check_keys(item, KEYS, file, where)
        spec = OtherReferenceSpec(language=field_choice(item, "language", languages, file, where),
                                  source=field_text(item, "source", file, where, required=True))
        if spec.language == reference_language or any(other.language == spec.language for other in result):
            raise PackError(file, f"{where}.language", f"{spec.language!r} already has a reference solution")
        result.append(spec)
    return result


def other_references_data(specs: list[OtherReferenceSpec]) -> list[dict]:
    """JSON/YAML-ready form, in file order (what the database stores and export writes)."""
    return [asdict(spec) for spec in specs]


def other_references_from_data(data: list[dict]) -> list[OtherReferenceSpec]:
    return [OtherReferenceSpec(language=d["language"], source=d["source"]) for d in data or []]
