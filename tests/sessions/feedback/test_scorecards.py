"""The scorecard rule (`sessions.feedback.scorecards`): which items a scorecard rates and under which keys,
and that a released scorecard shows only the items rated, the same on every page and in every export.

The rounds are built with the real services on the mini pack: the "screen" stage rates "Tests the code";
of its questions, sum-two has no rubric and bayes rates "Names the prior" and "Names the likelihood".
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from questions.models import Question, RubricItem, Stage, StageRubricItem
from sessions.feedback import scorecards
from sessions.models import RoundQuestion
from sessions.portability.json_export import user_data
from sessions.portability.markdown import session_markdown
from sessions.feedback import notes as note_services
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services

T0 = timezone.now().replace(microsecond=0)


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def screen_round(owner, partner, mini_pack):
    """alice interviews bob on sum-two then bayes; the round has started on sum-two."""
    picked = [Question.objects.get(slug="sum-two"), Question.objects.get(slug="bayes")]
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=picked, now=T0
    )
    _, token = paired_services.invite_create(session=session, now=T0)
    paired_services.invite_accept(token=token, user=partner, now=T0)
    return round_services.round_start(round=session.rounds.get(), now=T0)


def released_with_one_rating(stage_round, interviewer):
    """The interviewer rates the stage's item only (bayes was never reached) and releases the scorecard."""
    stage_key = f"stage:{StageRubricItem.objects.get(stage__slug='screen').pk}"
    note_services.scorecard_save(round=stage_round, interviewer=interviewer, ratings={stage_key: "strong_yes"},
                                 recommendation="yes", feedback="Good start.")
    round_services.round_end(round=stage_round, now=at(600))
    return note_services.scorecard_release(round=stage_round, now=at(700))


@pytest.mark.django_db
def test_it_keys_the_stage_rubric_then_each_questions_here_by_row_and_in_an_export_by_position(screen_round):
    stage_item = StageRubricItem.objects.get(stage__slug="screen")
    prior, likelihood = RubricItem.objects.filter(question__slug="bayes").order_by("order")

    entries = scorecards.round_entries(screen_round)

    assert [(e.key, e.portable, e.text, e.section) for e in entries] == [
        (f"stage:{stage_item.pk}", "stage/1", "Tests the code", "The stage"),
        (f"question:{prior.pk}", "question/2/1", "Names the prior", "Question 2: Bayes in one line"),
        (f"question:{likelihood.pk}", "question/2/2", "Names the likelihood", "Question 2: Bayes in one line"),
    ]
    assert scorecards.scorecard_items(screen_round) == [(e.key, e.text) for e in entries]


@pytest.mark.django_db
def test_an_import_maps_an_exports_positions_back_onto_this_instances_rows(screen_round):
    """The planner holds unsaved round questions; the same rule gives the same keys from them."""
    bayes = Question.objects.prefetch_related("rubric_items").get(slug="bayes")
    unsaved = [RoundQuestion(order=1, question=bayes)]
    stage_items = Stage.objects.get(slug="screen").rubric_items.all()

    keys = scorecards.portable_keys(scorecards.rubric_entries(stage_items, unsaved))

    assert keys == {entry.portable: entry.key for entry in scorecards.round_entries(screen_round)}


@pytest.mark.django_db
def test_a_question_the_viewer_is_the_live_candidate_of_keeps_its_keys_but_not_its_text(screen_round):
    bayes = Question.objects.get(slug="bayes")

    entries = scorecards.round_entries(screen_round, withheld_question_ids={bayes.pk})

    assert [e.text for e in entries] == ["Tests the code", scorecards.WITHHELD, scorecards.WITHHELD]
    assert [e.key for e in entries] == [e.key for e in scorecards.round_entries(screen_round)]


@pytest.mark.django_db
def test_a_question_the_round_never_reached_is_an_optional_section(screen_round):
    sections = scorecards.scorecard_sections(screen_round)  # sum-two, on screen, rates nothing: no section

    assert [(s.heading, s.optional, len(s.items)) for s in sections] == [
        ("The stage", False, 1), ("Question 2: Bayes in one line", True, 2),
    ]


@pytest.mark.django_db
def test_a_draft_shows_every_item_and_a_released_scorecard_only_the_rated_ones(screen_round, owner):
    entries = scorecards.round_entries(screen_round)
    assert [row["text"] for row in scorecards.scorecard_rows(entries, None)] == [e.text for e in entries]

    released = released_with_one_rating(screen_round, owner)
    released_view = [dict(row) for row in scorecards.scorecard_rows(entries, released)]

    assert [(row["text"], row["label"]) for row in released_view] == [("Tests the code", "Strong yes")]
    released.released_at = None  # the same ratings, not released: what is left to rate shows
    assert [(row["text"], row["rating"]) for row in scorecards.scorecard_rows(entries, released)] == [
        ("Tests the code", "strong_yes"), ("Names the prior", ""), ("Names the likelihood", ""),
    ]


@pytest.mark.django_db
def test_every_page_and_export_shows_the_candidate_the_same_released_items(screen_round, owner, partner,
                                                                           partner_client):
    released_with_one_rating(screen_round, owner)
    session = screen_round.session

    summary = partner_client.get(f"/practice/rounds/{screen_round.pk}/summary/")
    review = partner_client.get(f"/practice/sessions/{session.pk}/review/")
    markdown = session_markdown(session, partner)
    exported = user_data(partner)["sessions"][0]["rounds"][0]["scorecard"]

    assert (summary.status_code, review.status_code) == (200, 200)
    assert [row["text"] for row in summary.context["scorecard_rows"]] == ["Tests the code"]
    assert [row["text"] for row in review.context["rounds"][0].scorecard_rows] == ["Tests the code"]
    assert "| Tests the code | Strong yes |" in markdown and "Names the prior" not in markdown
    assert [(r["item"], r["text"], r["rating"]) for r in exported["ratings"]] == [
        ("stage/1", "Tests the code", "strong_yes"),
    ]
