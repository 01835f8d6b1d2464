"""The export builders: a session as Markdown (compared with stored snapshots) and what each role may find in it.

The sessions are built with the real services at fixed times on the mini pack, so the
Markdown is the same on every run. Run with UPDATE_SNAPSHOTS=1 to rewrite the expected
files under tests/sessions/snapshots/, then read the diff before committing it.

The builders here are shared by test_data_import.py and test_export_views.py.
"""

import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

import sandbox
from questions.models import Hint, Question, RubricItem, Stage, StageRubricItem, TestCase
from sessions.portability.document import session_export
from sessions.portability.json_export import user_data
from sessions.portability.markdown import export_markdown, session_markdown
from sessions.feedback import notes as note_services
from sessions.feedback.notes import scorecard_items
from sessions.models import InterviewSession, Round, RoundQuestion, Submission
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services

SNAPSHOTS = Path(__file__).parent / "snapshots"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOTE_MARKER = "NOTE-MARKER"
FEEDBACK_MARKER = "FEEDBACK-MARKER"
CANDIDATE_FEEDBACK_MARKER = "CANDIDATE-FEEDBACK-MARKER"
HIDDEN_MARKER = "HIDDEN-TEST-MARKER"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def question_in(stage_round: Round, slug: str) -> RoundQuestion:
    """A fresh copy each time: the services change the round under it."""
    questions = RoundQuestion.objects.select_related("question", "round__session")
    return questions.get(round=stage_round, question__slug=slug)


def fresh(stage_round: Round) -> Round:
    return Round.objects.select_related("session", "stage").get(pk=stage_round.pk)


def judged_run(user, round_question: RoundQuestion, *, kind: str, passed: int, total: int, minute: float) -> Submission:
    """A finished run stored the way the worker stores a judgement (hidden tests keep only their verdict)."""
    outcomes = [sandbox.TestOutcome(index=0, hidden=False, verdict="AC", time_ms=11, input="1 2\n", expected="3\n",
                                    actual="3\n")]
    if total == 2:
        verdict = "AC" if passed == 2 else "WA"
        outcomes.append(sandbox.TestOutcome(index=1, hidden=True, verdict=verdict, time_ms=12,
                                            input=f"{HIDDEN_MARKER}\n", expected=f"{HIDDEN_MARKER}\n", actual="0\n"))
    judgement = sandbox.JudgeResult(verdict="AC" if passed == total else "WA", passed=passed, total=total,
                                    tests=outcomes).to_dict()
    run = Submission.objects.create(
        user=user, round_question=round_question, question=round_question.question, kind=kind, language="python",
        source=round_question.code, status=Submission.Status.DONE, verdict=judgement["verdict"], time_ms=12,
        memory_kb=9000, results={key: judgement[key] for key in ("passed", "total", "tests", "first_failure")},
    )
    Submission.objects.filter(pk=run.pk).update(
        created_at=at(minute), started_at=at(minute), finished_at=at(minute) + timedelta(seconds=1)
    )
    return run


def plant_hidden_test() -> None:
    TestCase.objects.filter(question__slug="sum-two", hidden=True).update(
        input=f"{HIDDEN_MARKER}\n", expected=f"{HIDDEN_MARKER}\n"
    )


