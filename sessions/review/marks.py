"""What a user has done with each question, for the marks in the question bank (registered in `sessions.apps`).

- a coding question is *solved* once the user has a Submit with verdict AC on it, *attempted* when they
  ran or submitted code on it, or it came up in a round they answered, without an AC Submit;
- any other question is *practised* once it came up in a round they answered.

"A round they answered" is `progress.answered_rounds` (their solo rounds, the paired rounds where they are
the candidate), once it started, and only the questions `history.visible_round_questions` lets them see:
a live paired round's candidate gets no mark for a question not put on screen yet. Only the user's own rows
are read; two queries, whatever the page holds.
"""

from __future__ import annotations

from django.db.models import Count, Q

from questions.models import Question
from sessions.models import Round, RoundQuestion, Submission
from sessions.review.history import visible_round_questions
from sessions.review.progress import answered_rounds

SOLVED, ATTEMPTED, PRACTISED = "solved", "attempted", "practised"


def question_marks(user, question_ids: list[int]) -> dict[int, str]:
    """{question id: mark} for the questions in `question_ids` that `user` has done anything with."""
    runs = (
        Submission.objects.filter(user=user, question_id__in=question_ids)
        .values("question_id")
        .annotate(accepted=Count("pk", filter=Q(kind=Submission.Kind.SUBMIT, verdict="AC")))
    )
    ran = {row["question_id"]: row["accepted"] > 0 for row in runs}
    answered = (
        RoundQuestion.objects.filter(answered_rounds(user, "round__"), visible_round_questions(user),
                                     question_id__in=question_ids)
        .exclude(round__status=Round.Status.PENDING)
        .values_list("question_id", "question__kind")
        .distinct()
    )
    marks = {question_id: SOLVED if accepted else ATTEMPTED for question_id, accepted in ran.items()}
    for question_id, kind in answered:
        if question_id not in marks:
            marks[question_id] = ATTEMPTED if kind == Question.Kind.CODING else PRACTISED
    return marks
