"""Solo rounds end to end in a real browser: coding, concept, design, reload, time running out."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Round, RoundQuestion

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RIGHT = "a, b = map(int, input().split())\nprint(a + b)\n"
WRONG = "print(0)\n"


def start_question(page, slug):
    page.goto(f"/questions/{slug}/")
    page.get_by_role("button", name="Practise this question in a timed round").click()
    expect(page.get_by_role("timer")).to_be_visible()
    page.wait_for_load_state("load")  # the page's scripts (autosave, editor) are running


def replace_code(page, code):
    editor = page.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def test_a_full_solo_coding_round(signed_in_page, mini_pack, celery_worker):
    page = signed_in_page
    start_question(page, "sum-two")
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^4[45]:\d\d$"))

    replace_code(page, RIGHT)
    page.get_by_role("button", name="Run", exact=True).click()
    results = page.locator("#results")
    expect(results).to_contain_text("Examples passed", timeout=30_000)

    # An own test case without an expected output: Run shows what the code prints for it.
    page.locator("#test-cases summary").click()
    page.get_by_role("button", name="Add a test case").click()
    page.get_by_label("Case 1 input").fill("40 2\n")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(results.get_by_role("tab", name=re.compile("Case 1: Ran"))).to_be_visible(timeout=30_000)
    results.get_by_role("tab", name=re.compile("Case 1")).click()
    expect(results.get_by_role("tabpanel").locator("pre.output")).to_have_text("42")
    page.get_by_role("button", name="Remove case 1").click()

    replace_code(page, WRONG)
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(results).to_contain_text("Submit: Wrong answer", timeout=30_000)
    # The console opens on the failing test's tab, the verdict in words beside its code.
    expect(results.get_by_role("tab", selected=True)).to_contain_text("Test 1: Wrong answer WA")

    replace_code(page, RIGHT)
    page.keyboard.press("Control+Shift+Enter")  # the editor's Submit shortcut
    expect(results).to_contain_text("All tests passed", timeout=30_000)
    expect(results).to_contain_text("2 of 2 tests passed")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="End round").click()
    expect(page.get_by_role("heading", name=re.compile("Round summary"))).to_be_visible()
    expect(page.locator("table.runs")).to_contain_text("AC")
    expect(page.locator("table.runs")).to_contain_text("WA")
    assert RoundQuestion.objects.get().code == RIGHT


def test_a_concept_round_with_reveal_and_self_grade(signed_in_page, mini_pack):
    page = signed_in_page
    start_question(page, "bayes")
    page.locator("#answer").fill("Posterior is likelihood times prior over evidence: $P(A|B)$")
    expect(page.locator("#answer-preview .katex")).to_be_visible()  # live preview, math rendered
    page.get_by_role("button", name="Reveal model answer").click()
    expect(page.locator("#reveal")).to_contain_text("Model answer")
    page.get_by_role("button", name="Good").click()
    expect(page.get_by_role("button", name="Good")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    rq = RoundQuestion.objects.get()
    assert rq.self_grade == "good" and "likelihood" in rq.answer


def test_a_design_round_where_constraints_arrive(signed_in_page, mini_pack):
    page = signed_in_page
    start_question(page, "design-feed")
    constraints = page.locator("#constraints")
    expect(constraints).not_to_contain_text("100 million users")
    page.get_by_role("button", name="Next constraint").click()
    expect(constraints).to_contain_text("Now with 100 million users.")
    expect(constraints).to_contain_text("arrived at 0:")
    expect(constraints).not_to_contain_text("offline")


def test_a_reload_mid_round_keeps_the_code(signed_in_page, mini_pack):
    page = signed_in_page
    start_question(page, "sum-two")
    replace_code(page, "print('kept across reloads')\n")
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    page.reload()
    expect(page.locator(".cm-content")).to_contain_text("print('kept across reloads')")


def test_a_round_whose_time_runs_out_closes_itself_and_refuses_edits(signed_in_page, mini_pack):
    page = signed_in_page
    start_question(page, "bayes")
    Round.objects.update(duration_seconds=4)
    page.reload()
    page.locator("#answer").fill("written before the end")
    expect(page.get_by_role("heading", name=re.compile("Round summary"))).to_be_visible(timeout=15_000)
    stage_round = Round.objects.get()
    assert stage_round.status == "finished" and stage_round.end_reason == "time_up"
    assert RoundQuestion.objects.get().answer == "written before the end"  # flushed at zero, kept
    status = page.evaluate(
        """async (url) => {
            const body = new FormData();
            body.append("answer", "too late");
            const token = document.cookie.match(/csrftoken=([^;]+)/);
            const r = await fetch(url, {method: "POST", body, headers: {"X-CSRFToken": token ? token[1] : ""}});
            return [r.status, await r.text()];
        }""",
        f"/practice/rounds/{stage_round.pk}/q/1/save/",
    )
    assert status[0] == 409 and "This round is over" in status[1]
    assert RoundQuestion.objects.get().answer == "written before the end"
