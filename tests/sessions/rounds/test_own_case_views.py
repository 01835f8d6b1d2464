"""The coding pad's own test cases through the round's views: saved with the answer and with each Run."""

import pytest
from django.test import Client

from questions.models import Question
from sessions.models import RoundQuestion, Submission
from sessions.rounds import services as svc

HX = {"HTTP_HX_REQUEST": "true"}
CASES = {"test_cases": "1", "case_input": ["2 2", "7"], "case_expected": ["4", ""]}


@pytest.fixture
def coding_question(owner, mini_pack):
    return svc.session_start(owner=owner, question=Question.objects.get(slug="sum-two")).rounds.get().questions.get()


def url(rq, tail):
    return f"/practice/rounds/{rq.round_id}/q/1/{tail}"


@pytest.mark.django_db
def test_the_autosave_keeps_them_and_the_page_shows_them(owner_client, coding_question):
    response = owner_client.post(url(coding_question, "save/"), {"code": "print(1)", "language": "python", **CASES}, **HX)
    assert response.status_code == 200
    saved = RoundQuestion.objects.get(pk=coding_question.pk)
    assert saved.test_cases == [{"input": "2 2", "expected": "4"}, {"input": "7", "expected": None}]
    html = owner_client.get(f"/practice/rounds/{coding_question.round_id}/").content.decode()
    assert 'aria-label="Case 1 input">2 2</textarea>' in html and 'aria-label="Case 2 expected output"></textarea>' in html
    assert "(2 of 10)" in html
    # An autosave without the panel's fields (another client) leaves them alone; an emptied panel clears them.
    owner_client.post(url(coding_question, "save/"), {"code": "print(2)"}, **HX)
    assert RoundQuestion.objects.get(pk=coding_question.pk).test_cases == saved.test_cases
    owner_client.post(url(coding_question, "save/"), {"code": "print(2)", "test_cases": "1"}, **HX)
    assert RoundQuestion.objects.get(pk=coding_question.pk).test_cases == []


@pytest.mark.django_db
def test_bad_cases_are_a_400_and_save_neither_cases_nor_code(owner_client, coding_question):
    too_many = {"test_cases": "1", "case_input": [str(i) for i in range(11)], "case_expected": [""] * 11}
    response = owner_client.post(url(coding_question, "save/"), {"code": "print(9)", **too_many}, **HX)
    assert response.status_code == 400 and "at most 10" in response.content.decode()
    unchanged = RoundQuestion.objects.get(pk=coding_question.pk)
    assert unchanged.test_cases == [] and unchanged.code == ""
    run = owner_client.post(url(coding_question, "run/"), {"kind": "run", "language": "python", "code": "print(9)",
                                                           **too_many}, **HX)
    assert run.status_code == 400 and not Submission.objects.exists()


@pytest.mark.django_db
def test_a_run_saves_them_and_carries_them_a_submit_does_not(owner_client, coding_question):
    response = owner_client.post(url(coding_question, "run/"), {"kind": "run", "language": "python",
                                                                "code": "print(4)", **CASES}, **HX)
    assert response.status_code == 202
    run = Submission.objects.get()
    assert run.custom_tests == [{"input": "2 2", "expected": "4"}, {"input": "7", "expected": None}]
    assert RoundQuestion.objects.get(pk=coding_question.pk).test_cases == run.custom_tests
    Submission.objects.update(status="done", verdict="AC")
    owner_client.post(url(coding_question, "run/"), {"kind": "submit", "language": "python", "code": "print(4)", **CASES},
                      **HX)
    assert Submission.objects.get(kind="submit").custom_tests == []


@pytest.mark.django_db
def test_nobody_else_can_save_or_run_them(coding_question, outsider_client, owner):
    assert outsider_client.post(url(coding_question, "save/"), CASES, **HX).status_code == 404
    assert Client().post(url(coding_question, "save/"), CASES).status_code == 302  # to the log-in page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post(url(coding_question, "save/"), CASES, **HX).status_code == 403
    assert RoundQuestion.objects.get(pk=coding_question.pk).test_cases == []
