"""The reviews' report: measured and predicted retention, the 30-day forecast, the share at Good or better per stage."""

from datetime import timedelta

import pytest

from sessions.rounds import services as round_services
from sessions.scheduling.report import review_report
from sessions.scheduling.scheduler import retrievability, scheduler_for
from tests.sessions.scheduling.helpers import at, card, concept_review, solo_round


@pytest.mark.django_db
def test_an_empty_report(owner):
    report = review_report(owner, now=at("2026-05-01"))
    assert (report.cards, report.measured_text, report.predicted_text) == (0, "—", "—")
    assert [day.count for day in report.forecast] == [0] * 30 and report.stages == []


@pytest.mark.django_db
def test_the_numbers_of_a_few_reviews(mini_pack, owner):
    concept_review(owner, "bayes", "good", at("2026-05-01"))
    concept_review(owner, "bayes", "again", at("2026-05-03"))  # a repeat review that lapsed
    concept_review(owner, "bayes", "good", at("2026-05-04"))  # one that held
    coding = solo_round(owner, "sum-two", at("2026-05-04"))
    round_services.answer_save(round_question=coding.questions.get(), values={"code": "print(3)"},
                               now=at("2026-05-04"))
    round_services.round_end(round=coding, now=at("2026-05-04") + timedelta(minutes=40))  # never accepted: Again
    now = at("2026-05-05")
    report = review_report(owner, now=now)
    assert (report.cards, report.new, report.suspended) == (2, 0, 0)
    assert (report.measured_retention, report.measured_reviews) == (0.5, 2)
    scheduler = scheduler_for(0.9)
    chances = [retrievability(card(owner, slug), now, scheduler=scheduler) for slug in ("bayes", "sum-two")]
    assert report.predicted_retention == pytest.approx(sum(chances) / 2)
    due_days = {(card(owner, slug).due.date() - now.date()).days for slug in ("bayes", "sum-two")}
    assert sum(day.count for day in report.forecast) == 2
    assert {i for i, day in enumerate(report.forecast) if day.count} == {max(0, d) for d in due_days}
    # Both questions belong to the coding screen: bayes ended Good, sum-two Again.
    assert [(s.stage, s.short, s.good, s.total, s.percent) for s in report.stages] == [
        ("Alpha loop: Coding screen", "Coding screen", 1, 2, 50)]
    assert 'role="img"' in report.forecast_chart and "chart-kind-column" in report.forecast_chart


@pytest.mark.django_db
def test_overdue_cards_are_counted_today(mini_pack, owner):
    concept_review(owner, "bayes", "again", at("2026-05-01"))
    report = review_report(owner, now=at("2026-05-20"))
    assert report.forecast[0].count == 1 and report.forecast[0].day.isoformat() == "2026-05-20"
