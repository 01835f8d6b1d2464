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

from questions.access import is_guest, live_candidate_question_ids
from sessions.models import Guest, InterviewSession, Recording, ReviewCard, Round, RoundEvent, RoundQuestion, Submission


class Role(enum.StrEnum):
    SOLO = "solo"
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"


ANY_ROLE = frozenset(Role)
# Who answers: solo owners and paired candidates.
ANSWERING = frozenset({Role.SOLO, Role.CANDIDATE})
# Who sees interviewer-only text and writes notes: solo owners (about themselves) and interviewers.
REVIEWING = frozenset({Role.SOLO, Role.INTERVIEWER})


def guest_rule(user) -> bool:
    """Is this signed-in user a guest account? Registered as `questions.access.is_guest`'s rule (see apps.py)."""
    return Guest.objects.filter(user=user).exists()


def live_candidate_rule(user) -> set[int]:
    """Questions of the unfinished paired rounds where this signed-in user is the candidate.

    Registered as `questions.access.live_candidate_question_ids`'s rule (see apps.py); ask that.
    """
    return set(
        RoundQuestion.objects.filter(round__candidate=user, round__session__mode=InterviewSession.Mode.PAIRED)
        .exclude(round__status=Round.Status.FINISHED)
        .values_list("question_id", flat=True)
    )


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
    # The question on screen is shown by definition: the autosave, the hot path, asks nothing more.
    on_screen = round_question.pk == stage_round.current_id
    shown = None if on_screen else questions_shown(stage_round, stage_round.role)
    if shown is not None and round_question.pk not in shown:
        # Nothing of it, not even a save or a run: the candidate would learn what is coming.
        raise PermissionDenied("Your interviewer has not put this question on screen yet.")
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


def get_recording_for_user(user, recording_id: int, *, own: bool = False) -> Recording:
    """A recording is heard by the people in its round (a solo round's owner, both people of a paired
    round) and by nobody else (404). Only its owner, whose voice it is, sends its chunks, finishes or
    deletes it (`own`): their partner gets 403. `recording.round.role` is the user's role in the round."""
    recording = get_object_or_404(Recording.objects.select_related("round__session"), pk=recording_id)
    role = round_role(user, recording.round)
    if role is None:
        raise Http404("No such recording.")
    if own and recording.owner_id != user.pk:
        raise PermissionDenied("Only the person whose voice it is can change or delete a recording.")
    recording.round.role = role
    return recording


def get_card_for_user(user, card_id: int) -> ReviewCard:
    """A review card is its owner's alone: anyone else (a partner, an interviewer) gets 404."""
    card = get_object_or_404(ReviewCard.objects.select_related("question", "owner"), pk=card_id)
    if card.owner_id != user.pk:
        raise Http404("No such card.")
    return card


@dataclass(frozen=True)
class Visibility:
    """What a viewer may read of a round once they can reach it (pages, exports, share links, search).

    - `answers`: model answers, what a strong answer shows, rubrics, every hint and constraint;
    - `scorecard`: the scorecard (a draft for its interviewer; a candidate only once released);
    - `notes_author_id`: whose notes and structured sheets they may read, or None;
    - `interviewer_feedback`: the candidate's feedback on the interview, which both people in the round read;
    - `withheld`: ids of questions (not round questions) whose interviewer-only text this viewer may not read
      anywhere but as the candidate of this round: they are the candidate of an unfinished paired round on them;
    - `shown`: ids of the round questions the viewer may see at all, or None for every one of them.

    Ask `shows` and `answers_for` per question rather than reading the fields: they are the rule.
    """

    role: Role
    answers: bool
    scorecard: bool
    notes_author_id: int | None
    interviewer_feedback: bool
    withheld: frozenset[int] = frozenset()
    shown: frozenset[int] | None = None

    def withholds(self, question_id: int) -> bool:
        """Is this question's rubric text kept from the viewer here whatever their role (a live-candidate question)?"""
        return question_id in self.withheld

    def shows(self, round_question: RoundQuestion) -> bool:
        """May the viewer see this question of the round at all (its title, prompt, answer, runs)?"""
        return self.shown is None or round_question.pk in self.shown

    def answers_for(self, round_question: RoundQuestion) -> bool:
        """The one rule for interviewer-only text of one question in this round: its model answer, rubric,
        and the hints and constraints not given. Role first, then the live-candidate rule of `questions.access`."""
        return self.answers and self.shows(round_question) and round_question.question_id not in self.withheld

    def given_for(self, round_question: RoundQuestion) -> bool:
        """May the viewer read the hints and constraints this round gave its candidate on this question?

        Its candidate may (they were given them); anyone else only where `answers_for` would not be
        overruled by the live-candidate rule, so a round of one's own hands over nothing of a live round.
        """
        return self.shows(round_question) and round_question.question_id not in self.withheld


