"""A user's progress over time, from the rounds they answered (solo, or as a paired round's candidate).

- Per stage, round by round: the self-assessment's average (1 to 4) next to the interviewer's
  ratings (strong no .. strong yes read as 1 .. 4). A candidate's scorecard counts only once it
  is released: `round_visibility` decides, as it does everywhere a round is shown.
- Coding: the share of judged Submits that passed (verdict AC), by problem and by tag. A run
  (examples only), a submit still waiting, and one the runner could not carry out do not count.
- Concept questions: the self-grades (Again, Hard, Good, Easy read as 1 .. 4), day by day.
- As an interviewer: how the candidates rated the interviews you gave (1 to 4 per statement).

`progress_report` reads all of it in five queries, however much practice there is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from questions.models import Question
from sessions.access import round_role, round_visibility
from sessions.models import InterviewerFeedback, InterviewSession, Round, RoundQuestion, Scorecard, Submission
from sessions.review import charts

RATING_SCORES = Scorecard.SCORES
GRADE_SCORES = RoundQuestion.GRADE_SCORES
SCORE_TICKS = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]
GRADE_TICKS = [(score, label) for (_, label), score in zip(RoundQuestion.Grade.choices, range(1, 5))]


def answered_rounds(user, prefix: str = "") -> Q:
    """Rounds `user` answered, as a filter on Round (or, with `prefix`, on a model reaching it)."""
    return Q(**{f"{prefix}session__mode": InterviewSession.Mode.SOLO, f"{prefix}session__owner": user}) | Q(
        **{f"{prefix}session__mode": InterviewSession.Mode.PAIRED, f"{prefix}candidate": user}
    )


@dataclass
class StagePoint:
    when: datetime
    round_title: str
    session_id: int
    paired: bool
    self_score: float | None
    interviewer_score: float | None
    # A scorecard that came in with an import: listed, but never drawn as an interviewer's feedback here.
    imported_score: float | None = None

    @property
    def self_text(self) -> str:
        return "" if self.self_score is None else charts.format_number(self.self_score)

    @property
    def interviewer_text(self) -> str:
        if self.imported_score is not None:
            return f"{charts.format_number(self.imported_score)} (imported scorecard)"
        return "" if self.interviewer_score is None else charts.format_number(self.interviewer_score)


@dataclass
class StageProgress:
    title: str
    points: list[StagePoint] = field(default_factory=list)
    chart: str = ""


@dataclass(frozen=True)
class PassRate:
    label: str
    passed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.passed / self.total) if self.total else 0


@dataclass
class GradeDay:
    day: date
    counts: dict[str, int]  # grade value -> how many that day

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> float:
        return sum(GRADE_SCORES[grade] * n for grade, n in self.counts.items()) / self.total

    @property
    def average_text(self) -> str:
        return charts.format_number(self.average)


@dataclass
class InterviewingScore:
    statement: str
    average: float
    count: int  # interviews rated on it

    @property
    def average_text(self) -> str:
        return charts.format_number(self.average)


@dataclass
class ProgressReport:
    stages: list[StageProgress]
    by_problem: list[PassRate]
    by_tag: list[PassRate]
    grades: list[GradeDay]
    interviewing: list[InterviewingScore] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.stages or self.by_problem or self.grades or self.interviewing)


def progress_report(*, user) -> ProgressReport:
    """Everything the progress page shows for `user`, charts included."""
    question = "round_question__question"
    report = ProgressReport(
        stages=_stage_progress(user),
        by_problem=_pass_rates(user, group_by=f"{question}_id", label=f"{question}__title"),
        by_tag=_pass_rates(user, group_by=f"{question}__tags__name", label=f"{question}__tags__name"),
        grades=_grade_days(user),
        interviewing=_interviewing(user),
    )
    _draw(report)
    return report


def _interviewing(user) -> list[InterviewingScore]:
    """The candidates' feedback on the interviews `user` gave, averaged per statement."""
    given = defaultdict(list)
    for ratings in InterviewerFeedback.objects.filter(round__interviewer=user).values_list("ratings", flat=True):
        for key, rating in ratings.items():
            given[key].append(rating)
    return [
        InterviewingScore(statement, sum(given[key]) / len(given[key]), len(given[key]))
        for key, statement in InterviewerFeedback.ASPECTS if given[key]
    ]


