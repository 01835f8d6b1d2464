"""Spaced repetition in a real browser: a concept answered and graded today is not due; days later (the server's
clock moved forward) it is due today, and a review round asks it again."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import ReviewCard

pytestmark = [pytest.mark.django_db(transaction=True)]

BAYES = "Bayes in one line"


def test_a_graded_concept_comes_back_in_a_review_round_when_due(signed_in_page, mini_pack, owner, monkeypatch):
    page = signed_in_page
    page.goto("/questions/bayes/")
    page.get_by_role("button", name="Practise this question in a timed round").click()
    expect(page.get_by_role("timer")).to_be_visible()
    page.wait_for_load_state("load")
    page.locator("#answer").fill("The posterior is the prior times the likelihood, normalised.")
    page.get_by_role("button", name="Reveal model answer").click()
    page.get_by_role("button", name="Good").click()
    expect(page.get_by_role("button", name="Good")).to_have_attribute("aria-pressed", "true")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="End round").click()
    page.wait_for_url("**/summary/")

    page.goto("/practice/reviews/")
    due_today = page.locator("#due-today-title").locator("..")
    expect(due_today).to_be_visible()
    expect(due_today.locator(".due-list")).not_to_contain_text(BAYES)  # just answered: not due today
    bayes = ReviewCard.objects.get(owner=owner, question__slug="bayes")
    assert (bayes.last_rating, bayes.reviews_count) == (3, 1)
    cards = page.locator(".cards-table")
    expect(cards).to_contain_text(BAYES)
    expect(cards).to_contain_text(f"{bayes.due:%-d %b %Y}")

    # The server's clock moves to an hour after the card falls due (every view reads django.utils.timezone.now).
    later = bayes.due + timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page.goto("/")
    expect(page.locator(".due-list")).to_contain_text(BAYES)
    page.goto("/practice/reviews/")
    expect(page.locator(".due-list").get_by_role("link", name=BAYES)).to_be_visible()
    page.get_by_role("button", name="Start a review round").click()
    expect(page.get_by_role("timer")).to_be_visible()
    expect(page.locator("main")).to_contain_text(BAYES)
    assert owner.interview_sessions.filter(title__startswith="Review: ").count() == 1
