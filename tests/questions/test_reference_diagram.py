"""A design question's reference diagram in a pack file: checked like a candidate's board when the pack loads,
written back out by export, and present in the default pack."""

import json

import pytest

from questions.packs import PackError, parse_question_text, read_pack, render_question
from tests.conftest import DEFAULT_PACK

REFS = {"alpha/screen"}
DESIGN = """---
kind: design
title: Design a feed
stages: [alpha/screen]
---
Design a news feed.

## Model answer

Fan-out on write.

## Follow-up constraints

- Now with 100 million users.

## Reference diagram

{diagram}
"""
GOOD = '```json\n{"elements": [\n {"id": "a", "type": "rectangle", "x": 0, "y": 0, "width": 90, "height": 40}\n]}\n```'


def parse(diagram: str, text: str = DESIGN):
    return parse_question_text(text.format(diagram=diagram), file="questions/x.md", default_slug="x", stage_refs=REFS)


def test_it_reads_a_diagram_as_a_clean_scene_and_writes_it_back():
    question = parse(GOOD)
    (element,) = json.loads(question.reference_diagram)["elements"]
    assert element["type"] == "rectangle" and element["strokeColor"] == "#1e1e1e"  # defaults filled in
    again = parse_question_text(render_question(question), file="x.md", default_slug="x", stage_refs=REFS)
    assert again == question


@pytest.mark.parametrize("diagram, problem", [
    ('{"elements": []}', "one ```json fenced block"),
    ("```json\n{not json\n```", "is not JSON"),
    ('```json\n{"elements": [{"id": "i", "type": "image"}]}\n```', "a board takes"),
    ('```json\n{"elements": [{"id": "t", "type": "text", "text": "' + "x" * 3000 + '"}]}\n```', "at most 2000"),
])
def test_a_broken_diagram_rejects_the_file_naming_the_field(diagram, problem):
    with pytest.raises(PackError) as caught:
        parse(diagram)
    assert caught.value.field == "reference_diagram" and problem in str(caught.value)


def test_only_design_questions_take_one():
    with pytest.raises(PackError, match="only design questions"):
        parse(GOOD, DESIGN.replace("kind: design", "kind: concept"))


def test_the_default_pack_has_a_reference_diagram_for_a_design_question():
    drawn = [q for q in read_pack(DEFAULT_PACK).questions if q.reference_diagram]
    assert drawn and {q.kind for q in drawn} == {"design"}
    kinds = {e["type"] for q in drawn for e in json.loads(q.reference_diagram)["elements"]}
    assert {"rectangle", "ellipse", "arrow", "text"} <= kinds
