"""Autosave refused for saving too often, in a real browser: the page says the text is kept, and it is."""

import re

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from sessions.models import RoundQuestion

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refused_save_keeps_the_text_and_the_next_save_carries_it(signed_in_page, mini_pack, settings):
    settings.AUTOSAVE_BURST = 1
    settings.AUTOSAVE_RATE_PER_S = 0.001  # no refill while the test runs
    page = signed_in_page
    page.goto("/questions/bayes/")
    page.get_by_role("button", name="Practise this question in a timed round").click()
    expect(page.get_by_role("timer")).to_be_visible()
    page.wait_for_load_state("load")
    answer = page.locator("#answer")
    save_status = page.locator("#save-status")

    answer.fill("first")
    expect(save_status).to_contain_text("Saved at")
    answer.fill("second draft")
    expect(page.locator("#round-message")).to_contain_text("Your text is still in the editor")
    expect(save_status).to_have_text(re.compile("Not saved yet: your text stays here"))
    expect(answer).to_have_value("second draft")
    assert RoundQuestion.objects.get().answer == "first"

    caches["throttle"].clear()  # the bucket has refilled
    answer.press("End")
    answer.type(" and more")
    expect(save_status).to_contain_text("Saved at")
    expect(page.locator("#round-message")).to_be_empty()
    assert RoundQuestion.objects.get().answer == "second draft and more"
