"""The permission matrix, continued: interviewer-only text and questions not shown yet, on every path.

It reuses the matrix's world (`test_permission_matrix.py`): one paired session whose round 1
(sum-two, design-feed, bayes; sum-two on screen) runs with the partner as its candidate. The rule
under test is `sessions.access.Visibility`:

- while the partner is that live candidate, no round of their own (a solo round, or a paired
  session where they interview) hands over the model answers, hints, constraints or rubric of
  those questions, by any path: the round pages, the reveal actions, constraints arriving on
  schedule, the summary, the scorecard, the review and replay, and the exports (Markdown, print, JSON);
- a live round's candidate sees only the questions put on screen (the review, the replay, the
  exports, history search), and cannot save or run on the others.
"""

import json
from datetime import timedelta

import pytest
from django.test import Client

from questions.models import Question, Stage
from sessions.access import questions_reached
from sessions.models import InterviewSession, Round, RoundQuestion, Snapshot, Submission
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from tests.sessions.test_permission_matrix import HX, make_world  # noqa: F401 (make_world is a fixture)

# Round 1's interviewer-only text, as the matrix plants it, and the hint and constraint it gave its candidate.
KEPT = (
    "MARK-MODEL-ANSWER-SUM-TWO", "MARK-MODEL-ANSWER-DESIGN-FEED", "MARK-MODEL-ANSWER-BAYES", "MARK-HINT",
    "MARK-CONSTRAINT", "MARK-RUBRIC-QUESTION-1", "MARK-HIDDEN-TEST", "GIVEN-HINT", "GIVEN-CONSTRAINT",
)
ROUND_1 = ("sum-two", "design-feed", "bayes")


def _kept_in(responses: dict) -> dict:
    found = {url: [text for text in KEPT if text in response.content.decode()] for url, response in responses.items()}
    return {url: texts for url, texts in found.items() if texts}


def _looking_back(client: Client, session: InterviewSession) -> dict:
    """Every page and file that looks back at a session: review, replays, summaries, exports."""
    urls = [f"/practice/sessions/{session.pk}/review/", f"/practice/sessions/{session.pk}/export.md",
            f"/practice/sessions/{session.pk}/print/", "/practice/export.json"]
    for stage_round in session.rounds.all():
        urls.append(f"/practice/rounds/{stage_round.pk}/replay/")
        if stage_round.status == Round.Status.FINISHED:  # before that, a redirect to the round
            urls.append(f"/practice/rounds/{stage_round.pk}/summary/")
    responses = {url: client.get(url) for url in urls}
    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(urls, 200)
    return responses


def _nothing_revealed(session: InterviewSession) -> None:
    given = RoundQuestion.objects.filter(round__session=session).values_list(
        "hints_revealed", "constraints_revealed", "model_answer_revealed_at"
    )
    assert set(given) == {(0, 0, None)}


@pytest.mark.django_db
def test_it_hands_a_live_candidate_nothing_through_solo_rounds_of_their_own(make_world):
    world = make_world("live")
    client = Client()
    client.force_login(world.partner)
    for slug in ROUND_1:
        assert client.post("/practice/start/", {"question": slug}).status_code == 302
    responses = {}
    for stage_round in Round.objects.filter(session__owner=world.partner).select_related("session"):
        base = f"/practice/rounds/{stage_round.pk}/"
        for action in ("next-hint", "next-constraint", "reveal"):
            response = client.post(base + f"q/1/{action}/", headers=HX)
            assert response.status_code in (400, 403), (base, action, response.status_code)
            responses[base + action] = response
        # Forty of its 45 minutes later: a design question's constraints would all be due by now.
        round_services.round_sync(round=stage_round, now=stage_round.started_at + timedelta(minutes=40))
        responses[base] = client.get(base)
        responses[base + "constraints"] = client.get(base + "q/1/constraints/", headers=HX)
        assert client.post(base + "end/").status_code == 302
    forbidden = [r for url, r in responses.items() if url.endswith(("next-hint", "next-constraint"))]
    assert all(r.status_code == 403 for r in forbidden)
    assert "candidate of a paired round on this question" in forbidden[0].content.decode()
    for session in InterviewSession.objects.filter(owner=world.partner):
        responses.update(_looking_back(client, session))
        _nothing_revealed(session)
    assert _kept_in(responses) == {}


@pytest.mark.django_db
def test_it_hands_a_live_candidate_nothing_when_they_interview_on_the_same_questions(make_world):
    world = make_world("live")
    client = Client()
    client.force_login(world.partner)
    screen = Stage.objects.get(slug="screen")
    assert client.post("/practice/paired/new/", {"stage": screen.pk, "questions": list(ROUND_1)}).status_code == 302
    session = InterviewSession.objects.get(owner=world.partner)
    _, token = paired_services.invite_create(session=session)
    paired_services.invite_accept(token=token, user=world.outsider)
    stage_round = session.rounds.get()
    base = f"/practice/rounds/{stage_round.pk}/"
    assert client.post(base + "start/").status_code == 302
    responses = {}
    for number in (1, 2, 3):
        assert client.post(base + f"q/{number}/switch/", headers=HX).status_code == 200
        for action in ("next-hint", "next-constraint"):
            response = client.post(base + f"q/{number}/{action}/", headers=HX)
            assert response.status_code == 403, (number, action)
            responses[f"{base}{number}/{action}"] = response
        responses[f"{base}{number}"] = client.get(base)
        responses[f"{base}{number}/constraints"] = client.get(base + f"q/{number}/constraints/", headers=HX)
    responses[base + "scorecard"] = client.get(base + "scorecard/")
    assert client.post(base + "end/").status_code == 302
    responses.update(_looking_back(client, session))
    _nothing_revealed(session)
    assert _kept_in(responses) == {}
    # What the partner answered as the candidate of round 1 stays theirs, in the same export.
    assert "GIVEN-HINT" in client.get(f"/practice/sessions/{world.session.pk}/export.md").content.decode()


