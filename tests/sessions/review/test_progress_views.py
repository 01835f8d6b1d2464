"""The progress page: scores per stage (self-assessed next to released interviewer ratings), coding pass rates
by problem and tag, concept self-grades per day; charts with tables; what counts and what stays private."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions.models import Question, StageRubricItem
from sessions.feedback import notes as note_services
from sessions.feedback.notes import scorecard_items
from sessions.models import InterviewSession, Submission
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from sessions.portability.importer import user_data_import
from tests.sessions.portability.test_data_import import exported

URL = "/practice/progress/"


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T12:00:00+00:00")


def self_assess(stage_round, score: int, now: datetime):
    ratings = {str(item.pk): score for item in StageRubricItem.objects.filter(stage=stage_round.stage)}
    return round_services.round_assess(round=stage_round, ratings=ratings, reflection="", now=now)


def solo_round(user, slug: str, day: str):
    """A solo round of one question, begun at noon on `day` and ended ten minutes later."""
    now = at(day)
    session = round_services.session_start(owner=user, question=Question.objects.get(slug=slug), now=now)
    return round_services.round_end(round=session.rounds.get(), now=now + timedelta(minutes=10))


def paired_round(interviewer, candidate, slug: str, day: str, *, rating: str = "", release: bool = False):
    now = at(day)
    question = Question.objects.get(slug=slug)
    session = paired_services.paired_session_create(
        interviewer=interviewer, stage=question.stages.get(), questions=[question], now=now
    )
    _, token = paired_services.invite_create(session=session, now=now)
    paired_services.invite_accept(token=token, user=candidate, now=now)
    stage_round = round_services.round_start(round=session.rounds.get(), now=now)
    round_services.round_end(round=stage_round, now=now + timedelta(minutes=10))
    if rating:
        note_services.scorecard_save(
            round=stage_round, interviewer=interviewer, recommendation=rating, feedback="Feedback.",
            ratings={key: rating for key, _ in scorecard_items(stage_round)},
        )
    if release:
        note_services.scorecard_release(round=stage_round, now=now + timedelta(minutes=20))
    return stage_round


def submit(user, stage_round, verdict: str, *, kind=Submission.Kind.SUBMIT, status=Submission.Status.DONE):
    round_question = stage_round.questions.get()
    return Submission.objects.create(
        user=user, round_question=round_question, question=round_question.question, kind=kind, language="python",
        source="print(1)", status=status, verdict=verdict if status == Submission.Status.DONE else "",
    )


def grade(stage_round, value: str, when: datetime):
    round_question = stage_round.questions.get()
    return round_services.self_grade_set(round_question=round_question, grade=value, now=when)


@pytest.fixture
def practice(mini_pack, owner, partner):
    """alice's practice on the coding screen, and a round she interviewed (which is bob's progress, not hers)."""
    solo = solo_round(owner, "sum-two", "2026-01-10")
    self_assess(solo, 2, at("2026-01-10") + timedelta(minutes=15))
    submit(owner, solo, "AC")
    submit(owner, solo, "WA")
    submit(owner, solo, "AC", kind=Submission.Kind.RUN)  # a run is not a submit
    submit(owner, solo, "", status=Submission.Status.QUEUED)  # not judged yet
    submit(owner, solo, "", status=Submission.Status.ERROR)  # the runner could not run it

    released = paired_round(partner, owner, "sum-two", "2026-02-10", rating="strong_yes", release=True)
    self_assess(released, 3, at("2026-02-10") + timedelta(minutes=15))
    submit(owner, released, "AC")

    draft = paired_round(partner, owner, "sum-two", "2026-03-10", rating="strong_no")
    self_assess(draft, 1, at("2026-03-10") + timedelta(minutes=15))

    interviewed = paired_round(owner, partner, "sum-two", "2026-03-20", rating="no", release=True)
    self_assess(interviewed, 4, at("2026-03-20") + timedelta(minutes=15))  # bob's self-assessment
    submit(partner, interviewed, "WA")

    for day, grades in (("2026-01-11", ["good"]), ("2026-01-12", ["again", "easy"])):
        for value in grades:
            grade(solo_round(owner, "bayes", day), value, at(day) + timedelta(minutes=11))
    return {"solo": solo, "released": released, "draft": draft, "interviewed": interviewed}


# ---------------------------------------------------------------- the numbers


@pytest.mark.django_db
def test_scores_per_stage_put_self_assessment_beside_released_interviewer_ratings(owner_client, practice):
    report = owner_client.get(URL).context["report"]
    assert [stage.title for stage in report.stages] == ["Alpha loop · Coding screen"]
    points = report.stages[0].points
    assert [(p.self_score, p.interviewer_score) for p in points] == [(2, None), (3, 4), (1, None)]
    assert [p.session_id for p in points] == [practice[key].session_id for key in ("solo", "released", "draft")]


@pytest.mark.django_db
def test_an_unreleased_scorecard_never_counts_for_the_candidate(owner_client, practice):
    report = owner_client.get(URL).context["report"]
    draft_point = next(p for p in report.stages[0].points if p.session_id == practice["draft"].session_id)
    assert draft_point.interviewer_score is None  # the draft says strong no: 1
    assert "Strong no" not in owner_client.get(URL).content.decode()


@pytest.mark.django_db
def test_the_interviewers_own_progress_leaves_out_the_rounds_they_interviewed(partner_client, practice):
    report = partner_client.get(URL).context["report"]
    # bob answered one round (alice interviewed, released "no" = 2; he assessed himself 4).
    assert [(p.self_score, p.interviewer_score) for p in report.stages[0].points] == [(4, 2)]
    assert [(r.label, r.passed, r.total) for r in report.by_problem] == [("Sum two numbers", 0, 1)]
    assert report.grades == []


@pytest.mark.django_db
def test_an_interviewer_sees_how_their_candidates_rated_the_interviews(owner_client, partner_client, practice):
    # alice was the candidate of two rounds bob interviewed; she rates both interviews.
    for stage_round, ratings in ((practice["released"], {"clarity": "4", "pacing": "2", "realism": "3"}),
                                 (practice["draft"], {"clarity": "3", "pacing": "2", "realism": "3"})):
        note_services.interviewer_feedback_send(round=stage_round, author=stage_round.candidate, ratings=ratings,
                                                comments="")
    report = partner_client.get(URL).context["report"]
    assert [(s.statement, s.average_text, s.count) for s in report.interviewing] == [
        ("The questions, and what was expected of me, were clear", "3.5", 2),
        ("Hints and follow-ups came at the right moments", "2", 2),
        ("It felt like the real interview", "3", 2),
    ]
    html = partner_client.get(URL).content.decode()
    assert "As an interviewer" in html and "<td>3.5</td><td>2</td>" in html
    assert owner_client.get(URL).context["report"].interviewing == []  # alice gave one interview, not rated


@pytest.mark.django_db
def test_pass_rates_count_judged_submits_by_problem_and_tag(owner_client, practice):
    response = owner_client.get(URL)
    report = response.context["report"]
    assert [(r.label, r.passed, r.total, r.percent) for r in report.by_problem] == [("Sum two numbers", 2, 3, 67)]
    assert [(r.label, r.passed, r.total) for r in report.by_tag] == [("arithmetic", 2, 3), ("warmup", 2, 3)]
    html = response.content.decode()
    assert "2 of 3 · 67%" in html
    assert "<td>2</td><td>3</td><td>67%</td>" in html


@pytest.mark.django_db
def test_problems_that_share_a_title_are_counted_apart(owner_client, owner, practice):
    original = Question.objects.get(slug="sum-two")
    namesake = Question.objects.create(pack=original.pack, slug="sum-two-again", kind="coding", title=original.title,
                                       prompt="Add them again.")
    namesake.stages.add(original.stages.get())
    submit(owner, solo_round(owner, "sum-two-again", "2026-04-01"), "AC")
    rates = owner_client.get(URL).context["report"].by_problem
    assert sorted((r.label, r.passed, r.total) for r in rates) == [("Sum two numbers", 1, 1), ("Sum two numbers", 2, 3)]


@pytest.mark.django_db
def test_concept_self_grades_are_averaged_per_day(owner_client, practice):
    report = owner_client.get(URL).context["report"]
    assert [(str(day.day), day.total, day.average) for day in report.grades] == [
        ("2026-01-11", 1, 3.0), ("2026-01-12", 2, 2.5),
    ]
    assert report.grades[1].counts == {"again": 1, "hard": 0, "good": 0, "easy": 1}


# ---------------------------------------------------------------- the page


@pytest.mark.django_db
def test_each_chart_is_followed_by_a_table_of_its_numbers(owner_client, practice):
    html = owner_client.get(URL).content.decode()
    charts = re.findall(r"<svg .*?</svg>", html, re.DOTALL)
    # One stage, pass rate by problem and by tag, concept grades; then the reviews' forecast and stage shares.
    assert len(charts) == 6
    for chart in charts:
        assert 'role="img"' in chart and "aria-labelledby=" in chart
        assert "style=" not in chart and not re.search(r"\son\w+=", chart) and "<script" not in chart
    after_charts = [html[html.index(chart) + len(chart):] for chart in charts]
    assert all(rest.lstrip().startswith('<details class="chart-numbers">') for rest in after_charts)
    assert html.count('<table class="chart-table">') == 6
    assert "<td>2.5</td>" in html  # the day's average, as the chart's tooltip has it
    assert "<td>2</td>\n            <td>none</td>" in html  # the solo round: no interviewer
    assert f'href="/practice/sessions/{practice["released"].session_id}/review/"' in html


@pytest.mark.django_db
def test_labels_from_packs_are_escaped_in_charts_and_tables(owner_client, practice):
    Question.objects.filter(slug="sum-two").update(title='<img src=x onerror="alert(1)"> & Sum')
    html = owner_client.get(URL).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Sum" in html


@pytest.mark.django_db
def test_someone_with_no_practice_gets_an_explanation(outsider_client, practice):
    response = outsider_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].is_empty
    assert "Nothing to chart yet" in html and "<svg" not in html
    assert "Sum two numbers" not in html
    # One short line, not an empty message per section (Memory included: nothing has been reviewed either).
    assert html.count('class="empty') + html.count('class="callout') == 1
    assert "Coding pass rate" not in html and "Memory" not in html


@pytest.mark.django_db
def test_the_pass_rate_says_only_submit_counts_and_why(owner_client, practice):
    html = owner_client.get(URL).content.decode()
    assert "Only Submit counts: it runs every test" in html
    assert "Run checks the visible examples only, so a passing Run is not counted here" in html
    assert "Nothing to chart yet" not in html and "Memory" in html  # with practice, every section shows


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_practice(owner_client, owner, partner, practice):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(URL).status_code == 200
        return len(captured)

    before = count()
    for number in range(6):
        day = f"2026-04-{number + 1:02d}"
        more = paired_round(partner, owner, "sum-two", day, rating="yes", release=True)
        self_assess(more, 2, at(day) + timedelta(minutes=15))
        submit(owner, more, "AC")
        grade(solo_round(owner, "bayes", day), "hard", at(day) + timedelta(minutes=11))
    assert count() == before <= 14  # at most 8 for the progress report, 6 for the reviews' memory section
    assert len(owner_client.get(URL).context["report"].stages[0].points) == 9


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, mini_pack):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_it_refuses_post(owner_client, mini_pack):
    assert owner_client.post(URL).status_code == 405


@pytest.mark.django_db
def test_an_htmx_request_gets_the_whole_page(owner_client, practice):
    response = owner_client.get(URL, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" in response.content.decode()


@pytest.mark.django_db
def test_an_imported_scorecard_is_listed_as_imported_and_never_drawn_as_an_interviewers(partner, partner_client,
                                                                                      practice):
    document = exported(partner)  # bob's round: alice released "no" (2), he assessed himself 4
    InterviewSession.objects.all().delete()
    user_data_import(user=partner, data=document)

    response = partner_client.get(URL)
    points = response.context["report"].stages[0].points
    assert [(p.self_score, p.interviewer_score, p.imported_score) for p in points] == [(4, None, 2)]
    page = response.content.decode()
    assert "2 (imported scorecard)" in page
