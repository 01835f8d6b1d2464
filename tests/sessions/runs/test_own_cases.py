"""sessions/runs/own_cases.py: a coding question's own test cases, checked, capped and kept with the round."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from questions.models import Question
from sessions.models import RoundQuestion
from sessions.rounds import clock, services as svc
from sessions.runs.own_cases import MAX_CASES, own_cases_clean, own_cases_from_form, own_cases_save


def start(owner, slug):
    return svc.session_start(owner=owner, question=Question.objects.get(slug=slug)).rounds.get().questions.get()


def test_cases_are_normalised():
    assert own_cases_clean([
        {"input": "1 2\r\n", "expected": "3\r\n"},
        {"input": "5", "expected": "   "},  # blank expected output: run only
        {"input": "", "expected": ""},  # an empty row is no case
        {"input": "", "expected": "0"},  # an empty input with an expected output is a case
    ]) == [{"input": "1 2\n", "expected": "3\n"}, {"input": "5", "expected": None}, {"input": "", "expected": "0"}]


@pytest.mark.parametrize("cases, message", [
    ([{"input": str(i), "expected": None} for i in range(MAX_CASES + 1)], "at most 10"),
    ([{"input": "x" * (64 * 1024 + 1), "expected": None}], "Test case 1: the input is over the 64 KiB"),
    ([{"input": "1", "expected": "y" * (64 * 1024 + 1)}], "expected output is over the 64 KiB"),
    ([{"input": 3, "expected": None}], "Test case 1 is not an input"),
    ([{"input": "1", "expected": ["3"]}], "Test case 1 is not an input"),
    (["1 2"], "Test case 1 is not an input"),
    ({"input": "1"}, "must be a list"),
])
def test_bad_cases_are_refused_with_the_reason(cases, message):
    with pytest.raises(ValidationError) as caught:
        own_cases_clean(cases)
    assert message in " ".join(caught.value.messages)


def test_the_form_sends_pairs_and_says_when_it_has_a_panel():
    assert own_cases_from_form(QueryDict("code=x")) is None
    assert own_cases_from_form(QueryDict("test_cases=1")) == []
    form = QueryDict("test_cases=1&case_input=1+2&case_expected=3&case_input=4&case_expected=")
    assert own_cases_from_form(form) == [{"input": "1 2", "expected": "3"}, {"input": "4", "expected": ""}]
    with pytest.raises(ValidationError):
        own_cases_from_form(QueryDict("test_cases=1&case_input=1&case_input=2&case_expected=3"))


@pytest.mark.django_db
def test_they_are_saved_with_the_round_question(owner, mini_pack):
    rq = start(owner, "sum-two")
    assert own_cases_save(round_question=rq, cases=[{"input": "1 1", "expected": "2"}]) is True
    assert RoundQuestion.objects.get(pk=rq.pk).test_cases == [{"input": "1 1", "expected": "2"}]
    assert own_cases_save(round_question=rq, cases=[{"input": "1 1", "expected": "2"}]) is False  # unchanged


@pytest.mark.django_db
def test_bad_cases_save_nothing(owner, mini_pack):
    rq = start(owner, "sum-two")
    own_cases_save(round_question=rq, cases=[{"input": "1 1", "expected": "2"}])
    with pytest.raises(ValidationError):
        own_cases_save(round_question=rq, cases=[{"input": "ok", "expected": None}, {"input": 5, "expected": None}])
    assert RoundQuestion.objects.get(pk=rq.pk).test_cases == [{"input": "1 1", "expected": "2"}]


@pytest.mark.django_db
def test_only_a_coding_question_in_a_running_round_takes_them(owner, mini_pack):
    concept = start(owner, "bayes")
    with pytest.raises(ValidationError, match="Only coding questions"):
        own_cases_save(round_question=concept, cases=[{"input": "1", "expected": None}])
    rq = start(owner, "sum-two")
    clock.round_end(round=rq.round)
    rq.refresh_from_db()
    with pytest.raises(ValidationError, match="This round is over"):
        own_cases_save(round_question=rq, cases=[{"input": "1", "expected": None}])
    assert RoundQuestion.objects.get(pk=rq.pk).test_cases == []


@pytest.mark.django_db
def test_the_callers_copy_holds_the_cases_even_when_another_request_saved_them_first(owner, mini_pack):
    rq = start(owner, "sum-two")
    stale = RoundQuestion.objects.get(pk=rq.pk)  # loaded before the autosave below landed
    own_cases_save(round_question=rq, cases=[{"input": "1 1", "expected": "2"}])
    assert own_cases_save(round_question=stale, cases=[{"input": "1 1", "expected": "2"}]) is False
    assert stale.test_cases == [{"input": "1 1", "expected": "2"}]
