"""Who may see what of a question. Every view that shows question text asks here.

The prompt, examples and guidance are public. Model answers, hints, follow-up
constraints and rubrics are study material for signed-in users. Paired rounds
(a later issue) narrow this: a user who is the candidate of a live paired round
on a question must not reach that question's interviewer-only text.
"""

from questions.models import Question


def can_view_answers(user, question: Question) -> bool:
    return bool(user and user.is_authenticated)