def questions_reached(stage_round: Round, *, events=None, questions=None) -> set[int]:
    """Ids of the round's questions its candidate was shown: the first once the round started, each one
    switched to, and the one on screen. `events` and `questions` may be prefetched rows of the round."""
    if events is None:
        switched = RoundEvent.objects.filter(
            round=stage_round, kind=RoundEvent.Kind.SWITCH, round_question__isnull=False
        ).values_list("round_question_id", flat=True)
    else:
        switched = [e.round_question_id for e in events if e.kind == RoundEvent.Kind.SWITCH]
    reached = set(switched)
    if stage_round.started_at is not None:
        if questions is None:
            reached.add(stage_round.questions.order_by("order").values_list("pk", flat=True).first())
        else:
            first = min(questions, key=lambda rq: rq.order, default=None)
            reached.add(first.pk if first else None)
    reached.add(stage_round.current_id)
    reached.discard(None)
    return reached


def questions_shown(stage_round: Round, role: Role, *, events=None, questions=None) -> frozenset[int] | None:
    """Ids of the round questions a viewer in `role` may see at all, or None for all of them.

    A paired candidate sees a question only once the interviewer has put it on screen
    (`questions_reached`), so until the round is over that is all they see of the round
    (nothing before it starts). Once it is over, the round's questions are theirs to look back on.
    """
    if role != Role.CANDIDATE or stage_round.status == Round.Status.FINISHED:
        return None
    if stage_round.status == Round.Status.PENDING:
        return frozenset()
    return frozenset(questions_reached(stage_round, events=events, questions=questions))


def round_visibility(
    stage_round: Round, role: Role, *, viewer=None, live_ids: set[int] | None = None, events=None, questions=None
) -> Visibility:
    """The one rule for interviewer-only text. A share link (for a mentor) views as the CANDIDATE role.

    With `viewer` (or their `live_candidate_question_ids`, as `live_ids`, when looping over rounds) the
    questions they are the live candidate of elsewhere are withheld; without, nobody's are (a share link).
    `events` and `questions`: prefetched rows of the round, for `questions_reached`.
    `stage_round.scorecard` is read when the role is CANDIDATE; prefetch it when looping.
    """
    withheld = frozenset()
    # The candidate of this very round, while it runs, keeps what it gives them (and sees no answers anyway).
    live_here = role == Role.CANDIDATE and stage_round.status != Round.Status.FINISHED
    if not live_here and (viewer is not None or live_ids is not None):
        withheld = frozenset(live_ids if live_ids is not None else live_candidate_question_ids(viewer))
    shown = questions_shown(stage_round, role, events=events, questions=questions)
    if role == Role.SOLO:
        return Visibility(
            role, answers=True, scorecard=False, notes_author_id=stage_round.session.owner_id, interviewer_feedback=False,
            withheld=withheld, shown=shown,
        )
    if role == Role.INTERVIEWER:
        return Visibility(
            role, answers=True, scorecard=True, notes_author_id=stage_round.interviewer_id, interviewer_feedback=True,
            withheld=withheld, shown=shown,
        )
    scorecard = stage_round.scorecard_or_none
    released = scorecard is not None and scorecard.released_at is not None
    shared_notes = released and scorecard.share_notes
    return Visibility(
        role, answers=False, scorecard=released,
        notes_author_id=stage_round.interviewer_id if shared_notes else None, interviewer_feedback=True,
        withheld=withheld, shown=shown,
    )
