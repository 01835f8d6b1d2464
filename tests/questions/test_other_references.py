"""`other_references` (the reference in more languages, each judged on every test) and `origin` (from the notes
or general practice): read, stored, shown, exported back, and a failing one rejects the pack."""

import shutil

import pytest

from questions.models import Question
from questions.packs import PackError, parse_question_text, read_pack, render_question
from questions.services import pack_export, pack_load, pack_spec_from_db
from tests.conftest import MINI_PACK

CODING = """---
kind: coding
title: T
stages: [alpha/screen]
%s
starter: {python: "pass"}
tests:
  - {input: "1", expected: "1", hidden: false}
  - {input: "2", expected: "2", hidden: true}
reference: {language: python, source: "print(input())"}
%s
---
Echo the input.
"""


def parse(front: str = "", other_references: str = ""):
    return parse_question_text(CODING % (front, other_references), file="questions/x.md", default_slug="x",
                               stage_refs={"alpha/screen"})


def test_the_mini_pack_has_a_javascript_reference_and_comes_from_the_notes():
    question = next(q for q in read_pack(MINI_PACK).questions if q.slug == "sum-two")
    assert [r.language for r in question.other_references] == ["javascript"]
    assert question.origin == "notes"
    assert next(q for q in read_pack(MINI_PACK).questions if q.slug == "bayes").origin == "general"


def test_they_are_written_back_out():
    question = next(q for q in read_pack(MINI_PACK).questions if q.slug == "sum-two")
    rendered = render_question(question)
    assert "other_references:" in rendered and "origin: notes" in rendered
    again = parse_question_text(rendered, file="x.md", default_slug="sum-two", stage_refs={"alpha/screen"})
    assert again.other_references == question.other_references and again.origin == "notes"


def test_both_are_optional():
    question = parse()
    assert question.other_references == [] and question.origin == "general"


@pytest.mark.parametrize("front, other_references, field, words", [
    ("origin: blog", "", "origin", "'blog' is not one of notes, general"),
    ("", "other_references: {language: cpp}", "other_references", "must be a list"),
    ("", "other_references: [cpp]", "other_references[0]", "must be a mapping"),
    ("", "other_references: [{language: python, source: x}]", "other_references[0].language", "already has"),
    ("", "other_references: [{language: cpp, source: x}, {language: cpp, source: y}]",
     "other_references[1].language", "already has"),
    ("", "other_references: [{language: cpp}]", "other_references[0].source", "is required"),
    ("", "other_references: [{language: cobol, source: x}]", "other_references[0].language", "cobol"),
])
def test_bad_items_are_named(front, other_references, field, words):
    with pytest.raises(PackError) as caught:
        parse(front, other_references)
    assert caught.value.field == field and words in str(caught.value)


@pytest.mark.django_db
def test_they_are_judged_stored_and_exported(tmp_path):
    report = pack_load(path=MINI_PACK, verify_reference=True)
    assert "sum-two" in report.created and report.unverified == []
    stored = Question.objects.get(slug="sum-two")
    assert stored.origin == "notes" and [r["language"] for r in stored.other_references] == ["javascript"]
    pack_export(slug="mini", folder=tmp_path / "out")
    assert pack_spec_from_db(slug="mini") == read_pack(tmp_path / "out")


@pytest.mark.django_db
def test_another_language_that_fails_the_tests_rejects_the_pack(tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(MINI_PACK, folder)
    path = folder / "questions" / "sum-two.md"
    path.write_text(path.read_text().replace("console.log(a + b);", "console.log(a - b);"))
    with pytest.raises(PackError) as caught:
        pack_load(path=folder, verify_reference=True)
    assert caught.value.field == "other_references[0]"
    assert "the javascript reference solution does not pass its own tests (verdict WA" in str(caught.value)
    assert not Question.objects.filter(slug="sum-two").exists()


@pytest.mark.django_db
def test_the_question_page_says_where_the_question_comes_from(client, mini_pack):
    assert "From the candidate&#x27;s notes" in client.get("/questions/sum-two/").content.decode()
    assert "General practice" in client.get("/questions/bayes/").content.decode()