def build_solo(owner) -> InterviewSession:
    """alice practises the coding screen alone: sum-two (runs, a hint), bayes (revealed, graded), design-feed."""
    plant_hidden_test()
    screen = Stage.objects.get(slug="screen")
    Stage.objects.filter(pk=screen.pk).update(questions_per_round=3)
    screen.refresh_from_db()
    session = round_services.session_start(owner=owner, stage=screen, now=at(0), rng=random.Random(7))
    InterviewSession.objects.filter(pk=session.pk).update(created_at=at(0))
    stage_round = session.rounds.get()
    round_services.question_switch(round_question=question_in(stage_round, "sum-two"), now=at(0.5))
    code = "a, b = map(int, input().split())\nprint(a + b)  # uses ``` in a comment\n"
    round_services.answer_save(round_question=question_in(stage_round, "sum-two"), values={"code": code}, now=at(2))
    round_services.hint_reveal_next(round_question=question_in(stage_round, "sum-two"), now=at(3))
    judged_run(owner, question_in(stage_round, "sum-two"), kind="run", passed=1, total=1, minute=4)
    judged_run(owner, question_in(stage_round, "sum-two"), kind="submit", passed=1, total=2, minute=6)
    judged_run(owner, question_in(stage_round, "sum-two"), kind="submit", passed=2, total=2, minute=8)
    round_services.question_switch(round_question=question_in(stage_round, "bayes"), now=at(9))
    round_services.answer_save(
        round_question=question_in(stage_round, "bayes"),
        values={"answer": "The posterior is the likelihood times the prior, over the evidence: $P(A|B)$."}, now=at(10),
    )
    round_services.model_answer_reveal(round_question=question_in(stage_round, "bayes"), now=at(11))
    round_services.question_switch(round_question=question_in(stage_round, "design-feed"), now=at(12))
    round_services.answer_save(
        round_question=question_in(stage_round, "design-feed"),
        values={"answer": "Fan-out on write, with a cache per user.\n\n- timeline service\n- ranking"}, now=at(13),
    )
    round_services.constraint_reveal_next(round_question=question_in(stage_round, "design-feed"), now=at(14))
    note_services.note_save(
        round=fresh(stage_round), author=owner, body="Forgot negative numbers at first.", tags=["weak"],
        round_question=question_in(stage_round, "sum-two"), now=at(15),
    )
    round_services.round_end(round=fresh(stage_round), now=at(20))
    round_services.self_grade_set(round_question=question_in(stage_round, "bayes"), grade="good", now=at(21))
    rubric = {str(item.pk): 3 for item in screen.rubric_items.all()}
    round_services.round_assess(round=fresh(stage_round), ratings=rubric,
                                reflection="Test the edge cases *before* submitting.", now=at(22))
    session.refresh_from_db()
    return session


def build_paired(
    owner, partner, *, release: bool = False, share_notes: bool = False, candidate_feedback: bool = False
) -> InterviewSession:
    """alice interviews bob on sum-two then bayes; the round ends, bob assesses himself, alice fills in a scorecard.

    With `candidate_feedback`, bob then tells alice how the interview went.
    """
    plant_hidden_test()
    screen = Stage.objects.get(slug="screen")
    picked = [Question.objects.get(slug="sum-two"), Question.objects.get(slug="bayes")]
    session = paired_services.paired_session_create(interviewer=owner, stage=screen, questions=picked, now=at(0))
    InterviewSession.objects.filter(pk=session.pk).update(created_at=at(0))
    _, token = paired_services.invite_create(session=session, now=at(0))
    paired_services.invite_accept(token=token, user=partner, now=at(0))
    stage_round = session.rounds.get()
    round_services.round_start(round=fresh(stage_round), now=at(1))
    code = "a, b = input().split()\nprint(int(a) + int(b))\n"
    round_services.answer_save(round_question=question_in(stage_round, "sum-two"), values={"code": code}, now=at(3))
    round_services.hint_reveal_next(round_question=question_in(stage_round, "sum-two"), now=at(4))
    judged_run(partner, question_in(stage_round, "sum-two"), kind="submit", passed=1, total=2, minute=5)
    note_services.note_save(round=fresh(stage_round), author=owner, body=f"{NOTE_MARKER}: went straight to code.",
                            tags=["strong"], now=at(6))
    round_services.question_switch(round_question=question_in(stage_round, "bayes"), now=at(8))
    round_services.answer_save(round_question=question_in(stage_round, "bayes"),
                               values={"answer": "Prior times likelihood, normalised."}, now=at(9))
    round_services.round_end(round=fresh(stage_round), now=at(15))
    rubric = {str(item.pk): 2 for item in screen.rubric_items.all()}
    round_services.round_assess(round=fresh(stage_round), ratings=rubric, reflection="Ask about input sizes.",
                                now=at(16))
    note_services.scorecard_save(
        round=fresh(stage_round), interviewer=owner, ratings={key: "yes" for key, _ in scorecard_items(stage_round)},
        recommendation="yes", feedback=f"{FEEDBACK_MARKER}: write a test first.", share_notes=share_notes,
    )
    if release:
        note_services.scorecard_release(round=fresh(stage_round), now=at(20))
    if candidate_feedback:
        note_services.interviewer_feedback_send(
            round=fresh(stage_round), author=partner, ratings={"clarity": "4", "pacing": "2", "realism": "3"},
            comments=f"{CANDIDATE_FEEDBACK_MARKER}: the second hint came too late.", now=at(21),
        )
    session.refresh_from_db()
    return session


