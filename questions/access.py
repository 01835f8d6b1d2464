"""Who may see what of a question. Every view that shows question text asks here.

The prompt, examples and guidance are public, and so are a stage's rubric items (what the
stage is judged on, shown on the loop page). Model answers, hints, follow-up constraints and
question rubrics are study material for signed-in users, with two exceptions:
- a guest (someone who joined a paired session by invite, with no account) never sees them
  outside the rounds where they interview;
- while a user is the candidate of an unfinished paired round, the questions of that round
  show them nowhere: not in the bank, not in a solo round or a session of their own.

`can_view_answers` is the rule in the bank. Inside a round, `sessions.access.Visibility.answers_for`
applies it together with the viewer's role there; every page, reveal, export and search asks that.
"""

from collections.abc import Callable

from questions.models import Question

# The two rules above depend on who takes part in which paired round, which the sessions app knows and this
# app must not import (sessions depends on questions). Sessions registers them when it is ready
# (`sessions.apps`); until then, or without that app, nobody is a guest and nothing is withheld.
UserRule = Callable[[object], bool]
QuestionIdsRule = Callable[[object], set[int]]


def _no_guests(user) -> bool:
    return False


def _no_live_rounds(user) -> set[int]:
    return set()


_guest_rule: UserRule = _no_guests
_live_candidate_rule: QuestionIdsRule = _no_live_rounds


def register_guest_rule(rule: UserRule) -> None:
    """Install the rule that says whether a user is a guest (an invited account with no password)."""
    global _guest_rule
    _guest_rule = rule


def register_live_candidate_rule(rule: QuestionIdsRule) -> None:
    """Install the rule that lists the questions of the unfinished paired rounds where a user is the candidate."""
    global _live_candidate_rule
    _live_candidate_rule = rule


def is_guest(user) -> bool:
    return bool(user and user.is_authenticated) and _guest_rule(user)


def live_candidate_question_ids(user) -> set[int]:
    """Questions of the unfinished paired rounds where this user is the candidate."""
    if not (user and user.is_authenticated):
        return set()
    return _live_candidate_rule(user)


def can_view_answers(user, question: Question) -> bool:
    if not (user and user.is_authenticated) or is_guest(user):
        return False
    return question.pk not in live_candidate_question_ids(user)
