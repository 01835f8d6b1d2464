"""The coding pad's own test cases in a real browser: added, judged case by case with the examples by one
Run through the real worker and sandbox, kept across a reload, and capped at the server's limit."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import RoundQuestion
from tests.browser.test_solo_rounds import RIGHT, replace_code, start_question

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def add_case(page, number, given, expected=""):
    page.get_by_role("button", name="Add a test case").click()
    page.get_by_label(f"Case {number} input").fill(given)
    if expected:
        page.get_by_label(f"Case {number} expected output").fill(expected)


def test_cases_are_judged_one_by_one_and_survive_a_reload(signed_in_page, mini_pack, celery_worker):
    page = signed_in_page
    start_question(page, "sum-two")
    replace_code(page, RIGHT)
    page.locator("#test-cases summary").click()
    add_case(page, 1, "2 3\n", "5\n")
    add_case(page, 2, "2 3\n", "6\n")  # a wrong expectation: the case fails, not the code
    add_case(page, 3, "40 2\n")
    expect(page.locator("#case-count")).to_have_text("(3 of 10)")

    page.get_by_role("button", name="Run", exact=True).click()
    results = page.locator("#results")
    expect(results).to_contain_text("Run: Wrong answer", timeout=30_000)
    expect(results).to_contain_text("2 of 3 tests passed")
    for name in ("Example 1: Passed", "Case 1: Passed", "Case 2: Wrong answer", "Case 3: Ran"):
        expect(results.get_by_role("tab", name=re.compile(name))).to_be_visible()
    expect(results.get_by_role("tab", selected=True)).to_contain_text("Case 2: Wrong answer")
    expect(results.get_by_role("tabpanel")).to_contain_text("− 6")

    page.reload()  # the panel opens by itself when the question has cases
    expect(page.locator("#case-count")).to_have_text("(3 of 10)")
    expect(page.get_by_label("Case 2 expected output")).to_have_value("6\n")
    assert RoundQuestion.objects.get().test_cases[2] == {"input": "40 2\n", "expected": None}

    # Removing one renumbers the rest, and the change is saved like any edit.
    page.get_by_role("button", name="Remove case 1").click()
    expect(page.get_by_label("Case 1 expected output")).to_have_value("6\n")
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=10_000)
    assert len(RoundQuestion.objects.get().test_cases) == 2


def test_the_panel_stops_at_the_cap(signed_in_page, mini_pack):
    page = signed_in_page
    start_question(page, "sum-two")
    page.locator("#test-cases summary").click()
    add = page.get_by_role("button", name="Add a test case")
    for number in range(1, 11):
        add_case(page, number, f"{number} {number}\n")
    expect(add).to_be_disabled()
    expect(page.locator("#case-count")).to_have_text("(10 of 10)")