def matches_snapshot(name: str, text: str) -> bool:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return text == path.read_text(encoding="utf-8")


def interviewer_only_texts() -> list[str]:
    """Text of the mini pack's coding screen that a paired candidate must not read in an export."""
    sum_two, bayes = Question.objects.get(slug="sum-two"), Question.objects.get(slug="bayes")
    return [
        sum_two.model_answer.strip(), bayes.model_answer.strip(),
        Hint.objects.filter(question=sum_two).order_by("order")[1].text.splitlines()[0],  # the hint never given
        *RubricItem.objects.filter(question=bayes).values_list("text", flat=True),
        *StageRubricItem.objects.filter(stage__slug="screen").values_list("text", flat=True),
        HIDDEN_MARKER,
    ]


# ---------------------------------------------------------------- Markdown snapshots


@pytest.mark.django_db
def test_it_writes_a_solo_session_as_markdown(owner, mini_pack):
    session = build_solo(owner)
    text = session_markdown(session, owner)
    assert matches_snapshot("solo-owner.md", text)
    # The owner reviews themselves: model answers, rubric and their own notes are there.
    assert "Forgot negative numbers" in text and "#### Model answer" in text
    assert HIDDEN_MARKER not in text


@pytest.mark.django_db
def test_it_writes_a_paired_session_for_the_interviewer(owner, partner, mini_pack):
    session = build_paired(owner, partner)
    text = session_markdown(session, owner)
    assert matches_snapshot("paired-interviewer.md", text)
    assert NOTE_MARKER in text and FEEDBACK_MARKER in text and "draft, not released" in text
    assert "Ask about input sizes" not in text  # the candidate's self-assessment is theirs


@pytest.mark.django_db
def test_it_writes_a_paired_session_for_the_candidate_before_release(owner, partner, mini_pack):
    session = build_paired(owner, partner, share_notes=True)
    text = session_markdown(session, partner)
    assert matches_snapshot("paired-candidate.md", text)
    for secret in [NOTE_MARKER, FEEDBACK_MARKER, *interviewer_only_texts()]:
        assert secret not in text, secret
    assert "Split the line." in text  # the hint that was given


@pytest.mark.django_db
def test_it_writes_released_feedback_and_shared_notes_for_the_candidate(owner, partner, mini_pack):
    session = build_paired(owner, partner, release=True, share_notes=True)
    text = session_markdown(session, partner)
    assert matches_snapshot("paired-candidate-released.md", text)
    assert NOTE_MARKER in text and FEEDBACK_MARKER in text
    # A released scorecard names its rubric items; model answers and hints not given stay out.
    sum_two, bayes = Question.objects.get(slug="sum-two"), Question.objects.get(slug="bayes")
    for secret in [sum_two.model_answer.strip(), bayes.model_answer.strip(), "Convert with", HIDDEN_MARKER]:
        assert secret not in text, secret


@pytest.mark.django_db
def test_released_feedback_without_shared_notes_keeps_the_notes_private(owner, partner, mini_pack):
    session = build_paired(owner, partner, release=True, share_notes=False)
    text = session_markdown(session, partner)
    assert FEEDBACK_MARKER in text
    assert NOTE_MARKER not in text and "interviewer's notes" not in text


@pytest.mark.django_db
def test_both_people_find_the_candidates_feedback_on_the_interview(owner, partner, mini_pack):
    session = build_paired(owner, partner, candidate_feedback=True)
    for viewer in (owner, partner):
        text = session_markdown(session, viewer)
        section = text.split("### The candidate's feedback on the interview (sent ", 1)[1].split("\n### ", 1)[0]
        assert "| It felt like the real interview | 3 · Mostly |" in section
        assert f"{CANDIDATE_FEEDBACK_MARKER}: the second hint came too late." in section
    for viewer, role in ((owner, "interviewer"), (partner, "candidate")):
        round_data = user_data(viewer)["sessions"][0]["rounds"][0]
        assert round_data["role"] == role
        assert round_data["interviewer_feedback"] == {
            "ratings": {"clarity": 4, "pacing": 2, "realism": 3},
            "comments": f"{CANDIDATE_FEEDBACK_MARKER}: the second hint came too late.",
            "sent_at": at(21).isoformat(),
        }


# ---------------------------------------------------------------- what each role finds


