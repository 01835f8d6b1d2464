"""Rounds built through the services at fixed moments, for the scheduling tests."""

from datetime import datetime, timedelta

from questions.models import Question
from sessions.feedback import notes as note_services
from sessions.feedback.notes import scorecard_items
from sessions.models import ReviewCard, Submission
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from tests.sessions.review.test_progress_views import self_assess  # noqa: F401  (the scheduling tests use it too)


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


def solo_round(user, slug: str, start: datetime):
    """A solo round of one question, started at `start` (left running)."""
    session = round_services.session_start(owner=user, question=Question.objects.get(slug=slug), now=start)
    return session.rounds.get()


def concept_review(user, slug: str, grade: str, start: datetime):
    """A concept answered, graded and the round ended ten minutes after `start`."""
    stage_round = solo_round(user, slug, start)
    rq = stage_round.questions.get()
    round_services.answer_save(round_question=rq, values={"answer": "An answer."}, now=start + timedelta(minutes=5))
    round_services.self_grade_set(round_question=rq, grade=grade, now=start + timedelta(minutes=8))
    return round_services.round_end(round=stage_round, now=start + timedelta(minutes=10))


def judged(user, round_question, verdict: str, when: datetime, *, kind=Submission.Kind.SUBMIT,
           status=Submission.Status.DONE) -> Submission:
    """A run as the worker leaves it once judged, finished at `when` (the sandbox itself is tested in tests/sandbox
    and tests/sessions/runs). Its created_at is the wall clock, like the reveal events it is compared with."""
    return Submission.objects.create(
        user=user, round_question=round_question, question=round_question.question, kind=kind, language="python",
        source="print(1)", status=status, verdict=verdict if status == Submission.Status.DONE else "",
        finished_at=when if status == Submission.Status.DONE else None,
    )


def paired_round(interviewer, candidate, slug: str, start: datetime):
    """A running paired round of one question, `candidate` answering."""
    question = Question.objects.get(slug=slug)
    session = paired_services.paired_session_create(
        interviewer=interviewer, stage=question.stages.get(), questions=[question], now=start)
    _, token = paired_services.invite_create(session=session, now=start)
    paired_services.invite_accept(token=token, user=candidate, now=start)
    return round_services.round_start(round=session.rounds.get(), now=start)


def release_scorecard(stage_round, interviewer, rating: str, when: datetime):
    note_services.scorecard_save(round=stage_round, interviewer=interviewer, recommendation=rating,
                                 feedback="Feedback.", ratings={key: rating for key, _ in scorecard_items(stage_round)})
    return note_services.scorecard_release(round=stage_round, now=when)


def card(user, slug: str) -> ReviewCard:
    return ReviewCard.objects.get(owner=user, question__slug=slug)
