"""The reviews' progress: how much is remembered, what falls due in the next 30 days, and each stage's cards.

- Retention, measured: of the last 30 days' reviews of cards reviewed before, the share not rated Again
  (what FSRS aims at with the desired retention). Retention, predicted: FSRS's average chance of recall
  today over the cards reviewed so far.
- Forecast: for each of the next 30 days, the cards falling due that day (today also holds the overdue ones).
- Per stage: of the cards reviewed at least once, the share whose last rating was Good or Easy.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Min
from django.utils import timezone

from questions.models import Question, Stage
from sessions.models import CardReview, ReviewCard
from sessions.review import charts
from sessions.scheduling.queue import day_bounds
from sessions.scheduling.scheduler import retrievability, scheduler_for, settings_for

FORECAST_DAYS = 30
RETENTION_WINDOW_DAYS = 30


@dataclass(frozen=True)
class ForecastDay:
    day: date
    count: int


@dataclass(frozen=True)
class StageShare:
    stage: str  # "Loop: Stage", for the table
    short: str  # the stage's title alone, for the chart's axis (the loop name would fill it)
    good: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.good / self.total) if self.total else 0


@dataclass
class ReviewReport:
    cards: int
    new: int
    suspended: int
    measured_retention: float | None  # 0..1
    measured_reviews: int
    predicted_retention: float | None  # 0..1
    desired_retention: float
    forecast: list[ForecastDay] = field(default_factory=list)
    stages: list[StageShare] = field(default_factory=list)
    forecast_chart: str = ""
    stages_chart: str = ""

    @staticmethod
    def percent(share: float | None) -> str:
        return "—" if share is None else f"{100 * share:.0f}%"

    @property
    def measured_text(self) -> str:
        return self.percent(self.measured_retention)

    @property
    def predicted_text(self) -> str:
        return self.percent(self.predicted_retention)

    @property
    def desired_text(self) -> str:
        return self.percent(self.desired_retention)


def _measured_retention(user, now: datetime) -> tuple[float | None, int]:
    since = now - timedelta(days=RETENTION_WINDOW_DAYS)
    recent = list(CardReview.objects.filter(card__owner=user, reviewed_at__gte=since)
                  .values_list("card_id", "reviewed_at", "rating"))
    if not recent:
        return None, 0
    first_review = dict(
        CardReview.objects.filter(card_id__in={card_id for card_id, _, _ in recent})
        .values("card_id").annotate(first=Min("reviewed_at")).values_list("card_id", "first")
    )
    repeats = [rating for card_id, when, rating in recent if when > first_review[card_id]]
    if not repeats:
        return None, 0
    return sum(1 for rating in repeats if rating > CardReview.Rating.AGAIN) / len(repeats), len(repeats)


def review_report(user, *, now: datetime | None = None) -> ReviewReport:
    now = now or timezone.now()
    settings = settings_for(user)
    scheduler = scheduler_for(settings.desired_retention)
    cards = list(ReviewCard.objects.filter(owner=user).select_related("question"))
    reviewed = [card for card in cards if not card.is_new]
    active = [card for card in reviewed if not card.suspended]
    chances = [chance for card in active if (chance := retrievability(card, now, scheduler=scheduler)) is not None]
    measured, measured_count = _measured_retention(user, now)

    today_start, _ = day_bounds(now)
    by_day = Counter(max(0, (timezone.localtime(card.due).date() - today_start.date()).days) for card in active)
    forecast = [ForecastDay(today_start.date() + timedelta(days=i), by_day.get(i, 0)) for i in range(FORECAST_DAYS)]

    good, total = Counter(), Counter()
    question_stages: dict[int, list[int]] = {}
    for stage_id, question_id in Question.stages.through.objects.filter(
            question_id__in=[card.question_id for card in reviewed]).values_list("stage_id", "question_id"):
        question_stages.setdefault(question_id, []).append(stage_id)
    for card in reviewed:
        for stage_id in question_stages.get(card.question_id, []):
            total[stage_id] += 1
            good[stage_id] += card.last_rating is not None and card.last_rating >= CardReview.Rating.GOOD
    stages = [StageShare(f"{stage.loop.name}: {stage.title}", stage.title, good[stage.pk], total[stage.pk])
              for stage in Stage.objects.filter(pk__in=total).select_related("loop").order_by("loop__order", "order")]

    report = ReviewReport(
        cards=len(cards), new=len(cards) - len(reviewed), suspended=sum(1 for card in cards if card.suspended),
        measured_retention=measured, measured_reviews=measured_count,
        predicted_retention=sum(chances) / len(chances) if chances else None,
        desired_retention=settings.desired_retention, forecast=forecast, stages=stages,
    )
    report.forecast_chart = charts.column_chart(
        chart_id="review-forecast", title="Cards due per day, the next 30 days",
        labels=[f"{day.day:%d %b}" for day in forecast], values=[day.count for day in forecast],
        description="How many reviewed cards fall due each day; today includes the overdue ones.",
    )
    report.stages_chart = charts.bar_chart(
        chart_id="review-stages", title="Cards at Good or better, per stage",
        labels=[share.short for share in stages], values=[share.percent for share in stages], max_value=100,
        value_labels=[f"{share.good} of {share.total} · {share.percent}%" for share in stages],
    )
    return report
