"""Who may see or change what in the sessions app. Every view gets its objects through here.

A user's role in a round is one of:
- SOLO: the owner of a solo session (they are their own candidate and reviewer);
- INTERVIEWER or CANDIDATE: a participant of a paired round (roles can swap between rounds).

Anyone else gets 404, not 403, so they cannot even learn that a session exists. A
participant asking for something their role may not do gets 403.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from sessions.models import InterviewSession, Round, RoundQuestion, Submission


class Role(enum.StrEnum):
    SOLO = "solo"
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"


ANY_ROLE = frozenset(Role)
# Who answers: solo owners and paired candidates.
ANSWERING = frozenset({Role.SOLO, Role.CANDIDATE})
# Who sees interviewer-only text and writes notes: solo owners (about themselves) and interviewers.
REVIEWING = frozenset({Role.SOLO, Role.INTERVIEWER})


def round_role(user, stage_round: Round) -> Role | None:
    session = stage_round.session
    if not user.is_authenticated:
        return None
    if session.mode == InterviewSession.Mode.SOLO:
        return Role.SOLO if session.owner_id == user.pk else None
    if stage_round.interviewer_id == user.pk:
        return Role.INTERVIEWER
    if stage_round.candidate_id == user.pk:
        return Role.CANDIDATE
    return None


def is_participant(user, session: InterviewSession) -> bool:
    return user.is_authenticated and user.pk in (session.owner_id, session.partner_id)


def require_own_account(user) -> None:
    """Guests exist to take part in the session they joined; practising on their own needs an account."""
    from questions.access import is_guest

    if is_guest(user):
        raise PermissionDenied("Guest access covers the interview you were invited to. Choose a username and password for this account to practise on your own.")


def get_session_for_user(user, session_id: int, *, owner_only: bool = False) -> InterviewSession:
    session = get_object_or_404(InterviewSession.objects.select_related("loop", "partner__guest"), pk=session_id)
    if not is_participant(user, session):
        raise Http404("No such session.")
    if owner_only and session.owner_id != user.pk:
        raise PermissionDenied("Only the person who set up this session can do that.")
    return session


def get_round_for_user(user, round_id: int, *, roles=ANY_ROLE) -> Round:
    """The round, with `round.role` set to the user's role in it."""
    stage_round = get_object_or_404(
        Round.objects.select_related("session", "stage__loop", "current"), pk=round_id
    )
    role = round_role(user, stage_round)
    if role is None:
        raise Http404("No such round.")
    if role not in roles:
        raise PermissionDenied(_refusal(role))
    stage_round.role = role
    return stage_round


def _refusal(role: Role) -> str:
    if role == Role.CANDIDATE:
        return "That is for the interviewer of this round."
    if role == Role.INTERVIEWER:
        return "That is for the candidate of this round."
    return "Not available in a solo round."


def get_round_question_for_user(user, round_id: int, number: int, *, roles=ANY_ROLE) -> RoundQuestion:
    """`number` is the question's 1-based position in its round, as shown in URLs."""
    stage_round = get_round_for_user(user, round_id, roles=roles)
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


@dataclass(frozen=True)
class Visibility:
    """What a viewer may read of a round once they can reach it (pages, exports, share links, search).

    - `answers`: model answers, what a strong answer shows, rubrics, every hint and constraint;
    - `scorecard`: the scorecard (a draft for its interviewer; a candidate only once released);
    - `notes_author_id`: whose notes and structured sheets they may read, or None;
    - `interviewer_feedback`: the candidate's feedback on the interview, which both people in the round read.
    """

    role: Role
    answers: bool
    scorecard: bool
    notes_author_id: int | None
    interviewer_feedback: bool


def round_visibility(stage_round: Round, role: Role) -> Visibility:
    """The one rule for interviewer-only text. A share link (for a mentor) views as the CANDIDATE role.

    `stage_round.scorecard` is read when the role is CANDIDATE; prefetch it when looping.
    """
    if role == Role.SOLO:
        return Visibility(
            role, answers=True, scorecard=False, notes_author_id=stage_round.session.owner_id, interviewer_feedback=False
        )
    if role == Role.INTERVIEWER:
        return Visibility(
            role, answers=True, scorecard=True, notes_author_id=stage_round.interviewer_id, interviewer_feedback=True
        )
    scorecard = stage_round.scorecard_or_none
    released = scorecard is not None and scorecard.released_at is not None
    shared_notes = released and scorecard.share_notes
    return Visibility(
        role, answers=False, scorecard=released,
        notes_author_id=stage_round.interviewer_id if shared_notes else None, interviewer_feedback=True,
    )
