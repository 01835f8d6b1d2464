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

from questions.models import Question


def is_guest(user) -> bool:
    from sessions.models import Guest  # the sessions app depends on questions, not the other way round

    return bool(user and user.is_authenticated) and Guest.objects.filter(user=user).exists()


def live_candidate_question_ids(user) -> set[int]:
    """Questions of the unfinished paired rounds where this user is the candidate."""
    if not (user and user.is_authenticated):
        return set()
    from sessions.models import RoundQuestion

    return set(
        RoundQuestion.objects.filter(round__candidate=user, round__session__mode="paired")
        .exclude(round__status="finished")
        .values_list("question_id", flat=True)
    )


def can_view_answers(user, question: Question) -> bool:
    if not (user and user.is_authenticated) or is_guest(user):
        return False
    return question.pk not in live_candidate_question_ids(user)
