"""The headline numbers at the top of a round's summary, from what `round_summary` already fetched (no queries).

One tile per thing that was scored:
- each coding question: the tests its last Submit passed (a Run checks the visible examples only, so it
  does not count: the tile says so when there are Runs but no Submit);
- the concept questions' self-grades;
- the self-assessment's mean over the stage's rubric, for whoever answered (never on the interviewer's page);
- the interviewer's recommendation, only when `round_summary` has a scorecard, i.e. when `round_visibility`
  lets the viewer see it (a candidate: once released; the interviewer: their own, marked as a draft until then).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import dateformat, timezone

from questions.models import Question
from sessions.access import Role
from sessions.models import RoundQuestion, Scorecard, Submission

GOOD_GRADES = {RoundQuestion.Grade.GOOD, RoundQuestion.Grade.EASY}
GOOD_RECOMMENDATIONS = {Scorecard.Rating.YES, Scorecard.Rating.STRONG_YES}


@dataclass(frozen=True)
class Score:
    label: str
    value: str
    detail: str = ""
    tone: str = "neutral"  # good, bad, neutral: a colour, always with the words that say the same


def score_header(*, questions: list[RoundQuestion], rubric: list, role: str, scorecard: Scorecard | None,
                 imported: bool = False) -> list[Score]:
    """The tiles, in the page's order: coding, concept grades, self-assessment, recommendation."""
    scores = [_coding(rq) for rq in questions if rq.question.kind == Question.Kind.CODING]
    concept = [rq for rq in questions if rq.question.kind == Question.Kind.CONCEPT]
    if concept:
        scores.append(_grades(concept))
    if role != Role.INTERVIEWER and rubric:
        scores.append(_self_assessment(rubric))
    if scorecard is not None and scorecard.recommendation:
        scores.append(_recommendation(scorecard, role, imported))
    return scores


def _coding(rq: RoundQuestion) -> Score:
    label = f"{rq.order + 1}. {rq.question.title}"
    runs = list(rq.submissions.all())  # prefetched, oldest first
    submits = [run for run in runs if run.kind == Submission.Kind.SUBMIT and run.status == Submission.Status.DONE]
    if not submits:
        detail = "Runs check the examples only; no Submit" if runs else "Not submitted"
        return Score(label, "—", detail)
    last = submits[-1]
    passed, total = last.results.get("passed"), last.results.get("total")
    value = f"{passed}/{total} tests" if total else last.verdict or "Judged"
    accepted = last.verdict == "AC"
    verdict = last.verdict or last.get_status_display()
    detail = "Last Submit: all tests passed" if accepted else f"Last Submit: {verdict}"
    return Score(label, value, detail, "good" if accepted else "bad")


def _grades(concept: list[RoundQuestion]) -> Score:
    graded = [rq for rq in concept if rq.self_grade]
    if not graded:
        return Score("Concept self-grades", "—", f"None of {len(concept)} graded")
    good = sum(1 for rq in graded if rq.self_grade in GOOD_GRADES)
    detail = ", ".join(rq.get_self_grade_display() for rq in graded)
    if len(graded) < len(concept):
        detail += f" ({len(graded)} of {len(concept)} graded)"
    return Score("Concept self-grades", f"{good}/{len(graded)} Good or Easy", detail,
                 "good" if good == len(graded) else "neutral")


def _self_assessment(rubric: list) -> Score:
    ratings = [item.rating for item in rubric if item.rating]
    if not ratings:
        return Score("Self-assessment", "—", "Not assessed yet: rate yourself below")
    mean = sum(ratings) / len(ratings)
    return Score("Self-assessment", f"{mean:.1f} / 4", f"Mean of {len(ratings)} of {len(rubric)} rubric items",
                 "good" if mean >= 3 else "bad" if mean < 2 else "neutral")


def _recommendation(scorecard: Scorecard, role: str, imported: bool) -> Score:
    label = "Imported recommendation" if imported else "Interviewer's recommendation"
    if imported:
        detail = "From another instance"
    elif role == Role.INTERVIEWER and not scorecard.is_released:
        label, detail = "Your recommendation", "Draft: not released"
    else:
        released = scorecard.released_at
        detail = f"Released {dateformat.format(timezone.localtime(released), 'j M')}" if released else ""
    tone = "good" if scorecard.recommendation in GOOD_RECOMMENDATIONS else "bad"
    return Score(label, scorecard.get_recommendation_display(), detail, tone)
