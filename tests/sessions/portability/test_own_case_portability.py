"""A coding question's own test cases in the review, the replay, the print page and both exports, and back
through the JSON import (version 3); bad cases in a document are refused with their place."""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from questions.models import Question
from sessions.models import RoundQuestion, Submission
from sessions.portability.importer import user_data_import
from sessions.rounds import clock, services as svc
from sessions.runs.own_cases import own_cases_save
from tests.sessions.portability.test_data_import import exported

CASES = [{"input": "2 2\n", "expected": "4\n"}, {"input": "<b>40 2</b>\n", "expected": None}]


@pytest.fixture
def practised(owner, mini_pack):
    """An ended solo round whose coding question has two own cases and one Run that judged them."""
    stage_round = svc.session_start(owner=owner, question=Question.objects.get(slug="sum-two")).rounds.get()
    rq = stage_round.questions.get()
    own_cases_save(round_question=rq, cases=CASES)
    Submission.objects.create(
        user=owner, round_question=rq, question=rq.question, language="python", source="print(4)",
        custom_tests=CASES, status="done", verdict="WA", finished_at=timezone.now(),
        results={"passed": 1, "total": 2, "ran": 1, "examples": 1, "verdicts": ["AC", "WA", "OK"], "tests": []},
    )
    clock.round_end(round=stage_round)
    return stage_round


@pytest.mark.django_db
def test_the_review_and_print_pages_list_them_escaped(owner_client, practised):
    for tail in ("review/", "print/"):
        html = owner_client.get(f"/practice/sessions/{practised.session_id}/{tail}").content.decode()
        assert "Own test cases" in html and "<pre>2 2\n</pre>" in html
        assert "&lt;b&gt;40 2&lt;/b&gt;" in html and "<b>40 2</b>" not in html
        assert "None: run only." in html


@pytest.mark.django_db
def test_the_replay_says_each_cases_verdict(owner_client, practised):
    data = owner_client.get(f"/practice/rounds/{practised.pk}/replay/").json()
    results = [entry for entry in data["entries"] if entry["kind"] == "result"]
    assert results and "Case 1: Wrong answer, Case 2: Ran" in results[0]["message"]


@pytest.mark.django_db
def test_the_markdown_export_lists_them(owner_client, practised):
    text = owner_client.get(f"/practice/sessions/{practised.session_id}/export.md").content.decode()
    assert "#### Own test cases" in text and "Case 2, input:" in text and "*No expected output: run only.*" in text


@pytest.mark.django_db
def test_the_json_export_carries_them_and_the_import_restores_them(owner, practised):
    document = exported(owner)
    rq = document["sessions"][0]["rounds"][0]["questions"][0]
    assert rq["test_cases"] == CASES and rq["submissions"][0]["custom_tests"] == CASES
    other = get_user_model().objects.create_user("bob", password="a-long-pass-phrase-42")
    user_data_import(user=other, data=document)
    restored = RoundQuestion.objects.get(round__session__owner=other)
    assert restored.test_cases == CASES
    assert Submission.objects.get(round_question=restored).custom_tests == CASES


@pytest.mark.django_db
def test_a_document_without_them_imports_with_none(owner, practised):
    document = exported(owner)
    del document["sessions"][0]["rounds"][0]["questions"][0]["test_cases"]
    other = get_user_model().objects.create_user("bob", password="a-long-pass-phrase-42")
    user_data_import(user=other, data=document)
    assert RoundQuestion.objects.get(round__session__owner=other).test_cases == []


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [
    [{"input": 1, "expected": None}],
    [{"input": str(i), "expected": None} for i in range(11)],
    "not a list",
])
def test_bad_cases_in_a_document_refuse_the_whole_import(owner, practised, bad):
    document = copy.deepcopy(exported(owner))
    document["sessions"][0]["rounds"][0]["questions"][0]["test_cases"] = bad
    other = get_user_model().objects.create_user("bob", password="a-long-pass-phrase-42")
    with pytest.raises(ValidationError) as caught:
        user_data_import(user=other, data=document)
    assert "sessions[0].rounds[0].questions[0].test_cases" in " ".join(caught.value.messages)
    assert not RoundQuestion.objects.filter(round__session__owner=other).exists()
