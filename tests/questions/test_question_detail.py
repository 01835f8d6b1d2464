"""The question page: public prompt and examples; answers only for signed-in users; hidden tests never."""

import pytest

from questions.models import Question, TestCase


@pytest.fixture
def coding(mini_pack):
    question = Question.objects.get(slug="sum-two")
    TestCase.objects.create(question=question, order=9, input="SECRET-HIDDEN-INPUT", expected="SECRET-HIDDEN-OUT", hidden=True)
    return question


@pytest.mark.django_db
def test_anonymous_users_see_the_prompt_and_examples_only(client, coding):
    response = client.get("/questions/sum-two/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Read two integers" in html
    assert "1 2" in html  # the visible example
    assert "2 more hidden tests" in html
    assert "SECRET-HIDDEN" not in html
    assert "Reveal model answer" not in html and "Split the line" not in html
    assert "Log in" in html


@pytest.mark.django_db
def test_signed_in_users_see_hints_answer_and_rubric(owner_client, coding):
    html = owner_client.get("/questions/sum-two/").content.decode()
    assert "Split the line" in html
    assert "Reveal model answer" in html
    assert "SECRET-HIDDEN" not in html


@pytest.mark.django_db
def test_math_is_left_for_katex(client, mini_pack):
    html = client.get("/questions/sum-two/").content.decode()
    assert '<span class="math math-inline">a</span>' in html


@pytest.mark.django_db
def test_design_and_behavioural_sections(owner_client, mini_pack):
    design = owner_client.get("/questions/design-feed/").content.decode()
    assert "Now it must work offline." in design
    behavioural = owner_client.get("/questions/why-us/").content.decode()
    assert "What a strong answer shows" in behavioural and "Keep it short." in behavioural


@pytest.mark.django_db
def test_unknown_questions_are_404(client, mini_pack):
    assert client.get("/questions/nope/").status_code == 404


@pytest.mark.django_db
def test_it_refuses_post(client, mini_pack):
    assert client.post("/questions/sum-two/").status_code == 405