@pytest.mark.django_db
def test_a_paired_candidate_sees_only_the_questions_put_on_screen_while_the_round_runs(owner, partner, mini_pack):
    screen = Stage.objects.get(slug="screen")
    picked = [Question.objects.get(slug="sum-two"), Question.objects.get(slug="bayes")]
    session = paired_services.paired_session_create(interviewer=owner, stage=screen, questions=picked, now=at(0))
    _, token = paired_services.invite_create(session=session, now=at(0))
    paired_services.invite_accept(token=token, user=partner, now=at(0))
    stage_round = session.rounds.get()

    def titles(user):
        return [q.title for r in session_export(session, user).rounds for q in r.questions]

    def exported_slugs(user):
        rounds = user_data(user)["sessions"][0]["rounds"]
        return [rq["question"]["slug"] for rq in rounds[0]["questions"]]

    assert titles(partner) == [] and exported_slugs(partner) == []  # not started
    assert titles(owner) == ["Sum two numbers", "Bayes in one line"]
    round_services.round_start(round=fresh(stage_round), now=at(1))
    assert titles(partner) == ["Sum two numbers"] and exported_slugs(partner) == ["sum-two"]
    round_services.question_switch(round_question=question_in(stage_round, "bayes"), now=at(5))
    round_services.question_switch(round_question=question_in(stage_round, "sum-two"), now=at(6))
    assert exported_slugs(partner) == ["sum-two", "bayes"]
    assert "Bayes in one line" in session_markdown(session, partner)


@pytest.mark.django_db
def test_a_solo_user_sees_model_answers_and_unreached_constraints_only_once_the_round_is_over(owner, mini_pack):
    session = round_services.session_start(owner=owner, question=Question.objects.get(slug="design-feed"), now=at(0))
    model_answer = Question.objects.get(slug="design-feed").model_answer.strip()
    text = session_markdown(session, owner)
    assert model_answer not in text and "it must work offline" not in text
    round_services.round_end(round=fresh(session.rounds.get()), now=at(5))
    text = session_markdown(session, owner)
    assert model_answer in text and "it must work offline" in text


@pytest.mark.django_db
def test_a_solo_user_who_revealed_the_model_answer_finds_it_in_the_export_at_once(owner, mini_pack):
    session = round_services.session_start(owner=owner, question=Question.objects.get(slug="bayes"), now=at(0))
    model_answer = Question.objects.get(slug="bayes").model_answer.strip()
    assert model_answer not in session_markdown(session, owner)
    round_services.model_answer_reveal(round_question=question_in(session.rounds.get(), "bayes"), now=at(2))
    assert model_answer in session_markdown(session, owner)


@pytest.mark.django_db
def test_hints_and_constraints_not_given_are_for_the_reviewer_only(owner, partner, mini_pack):
    session = build_paired(owner, partner, release=True, share_notes=True)
    interviewer = session_export(session, owner).rounds[0].questions[0]
    candidate = session_export(session, partner).rounds[0].questions[0]
    assert [h.number for h in interviewer.hints] == [1] and [h.number for h in interviewer.hints_not_given] == [2]
    assert interviewer.hints[0].offset == 180  # given 3 minutes into the round
    assert [h.number for h in candidate.hints] == [1] and candidate.hints_not_given == []


@pytest.mark.django_db
def test_the_code_fence_outlasts_backticks_in_the_code(owner, mini_pack):
    text = session_markdown(build_solo(owner), owner)
    assert "````python\na, b = map(int, input().split())\nprint(a + b)  # uses ``` in a comment\n````" in text


@pytest.mark.django_db
def test_a_session_without_rounds_for_the_viewer_says_so(owner, mini_pack):
    session = InterviewSession.objects.create(owner=owner, title="Empty")
    export = session_export(session, owner)
    assert export.rounds == []
    assert "*No rounds to show.*" in export_markdown(export)


