"""The round summary's score header and its self-assessment control: what each role sees, and when."""

import re

import pytest

from questions.models import Question
from sessions.feedback import notes as note_services
from sessions.models import RoundQuestion, Submission
from sessions.rounds import services as round_services
from tests.sessions.paired.test_paired_views import joined, live_round, screen, token, waiting  # noqa: F401


def summary(client, stage_round):
    response = client.get(f"/practice/rounds/{stage_round.pk}/summary/")
    assert response.status_code == 200
    return response


def tiles(response) -> dict[str, tuple[str, str]]:
    return {score.label: (score.value, score.detail) for score in response.context["scores"]}


def submit(user, rq, *, kind="submit", verdict="WA", passed=1, total=4):
    return Submission.objects.create(
        user=user, round_question=rq, question=rq.question, kind=kind, language="python", source="print(1)",
        status="done", verdict=verdict, results={"passed": passed, "total": total},
    )


@pytest.fixture
def solo_round(owner, mini_pack):
    """alice's ended solo round of the coding screen: sum-two (coding) and bayes (concept)."""
    session = round_services.session_start(owner=owner, stage=Question.objects.get(slug="sum-two").stages.get())
    stage_round = session.rounds.get()
    RoundQuestion.objects.filter(round=stage_round).delete()
    for order, slug in enumerate(("sum-two", "bayes")):
        RoundQuestion.objects.create(round=stage_round, question=Question.objects.get(slug=slug), order=order)
    round_services.round_end(round=stage_round)
    return stage_round


@pytest.mark.django_db
def test_the_header_shows_the_last_submits_tests_the_grades_and_the_self_assessment(owner_client, owner, solo_round):
    coding = solo_round.questions.get(question__slug="sum-two")
    assert tiles(summary(owner_client, solo_round)) == {
        "1. Sum two numbers": ("—", "Not submitted"),
        "Concept self-grades": ("—", "None of 1 graded"),
        "Self-assessment": ("—", "Not assessed yet: rate yourself below"),
    }
    submit(owner, coding, kind="run", verdict="AC", passed=2, total=2)  # a Run checks the examples only
    only_runs = tiles(summary(owner_client, solo_round))["1. Sum two numbers"]
    assert only_runs == ("—", "Runs check the examples only; no Submit")
    submit(owner, coding, verdict="AC", passed=4, total=4)
    submit(owner, coding, verdict="WA", passed=3, total=4)  # the last Submit is the one that counts
    RoundQuestion.objects.filter(round=solo_round, question__slug="bayes").update(self_grade="good")
    item = solo_round.stage.rubric_items.get()
    owner_client.post(f"/practice/rounds/{solo_round.pk}/summary/", {f"rating_{item.pk}": "3"})
    response = summary(owner_client, solo_round)
    assert tiles(response) == {
        "1. Sum two numbers": ("3/4 tests", "Last Submit: WA"),
        "Concept self-grades": ("1/1 Good or Easy", "Good"),
        "Self-assessment": ("3.0 / 4", "Mean of 1 of 1 rubric items"),
    }
    html = response.content.decode()
    assert '<section class="score-header" aria-labelledby="scores-title">' in html
    assert html.index("score-header") < html.index("Self-assessment</h2>")  # at the top of the page


@pytest.mark.django_db
def test_the_self_assessment_is_a_labelled_1_to_4_segmented_control(owner_client, solo_round):
    item = solo_round.stage.rubric_items.get()
    owner_client.post(f"/practice/rounds/{solo_round.pk}/summary/", {f"rating_{item.pk}": "2"})
    html = summary(owner_client, solo_round).content.decode()
    group = re.search(r'<div class="segmented" role="radiogroup" aria-labelledby="rubric-(\d+)"[^>]*>(.*?)</div>',
                      html, re.S)
    assert group and group.group(1) == str(item.pk) and f'id="rubric-{item.pk}"' in html
    radios = re.findall(r'<input type="radio" name="rating_\d+" value="(\d)"( checked)?>', group.group(2))
    assert radios == [("1", ""), ("2", " checked"), ("3", ""), ("4", "")]
    for value, label in ((1, "Weak"), (2, "Mixed"), (3, "Solid"), (4, "Strong")):  # the scale's meaning, shown
        face = f'<span class="segment-value">{value}</span> <span class="segment-label">{label}</span>'
        assert face in group.group(2)


@pytest.mark.django_db
def test_a_candidate_sees_the_recommendation_only_once_released(
    owner_client, partner_client, owner, live_round,  # noqa: F811
):
    round_services.round_end(round=live_round)
    keys = [key for key, _ in note_services.scorecard_items(live_round)]
    note_services.scorecard_save(round=live_round, interviewer=owner, ratings={key: "yes" for key in keys},
                                 recommendation="no", feedback="Test earlier.", share_notes=False)
    candidate = summary(partner_client, live_round)
    assert not any("recommendation" in label for label in tiles(candidate))
    assert "Interviewer's recommendation" not in candidate.content.decode()
    # The interviewer sees their own draft, said to be one, and never a self-assessment that is not theirs.
    interviewer = tiles(summary(owner_client, live_round))
    assert interviewer["Your recommendation"] == ("No", "Draft: not released")
    assert "Self-assessment" not in interviewer
    note_services.scorecard_release(round=live_round)
    value, detail = tiles(summary(partner_client, live_round))["Interviewer's recommendation"]
    assert value == "No" and detail.startswith("Released ")


@pytest.mark.django_db
def test_an_outsider_gets_no_summary(outsider_client, solo_round):
    assert outsider_client.get(f"/practice/rounds/{solo_round.pk}/summary/").status_code == 404
