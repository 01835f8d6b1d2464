"""Who may see or change what in the sessions app. Every view gets its objects through here.

Outsiders get 404, not 403, so they cannot even learn that a session exists.
Paired rounds (a later issue) add the interviewer and candidate roles here.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from sessions.models import InterviewSession, Round, RoundQuestion, Submission


def get_session_for_user(user, session_id: int) -> InterviewSession:
    session = get_object_or_404(InterviewSession.objects.select_related("loop"), pk=session_id)
    if session.owner_id != user.pk:
        raise Http404("No such session.")
    return session


def get_round_for_user(user, round_id: int) -> Round:
    stage_round = get_object_or_404(
        Round.objects.select_related("session", "stage__loop", "current"), pk=round_id
    )
    if stage_round.session.owner_id != user.pk:
        raise Http404("No such round.")
    return stage_round


def get_round_question_for_user(user, round_id: int, number: int) -> RoundQuestion:
    """`number` is the question's 1-based position in its round, as shown in URLs."""
    stage_round = get_round_for_user(user, round_id)
    round_question = (
        RoundQuestion.objects.select_related("question")
        .filter(round=stage_round, order=number - 1)
        .first()
    )
    if round_question is None:
        raise Http404("No such question in this round.")
    round_question.round = stage_round
    return round_question


# The run-result poll is the hottest URL: load only what its fragment shows.
RESULT_FIELDS = ("user_id", "kind", "status", "verdict", "stdout", "stderr", "compile_output", "results",
                 "time_ms", "memory_kb", "message")


def get_submission_for_user(user, submission_id: int) -> Submission:
    submission = get_object_or_404(Submission.objects.only(*RESULT_FIELDS), pk=submission_id)
    if submission.user_id != user.pk:
        raise Http404("No such run.")
    return submission