def _unshown(world) -> list[RoundQuestion]:
    reached = questions_reached(world.first)
    unshown = list(RoundQuestion.objects.filter(round=world.first).exclude(pk__in=reached).select_related("question"))
    assert unshown, "the matrix's live round keeps a question back"
    return unshown


@pytest.mark.django_db
def test_it_shows_a_live_candidate_only_the_questions_put_on_screen(make_world):
    world = make_world("live")
    unshown = _unshown(world)
    client = Client()
    client.force_login(world.partner)
    responses = _looking_back(client, world.session)
    for url, response in responses.items():
        body = response.content.decode()
        for round_question in unshown:
            assert round_question.question.title not in body, (url, round_question.question.slug)
            assert round_question.question.prompt.strip() not in body, (url, round_question.question.slug)
    replay = json.loads(responses[f"/practice/rounds/{world.first.pk}/replay/"].content)
    assert {q["id"] for q in replay["questions"]} == questions_reached(world.first)
    exported = json.loads(responses["/practice/export.json"].content)
    live_round = next(r for s in exported["sessions"] if s["id"] == world.session.pk for r in s["rounds"])
    assert len(live_round["questions"]) == len(questions_reached(world.first))
    # The interviewer, and the candidate once the question is on screen, see it.
    interviewer = Client()
    interviewer.force_login(world.owner)
    assert unshown[0].question.title in interviewer.get(f"/practice/sessions/{world.session.pk}/review/").content.decode()
    round_services.question_switch(round_question=unshown[0])
    assert unshown[0].question.title in client.get(f"/practice/sessions/{world.session.pk}/review/").content.decode()


def _history_titles(client: Client, word: str) -> list[int]:
    """The sessions a history search for `word` lists."""
    response = client.get("/practice/history/", {"q": word}, headers=HX)
    assert response.status_code == 200
    return [row.session.pk for row in response.context["rows"]]


@pytest.mark.django_db
def test_it_finds_in_history_search_only_the_questions_a_live_candidate_was_shown(make_world):
    world = make_world("live")
    word = _unshown(world)[0].question.prompt.split()[-1].strip(".")  # "feed" or "theorem"
    candidate, interviewer = Client(), Client()
    candidate.force_login(world.partner)
    interviewer.force_login(world.owner)
    assert world.session.pk in _history_titles(interviewer, word)
    assert world.session.pk not in _history_titles(candidate, word)
    round_services.question_switch(round_question=_unshown(world)[0])
    assert world.session.pk in _history_titles(candidate, word)


@pytest.mark.django_db
def test_it_refuses_saving_and_running_on_a_question_not_on_screen(make_world):
    world = make_world("live")
    screen = Stage.objects.get(slug="screen")
    session = paired_services.paired_session_create(
        interviewer=world.owner, stage=screen, questions=list(Question.objects.filter(slug__in=["bayes", "sum-two"])
                                                              .order_by("slug")),
    )
    _, token = paired_services.invite_create(session=session)
    paired_services.invite_accept(token=token, user=world.outsider)
    stage_round = round_services.round_start(round=Round.objects.select_related("session").get(session=session))
    coding = RoundQuestion.objects.get(round=stage_round, question__slug="sum-two")
    assert coding.order == 1 and stage_round.current.question.slug == "bayes"
    client = Client()
    client.force_login(world.outsider)
    base = f"/practice/rounds/{stage_round.pk}/q/2/"
    responses = [
        client.post(base + "save/", {"code": "print(3)", "language": "python"}, headers=HX),
        client.post(base + "save/", {"code": "print(3)", "language": "python"}),
        client.post(base + "run/", {"kind": "run", "language": "python", "code": "print(3)"}, headers=HX),
        client.post(base + "run/", {"kind": "submit", "language": "python", "code": "print(3)"}),
        client.get(base + "constraints/", headers=HX),
    ]
    assert [r.status_code for r in responses] == [403] * 5
    assert "not put this question on screen yet" in responses[0].content.decode()
    coding.refresh_from_db()
    assert coding.code == "" and not Snapshot.objects.filter(round_question=coding).exists()
    assert not Submission.objects.filter(round_question=coding).exists()
    # The service refuses it too, whoever calls it (the autosave, a run).
    with pytest.raises(round_services.Withheld):
        round_services.answer_save(round_question=coding, values={"code": "print(4)"})
    # Once the interviewer switches to it, it is the candidate's to answer.
    round_services.question_switch(round_question=coding)
    assert client.post(base + "save/", {"code": "print(3)", "language": "python"}, headers=HX).status_code == 200
    coding.refresh_from_db()
    assert coding.code == "print(3)"
