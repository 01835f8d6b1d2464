"""Who may see a question's model answer, hints and rubric: `questions.access.can_view_answers`."""

import pytest
from django.contrib.auth.models import AnonymousUser

from questions.access import can_view_answers
from questions.models import Question, Stage
from sessions.paired import services as paired
from sessions.rounds import services as round_services


@pytest.fixture
def bayes(mini_pack):
    return Question.objects.get(slug="bayes")


@pytest.fixture
def paired_round(owner, partner, bayes):
    """alice interviews bob on bayes; bob has joined, the round has not started."""
    session = paired.paired_session_create(interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[bayes])
    _, token = paired.invite_create(session=session)
    paired.invite_accept(token=token, user=partner)
    return session.rounds.get()


@pytest.mark.django_db
def test_anonymous_visitors_see_no_answers(bayes):
    assert can_view_answers(AnonymousUser(), bayes) is False
    assert can_view_answers(None, bayes) is False


@pytest.mark.django_db
def test_a_signed_in_user_sees_the_answers(owner, bayes):
    assert can_view_answers(owner, bayes) is True


@pytest.mark.django_db
def test_a_solo_round_on_the_question_hides_nothing(owner, bayes):
    round_services.session_start(owner=owner, question=bayes)
    assert can_view_answers(owner, bayes) is True


@pytest.mark.django_db
def test_a_guest_never_sees_the_answers(owner, bayes):
    session = paired.paired_session_create(interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[bayes])
    _, token = paired.invite_create(session=session)
    _, guest = paired.invite_accept(token=token, display_name="Ada")
    round_services.round_start(round=session.rounds.get())
    round_services.round_end(round=session.rounds.get())
    assert can_view_answers(guest, bayes) is False
    assert can_view_answers(guest, Question.objects.get(slug="sum-two")) is False


@pytest.mark.django_db
def test_the_candidate_sees_them_only_once_the_round_is_over(partner, paired_round, bayes):
    other = Question.objects.get(slug="sum-two")
    assert can_view_answers(partner, bayes) is False  # joined, not started
    round_services.round_start(round=paired_round)
    assert can_view_answers(partner, bayes) is False
    round_services.round_pause(round=paired_round)
    assert can_view_answers(partner, bayes) is False
    assert can_view_answers(partner, other) is True  # only the questions of the round
    round_services.round_resume(round=paired_round)
    round_services.round_end(round=paired_round)
    assert can_view_answers(partner, bayes) is True


@pytest.mark.django_db
def test_the_interviewer_sees_the_answers_during_the_round(owner, paired_round, bayes):
    round_services.round_start(round=paired_round)
    assert can_view_answers(owner, bayes) is True


@pytest.mark.django_db
def test_after_a_swap_the_new_candidate_loses_sight_of_the_new_rounds_questions(owner, partner, paired_round, bayes):
    round_services.round_start(round=paired_round)
    round_services.round_end(round=paired_round)
    swapped = paired.round_swap(round=paired_round)
    assert swapped.candidate == owner
    for round_question in swapped.questions.select_related("question"):
        assert can_view_answers(owner, round_question.question) is False
        assert can_view_answers(partner, round_question.question) is True
    assert can_view_answers(owner, bayes) is True  # the question of the finished round
