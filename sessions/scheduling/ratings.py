"""How what happened to a question in a round becomes an FSRS rating. The one table; README.md shows it.

| kind | rating |
|---|---|
| concept | the self-grade as it is (Again, Hard, Good, Easy); without one, the interviewer's released rating |
| coding | the first judged Submit accepted with no hint: Good, or Easy within half the question's time; accepted after hints or after earlier Submits failed: Hard; never accepted by the end: Again (a coding round shows no model answer until it ends) |
| design, behavioural | the interviewer's rating once released (it wins); otherwise the round's self-assessment (its mean, 1 to 4) |

A question nobody touched (no time on it, nothing written, nothing run) gives no rating; nor does a coding
question whose last Submit is still being judged (it is rated once the verdict arrives).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sessions.models import CardReview, Round, RoundQuestion, Scorecard, Submission

Rating = CardReview.Rating
Source = CardReview.Source

GRADE_RATINGS = RoundQuestion.GRADE_SCORES  # Again..Easy are FSRS's 1..4
INTERVIEWER_SCORES = Scorecard.SCORES
# A first-try accept within this share of the question's time is Easy.
FAST_SHARE = 0.5


@dataclass(frozen=True)
class Decision:
    rating: int  # CardReview.Rating
    source: str  # CardReview.Source
    reason: str
    reviewed_at: datetime


def _from_score(mean: float) -> int:
    """A 1..4 mean read as a rating: 2.5 and above is Good, 3.5 and above Easy."""
    return max(Rating.AGAIN, min(Rating.EASY, int(mean + 0.5)))


def interviewer_rating(round_question: RoundQuestion, scorecard: Scorecard | None) -> Decision | None:
    """The released scorecard's word on this question: its rubric items, else the stage's, else the recommendation."""
    if scorecard is None or not scorecard.is_released:
        return None
    ratings = scorecard.ratings
    item_ids = [f"question:{item.pk}" for item in round_question.question.rubric_items.all()]
    scores = [INTERVIEWER_SCORES[ratings[key]] for key in item_ids if ratings.get(key) in INTERVIEWER_SCORES]
    if not scores:
        scores = [INTERVIEWER_SCORES[value] for key, value in ratings.items()
                  if key.startswith("stage:") and value in INTERVIEWER_SCORES]
    if not scores and scorecard.recommendation in INTERVIEWER_SCORES:
        scores = [INTERVIEWER_SCORES[scorecard.recommendation]]
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    return Decision(_from_score(mean), Source.INTERVIEWER, f"interviewer's rating {mean:.1f} of 4",
                    scorecard.released_at)


def was_touched(round_question: RoundQuestion, submissions: Sequence[Submission]) -> bool:
    if submissions or round_question.self_grade or round_question.seconds_spent > 0:
        return True
    return any(getattr(round_question, field) for field in RoundQuestion.ANSWER_FIELDS if field != "code")


def decide(round_question: RoundQuestion, *, stage_round: Round, submissions: Sequence[Submission],
           scorecard: Scorecard | None, question_seconds: float, hint_times: Sequence[datetime] = ()) -> Decision | None:
    """The rating this question earns from its finished round, or None when it earns none (yet).

    `submissions` are this round question's runs; `question_seconds` its share of the round's time;
    `hint_times` when each of its hints was revealed (a hint read after the accepted Submit helped nothing).
    """
    if stage_round.status != Round.Status.FINISHED or not was_touched(round_question, submissions):
        return None
    kind = round_question.question.kind
    if kind == "coding":
        return _coding(round_question, stage_round, submissions, question_seconds, hint_times)
    interviewer = interviewer_rating(round_question, scorecard)
    if kind == "concept":
        if round_question.self_grade:
            return Decision(GRADE_RATINGS[round_question.self_grade], Source.SELF_GRADE,
                            f"self-graded {round_question.get_self_grade_display()}",
                            round_question.graded_at or stage_round.ended_at)
        return interviewer
    if interviewer is not None:
        return interviewer
    scores = [value for value in stage_round.self_assessment.values() if value in (1, 2, 3, 4)]
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    return Decision(_from_score(mean), Source.SELF_ASSESSMENT, f"self-assessment {mean:.1f} of 4",
                    stage_round.assessed_at or stage_round.ended_at)


def _coding(round_question: RoundQuestion, stage_round: Round, submissions: Sequence[Submission],
            question_seconds: float, hint_times: Sequence[datetime]) -> Decision | None:
    submits = sorted((s for s in submissions if s.kind == Submission.Kind.SUBMIT), key=lambda s: (s.created_at, s.pk))
    if any(not s.is_final for s in submits):
        return None  # rated when the verdict arrives
    judged = [s for s in submits if s.status == Submission.Status.DONE]
    accepted = next((i for i, s in enumerate(judged) if s.verdict == "AC"), None)
    if accepted is None:
        return Decision(Rating.AGAIN, Source.VERDICT, "no Submit accepted by the end of the round",
                        stage_round.ended_at)
    passed = judged[accepted]
    when = passed.finished_at or passed.created_at
    hints = sum(1 for revealed in hint_times if revealed <= passed.created_at)
    if hints or accepted > 0:
        helps = []
        if hints:
            helps.append(f"{hints} hint{'s' if hints > 1 else ''}")
        if accepted:
            helps.append(f"{accepted} failed Submit{'s' if accepted > 1 else ''}")
        return Decision(Rating.HARD, Source.VERDICT, f"accepted after {' and '.join(helps)}", when)
    if round_question.seconds_spent <= FAST_SHARE * question_seconds:
        return Decision(Rating.EASY, Source.VERDICT, "accepted at the first Submit, in under half its time", when)
    return Decision(Rating.GOOD, Source.VERDICT, "accepted at the first Submit", when)
