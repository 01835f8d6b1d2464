"""The default pack is deep enough to practise for weeks (issue: question bank depth): the counts per kind and
coding topic, and the parts every question of a kind must have."""

from collections import Counter

import pytest

from questions.packs import read_pack
from tests.conftest import DEFAULT_PACK


@pytest.fixture(scope="module")
def pack():
    return read_pack(DEFAULT_PACK)


def test_it_holds_enough_questions_of_each_kind(pack):
    kinds = Counter(q.kind for q in pack.questions)
    assert kinds["coding"] >= 40 and kinds["design"] >= 12 and kinds["concept"] >= 60, kinds
    assert kinds["behavioral"] >= 20, kinds


@pytest.mark.parametrize("topic, at_least", [("grids", 10), ("ml-numpy", 12)])
def test_the_coding_topics_the_notes_name_are_deep(pack, topic, at_least):
    assert sum(topic in q.tags for q in pack.questions if q.kind == "coding") >= at_least


def test_every_coding_question_is_complete(pack):
    for q in (q for q in pack.questions if q.kind == "coding"):
        assert q.other_references, f"{q.slug}: a reference in a second language"
        assert len(q.wrong_solutions) >= 2, q.slug
        assert q.hints and q.model_answer and q.rubric, q.slug
        assert any(not t.hidden for t in q.tests) and sum(t.hidden for t in q.tests) >= 3, q.slug
        assert q.difficulty in {"easy", "medium", "hard"} and q.tags, q.slug


def test_every_design_prompt_has_constraints_a_model_answer_and_a_rubric(pack):
    for q in (q for q in pack.questions if q.kind == "design"):
        assert len(q.constraints) >= 5 and q.model_answer and q.rubric, q.slug


def test_every_question_says_where_it_comes_from(pack):
    origins = Counter(q.origin for q in pack.questions)
    assert set(origins) == {"notes", "general"} and origins["notes"] >= 40, origins
