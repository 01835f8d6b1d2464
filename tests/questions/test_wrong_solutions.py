"""`wrong_solutions`: read from the question file, judged when a pack loads, stored, exported back."""

import shutil

import pytest

from questions.models import Pack, Question
from questions.packs import PackError, parse_question_text, read_pack, render_question
from questions.reference import judge_request_for
from questions.services import pack_export, pack_load, pack_spec_from_db
from questions.wrong_solutions import WrongSolutionSpec
from tests.conftest import DEFAULT_PACK, MINI_PACK

import sandbox

CODING = """---
kind: coding
title: T
stages: [alpha/screen]
starter: {python: "pass"}
tests:
  - {input: "1", expected: "1", hidden: false}
  - {input: "2", expected: "2", hidden: true}
reference: {language: python, source: "print(input())"}
%s
---
Echo the input.
"""


def parse(wrong_solutions_yaml: str):
    return parse_question_text(CODING % wrong_solutions_yaml, file="questions/x.md", default_slug="x",
                               stage_refs={"alpha/screen"})


@pytest.fixture
def pack_copy(tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(MINI_PACK, folder)
    return folder


def add_wrong_solution(folder, name: str, source: str) -> None:
    path = folder / "questions" / "sum-two.md"
    item = f"  - name: {name}\n    language: python\n    source: |\n      {source}\n---\n"
    text = path.read_text()
    end = text.index("\n---\n", 3) + 1
    path.write_text(text[:end] + item + text[end + 4:])


def test_it_reads_the_wrong_solutions_of_the_mini_pack():
    question = next(q for q in read_pack(MINI_PACK).questions if q.slug == "sum-two")
    assert [w.name for w in question.wrong_solutions] == ["the-example-answer", "adds-absolute-values"]
    assert question.wrong_solutions[0] == WrongSolutionSpec(name="the-example-answer", language="python",
                                                            source="print(3)\n")


def test_it_writes_them_back_out():
    question = next(q for q in read_pack(MINI_PACK).questions if q.slug == "sum-two")
    rendered = render_question(question)
    assert "wrong_solutions:" in rendered and "adds-absolute-values" in rendered
    again = parse_question_text(rendered, file="x.md", default_slug="sum-two", stage_refs={"alpha/screen"})
    assert again.wrong_solutions == question.wrong_solutions


def test_they_are_optional():
    assert parse("").wrong_solutions == []


@pytest.mark.parametrize("yaml_text, field, words", [
    ("wrong_solutions: print(1)", "wrong_solutions", "must be a list"),
    ("wrong_solutions: [print(1)]", "wrong_solutions[0]", "must be a mapping"),
    ("wrong_solutions: [{language: python, source: x}]", "wrong_solutions[0].name", "is required"),
    ("wrong_solutions: [{name: Bad Name, language: python, source: x}]", "wrong_solutions[0].name", "lowercase"),
    ("wrong_solutions: [{name: a, language: cobol, source: x}]", "wrong_solutions[0].language", "cobol"),
    ("wrong_solutions: [{name: a, language: python}]", "wrong_solutions[0].source", "is required"),
    ("wrong_solutions: [{name: a, language: python, source: x, why: y}]", "wrong_solutions[0].why", "not a known"),
    ("wrong_solutions: [{name: a, language: python, source: x}, {name: a, language: python, source: y}]",
     "wrong_solutions[1].name", "used twice"),
])
def test_it_rejects_broken_items_naming_the_field(yaml_text, field, words):
    with pytest.raises(PackError) as caught:
        parse(yaml_text)
    assert caught.value.field == field and words in str(caught.value)


@pytest.mark.django_db
def test_a_wrong_solution_the_tests_accept_rejects_the_pack_naming_question_and_solution(pack_copy):
    add_wrong_solution(pack_copy, "adds-with-sum", "print(sum(map(int, input().split())))")
    with pytest.raises(PackError) as caught:
        pack_load(path=pack_copy, verify_reference=True)
    assert caught.value.file == "questions/sum-two.md" and caught.value.field == "wrong_solutions[2]"
    assert "'adds-with-sum' (python) passes all 2 tests" in str(caught.value)
    assert not Pack.objects.exists()


@pytest.mark.django_db
def test_a_wrong_solution_that_does_not_compile_proves_nothing(pack_copy):
    add_wrong_solution(pack_copy, "syntax-error", "print(")
    path = pack_copy / "questions" / "sum-two.md"
    path.write_text(path.read_text().replace("  - name: syntax-error\n    language: python",
                                             "  - name: syntax-error\n    language: cpp"))
    with pytest.raises(PackError) as caught:
        pack_load(path=pack_copy, verify_reference=True)
    assert caught.value.field == "wrong_solutions[2]" and "does not compile" in str(caught.value)


@pytest.mark.django_db
def test_they_are_judged_stored_and_exported(tmp_path):
    report = pack_load(path=MINI_PACK, verify_reference=True)
    assert "sum-two" in report.created and report.unverified == []
    stored = Question.objects.get(slug="sum-two").wrong_solutions
    assert [w["name"] for w in stored] == ["the-example-answer", "adds-absolute-values"]
    pack_export(slug="mini", folder=tmp_path / "out")
    exported = next(q for q in read_pack(tmp_path / "out").questions if q.slug == "sum-two")
    assert [w.name for w in exported.wrong_solutions] == ["the-example-answer", "adds-absolute-values"]
    assert pack_spec_from_db(slug="mini") == read_pack(tmp_path / "out")


@pytest.mark.same_on_every_database  # judging in the sandbox; pack loading itself runs on PostgreSQL elsewhere
@pytest.mark.django_db
def test_the_default_pack_loads_with_every_wrong_solution_rejected():
    """Judges every reference and wrong solution of the real pack in the sandbox (slow on purpose)."""
    report = pack_load(path=DEFAULT_PACK, verify_reference=True)
    assert report.unverified == []
    coding = Question.objects.filter(pack__slug="deepmind-applied", kind="coding")
    assert coding.exists()
    for question in coding:
        assert len(question.wrong_solutions) >= 2, question.slug


@pytest.mark.parametrize("source", [
    "print('3.141593')\n",
    "print('3.141593 0.001642')\n",
    "import math\nprint(f'{math.pi:.6f} {1.64 / 1000:.6f}')\n",
])
def test_monte_carlo_pi_rejects_a_constant_answer(source):
    question = next(q for q in read_pack(DEFAULT_PACK).questions if q.slug == "monte-carlo-pi")
    result = sandbox.judge(judge_request_for(question, language="python", source=source))
    assert result.verdict == "WA", result.message