def queries_of(export, session_or_none, user) -> int:
    """Queries of one export, from objects loaded afresh (nothing cached on them from an earlier run)."""
    user = get_user_model().objects.get(pk=user.pk)
    args = (InterviewSession.objects.get(pk=session_or_none.pk), user) if session_or_none else (user,)
    with CaptureQueriesContext(connection) as captured:
        export(*args)
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_the_markdown_export_takes_a_fixed_number_of_queries(owner, partner, mini_pack):
    """Prefetched: more rounds, runs and notes do not mean more queries."""
    session = build_paired(owner, partner, release=True, share_notes=True)
    few = queries_of(session_markdown, session, partner)
    swapped = paired_services.round_swap(round=fresh(session.rounds.get()), now=at(30))
    round_services.round_start(round=fresh(swapped), now=at(31))
    for minute in range(32, 40):
        judged_run(owner, swapped.questions.select_related("question").first(), kind="run", passed=1, total=1,
                   minute=minute)
        note_services.note_save(round=fresh(swapped), author=partner, body=f"Note {minute}", now=at(minute))
    assert queries_of(session_markdown, session, partner) == few <= 13  # one more: the viewer's live-candidate questions


@pytest.mark.django_db
def test_user_data_takes_a_fixed_number_of_queries(owner, partner, mini_pack):
    build_solo(owner)
    few = queries_of(user_data, None, owner)
    build_paired(owner, partner, release=True)
    build_paired(owner, partner, share_notes=True)
    # One more: the viewer's live-candidate questions; three more: the review settings, cards and their reviews;
    # one more: the design questions' whiteboard history.
    assert queries_of(user_data, None, owner) == few <= 16


# ---------------------------------------------------------------- the JSON document


@pytest.mark.django_db
def test_user_data_is_versioned_and_names_questions_by_pack_slug(owner, partner, mini_pack):
    build_solo(owner)
    build_paired(owner, partner, release=True)
    data = user_data(owner, now=at(60))
    assert (data["format"], data["version"], data["exported_at"]) == ("interviewprep-export", 3, at(60).isoformat())
    assert data["user"] == {"username": "alice", "name": "alice"}
    solo, paired = data["sessions"]
    assert (solo["mode"], paired["mode"]) == ("solo", "paired")
    assert {r["role"] for r in solo["rounds"]} == {"solo"} and paired["rounds"][0]["role"] == "interviewer"
    sum_two = next(rq for rq in solo["rounds"][0]["questions"] if rq["question"]["slug"] == "sum-two")
    assert sum_two["question"] == {"pack": "mini", "slug": "sum-two", "title": "Sum two numbers"}
    assert [s["results"]["passed"] for s in sum_two["submissions"]] == [1, 1, 2]
    assert all(s["mine"] for s in sum_two["submissions"])
    assert sum_two["snapshots"][0]["field"] == "code"
    assert solo["rounds"][0]["self_assessment"]["ratings"] == [{"item": 1, "text": "Tests the code", "rating": 3}]


@pytest.mark.django_db
def test_user_data_holds_only_what_each_role_may_read(owner, partner, mini_pack):
    build_paired(owner, partner)  # scorecard not released
    as_interviewer = user_data(owner)["sessions"][0]["rounds"][0]
    as_candidate = user_data(partner)["sessions"][0]["rounds"][0]
    assert as_interviewer["scorecard"]["mine"] and as_interviewer["notes"][0]["mine"]
    assert as_interviewer["self_assessment"] is None  # the candidate's own
    assert as_candidate["role"] == "candidate"
    assert as_candidate["scorecard"] is None and as_candidate["notes"] == [] and as_candidate["note_sheets"] == []
    # Before release the candidate's own ratings are kept, but not the rubric text behind them.
    assert as_candidate["self_assessment"]["ratings"] == [{"item": 1, "text": None, "rating": 2}]
    text = str(user_data(partner))
    for secret in [NOTE_MARKER, FEEDBACK_MARKER, *interviewer_only_texts()]:
        assert secret not in text, secret


@pytest.mark.django_db
def test_user_data_gives_the_candidate_released_feedback_and_shared_notes(owner, partner, mini_pack):
    build_paired(owner, partner, release=True, share_notes=True)
    round_data = user_data(partner)["sessions"][0]["rounds"][0]
    scorecard = round_data["scorecard"]
    assert scorecard["released_at"] == at(20).isoformat() and not scorecard["mine"]
    assert [r["item"] for r in scorecard["ratings"]] == ["stage/1", "question/2/1", "question/2/2"]
    assert [note["body"] for note in round_data["notes"]] == [f"{NOTE_MARKER}: went straight to code."]
    assert not round_data["notes"][0]["mine"]


@pytest.mark.django_db
def test_user_data_leaves_out_other_peoples_sessions(owner, partner, outsider, mini_pack):
    build_solo(owner)
    assert user_data(outsider)["sessions"] == []
    assert user_data(partner)["sessions"] == []