def _average(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _self_score(stage_round: Round) -> float | None:
    ratings = stage_round.self_assessment if isinstance(stage_round.self_assessment, dict) else {}
    return _average(v if isinstance(v, int) and 1 <= v <= 4 else None for v in ratings.values())


def _interviewer_score(scorecard: Scorecard) -> float | None:
    """The ratings' average; the overall recommendation when nothing was rated (a stage without a rubric)."""
    ratings = scorecard.ratings if isinstance(scorecard.ratings, dict) else {}
    return _average(RATING_SCORES.get(v) for v in ratings.values()) or RATING_SCORES.get(scorecard.recommendation)


def _stage_progress(user) -> list[StageProgress]:
    rounds = (
        Round.objects.filter(answered_rounds(user), status=Round.Status.FINISHED)
        .filter(Q(assessed_at__isnull=False) | Q(scorecard__released_at__isnull=False))
        .select_related("session", "stage__loop", "scorecard")
        .order_by("ended_at", "id")
    )
    by_stage: dict[object, StageProgress] = {}
    for stage_round in rounds:
        visible = round_visibility(stage_round, round_role(user, stage_round))
        interviewer = _interviewer_score(stage_round.scorecard) if visible.scorecard else None
        imported = None
        if stage_round.session.is_imported:
            imported, interviewer = interviewer, None
        own = _self_score(stage_round)
        if own is None and interviewer is None and imported is None:
            continue
        stage = stage_round.stage
        key = stage.pk if stage else ("removed", stage_round.title)
        title = f"{stage.loop.name} · {stage.title}" if stage else stage_round.title
        by_stage.setdefault(key, StageProgress(title=title)).points.append(StagePoint(
            when=stage_round.ended_at or stage_round.started_at, round_title=stage_round.title,
            session_id=stage_round.session_id, paired=stage_round.session.is_paired,
            self_score=own, interviewer_score=interviewer, imported_score=imported,
        ))
    return sorted(by_stage.values(), key=lambda stage: stage.title)


def _pass_rates(user, *, group_by: str, label: str) -> list[PassRate]:
    rows = (
        Submission.objects.filter(answered_rounds(user, "round_question__round__"), user=user)
        .filter(kind=Submission.Kind.SUBMIT, status=Submission.Status.DONE)
        .exclude(**{f"{group_by}__isnull": True})
        .values(*dict.fromkeys((group_by, label)))
        .annotate(total=Count("id"), passed=Count("id", filter=Q(verdict="AC")))
        .order_by(label, group_by)
    )
    return [PassRate(label=row[label], passed=row["passed"], total=row["total"]) for row in rows]


def _grade_days(user) -> list[GradeDay]:
    grades = (
        RoundQuestion.objects.filter(answered_rounds(user, "round__"), question__kind=Question.Kind.CONCEPT)
        .filter(self_grade__in=GRADE_SCORES, graded_at__isnull=False)
        .order_by("graded_at", "id")
        .values_list("graded_at", "self_grade")
    )
    days: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GRADE_SCORES, 0))
    for graded_at, grade in grades:
        days[timezone.localdate(graded_at)][grade] += 1
    return [GradeDay(day=day, counts=counts) for day, counts in days.items()]


def day_label(moment: date | datetime) -> str:
    day = timezone.localdate(moment) if isinstance(moment, datetime) else moment
    return f"{day.day} {day:%b %Y}"


def _draw(report: ProgressReport) -> None:
    """The charts, drawn from the same numbers the page's tables show."""
    for number, stage in enumerate(report.stages):
        stage.chart = charts.line_chart(
            chart_id=f"stage-{number}", title=f"{stage.title}: scores per round",
            description="Self-assessment and interviewer ratings per round, from 1 (weak, strong no) "
                        "to 4 (strong, strong yes).",
            x_labels=[day_label(point.when) for point in stage.points],
            series=[
                charts.Series("Self-assessment", [point.self_score for point in stage.points], join_gaps=True),
                charts.Series("Interviewer", [point.interviewer_score for point in stage.points], join_gaps=True),
            ],
            y_min=1, y_max=4, y_ticks=SCORE_TICKS,
        )
    for key, rates, what in (("problems", report.by_problem, "problem"), ("tags", report.by_tag, "tag")):
        report.charts[key] = charts.bar_chart(
            chart_id=f"pass-{key}", title=f"Coding pass rate by {what}",
            description=f"The share of judged submits that passed every test, by {what}.",
            labels=[rate.label for rate in rates], values=[rate.percent for rate in rates], max_value=100,
            value_labels=[f"{rate.passed} of {rate.total} · {rate.percent}%" for rate in rates],
        )
    report.charts["grades"] = charts.line_chart(
        chart_id="concept-grades", title="Concept self-grades per day",
        description="The average self-grade of concept questions each day, from 1 (Again) to 4 (Easy).",
        x_labels=[day_label(day.day) for day in report.grades],
        series=[charts.Series("Average self-grade", [day.average for day in report.grades])],
        y_min=1, y_max=4, y_ticks=GRADE_TICKS,
    )
