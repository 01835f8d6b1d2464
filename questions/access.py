"""Who may see what of a question. Every view that shows question text asks here.

The prompt, examples and guidance are public. Model answers, hints, follow-up
constraints and rubrics are study material for signed-in users, with two exceptions:
- a guest (someone who joined a paired session by invite, with no account) never sees them;
- a user who is the candidate of an unfinished paired round on this question does not
  see them until that round ends, or the bank would answer the interview for them.
"""

from questions.models import Question


def can_view_answers(user, question: Question) -> bool:
    if not (user and user.is_authenticated):
        return False
    # Imported here: the sessions app depends on questions, not the other way round.
    from sessions.models import Guest, RoundQuestion

    if Guest.objects.filter(user=user).exists():
        return False
    live_candidate = RoundQuestion.objects.filter(
        question=question, round__candidate=user, round__session__mode="paired"
    ).exclude(round__status="finished")
    return not live_candidate.exists()
