"""The round workspace in a real browser, for every kind of question, at a laptop's and a phone's size.

Each page is photographed (under the test's tmp_path, to look at when a check fails) and checked: nothing
wider than the window, the clock in view without scrolling, and on a laptop the code editor taking most of
the height. Then the parts that move: the splitter (by pointer and keyboard, remembered across a reload),
the Problem / Answer tabs and the menu on a phone, and the console's per-test tabs after real runs.
"""

import re

import pytest
from playwright.sync_api import expect

from questions.models import Question, Stage
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from tests.browser.pages import open_as

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
KINDS = {"coding": "sum-two", "concept": "bayes", "design": "design-feed", "behavioral": "why-us"}
WIDE_CODE = "print(" + "'a wide line of code that must scroll inside its block, not cut off', " * 6 + ")"


def open_page(browser, live_server, user, viewport, errors):
    return open_as(browser, live_server, user, errors, viewport, phone=viewport is PHONE)


def start_round(owner, slug):
    question = Question.objects.get(slug=slug)
    return round_services.session_start(owner=owner, question=question).rounds.get()


def go(page, stage_round):
    page.goto(f"/practice/rounds/{stage_round.pk}/")
    page.wait_for_load_state("load")
    expect(page.get_by_role("timer")).to_be_visible()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_round_kind_fits_the_window(browser, live_server, owner, mini_pack, tmp_path, kind, size):
    viewport = DESKTOP if size == "desktop" else PHONE
    Question.objects.filter(slug=KINDS[kind]).update(prompt=f"A problem.\n\n```\n{WIDE_CODE}\n```\n")
    stage_round = start_round(owner, KINDS[kind])
    errors = []
    page = open_page(browser, live_server, owner, viewport, errors)
    go(page, stage_round)
    if kind == "coding":
        expect(page.locator("#editor .cm-editor")).to_be_attached()
    page.screenshot(path=tmp_path / f"{kind}-{size}.png")

    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    clock = box(page, "#clock")
    assert clock["y"] >= 0 and clock["y"] + clock["height"] <= viewport["height"]
    assert clock["x"] >= 0 and clock["x"] + clock["width"] <= viewport["width"]
    # The same bar for every kind: which question of how many, the tabs, and the controls.
    bar = page.locator(".round-bar")
    expect(bar).to_contain_text("Question 1 of 1")
    expect(bar.get_by_role("button", name="Pause")).to_be_visible()
    expect(bar.get_by_role("button", name="End round")).to_be_visible()

    if size == "phone":
        page.get_by_role("tab", name="Problem").click()
    code = page.locator(".question-pane pre").first
    expect(code).to_be_visible()
    # The wide block scrolls inside itself: wider content than its box, and its box inside the pane.
    assert code.evaluate("el => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === 'auto'")
    pane = page.locator(".question-pane")
    assert pane.evaluate("el => el.scrollWidth <= el.clientWidth")

    if kind == "coding" and size == "desktop":
        editor = box(page, "#editor .cm-editor")
        assert editor["height"] >= 0.6 * viewport["height"], editor
    if size == "phone":
        # Scrolling the answer leaves the bar (and its clock) in view.
        page.get_by_role("tab", name="Answer").click()
        page.screenshot(path=tmp_path / f"{kind}-{size}-answer.png")
        page.locator(".answer-pane").evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.mouse.wheel(0, 2000)
        clock = box(page, "#clock")
        assert 0 <= clock["y"] and clock["y"] + clock["height"] <= viewport["height"]
        assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    page.context.close()
    assert errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_question_tabs_of_a_longer_round(browser, live_server, owner, mini_pack, tmp_path, viewport):
    stage = Stage.objects.get(slug="screen")
    stage.questions_per_round = 3
    stage.save()
    stage_round = round_services.session_start(owner=owner, stage=stage).rounds.get()
    errors = []
    page = open_page(browser, live_server, owner, viewport, errors)
    go(page, stage_round)
    page.screenshot(path=tmp_path / "three-questions.png")
    bar = page.locator(".round-bar")
    expect(bar).to_contain_text("Question 1 of 3")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    for element in ("#clock", ".round-bar >> text=End round"):
        found = box(page, element)
        assert found["x"] >= 0 and found["x"] + found["width"] <= viewport["width"], element
    last_tab = bar.get_by_role("button", name=re.compile("^Question 3: ")).bounding_box()
    pause = bar.get_by_role("button", name="Pause").bounding_box()
    assert last_tab["x"] + last_tab["width"] <= pause["x"] or last_tab["y"] + last_tab["height"] <= pause["y"]
    bar.get_by_role("button", name=re.compile("^Question 3: ")).click()
    expect(bar).to_contain_text("Question 3 of 3")
    expect(bar.get_by_role("button", name=re.compile("^Question 3: "))).to_have_attribute("aria-current", "true")
    page.context.close()
    assert errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_paired_candidate_gets_the_same_workspace(browser, live_server, owner, partner, mini_pack, tmp_path, viewport):
    question = Question.objects.get(slug="sum-two")
    session = paired_services.paired_session_create(interviewer=owner, stage=Stage.objects.get(slug="screen"),
                                                    questions=[question])
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    stage_round = round_services.round_start(round=session.rounds.get())
    errors = []
    page = open_page(browser, live_server, partner, viewport, errors)
    go(page, stage_round)
    page.screenshot(path=tmp_path / "candidate.png")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    clock = box(page, "#clock")
    assert clock["y"] >= 0 and clock["y"] + clock["height"] <= viewport["height"]
    bar = page.locator(".round-bar")
    expect(bar).to_contain_text("Question 1 of 1")
    expect(bar).to_contain_text("Your interviewer keeps the clock")
    expect(bar.get_by_role("button", name="End round")).to_have_count(0)  # the interviewer's hand only
    expect(page.locator(".interviewer-only")).to_have_count(0)
    if viewport is DESKTOP:
        expect(page.locator("#splitter")).to_be_visible()
    else:
        expect(page.get_by_role("tab", name="Answer")).to_be_visible()
    page.context.close()
    assert errors == []


def test_the_splitter_resizes_the_panes_and_the_width_survives_a_reload(browser, live_server, owner, mini_pack):
    stage_round = start_round(owner, "sum-two")
    errors = []
    page = open_page(browser, live_server, owner, DESKTOP, errors)
    go(page, stage_round)
    splitter = page.get_by_role("separator", name="Resize the problem and answer panes")
    before = box(page, ".question-pane")["width"]
    handle = splitter.bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] + 250, handle["y"] + handle["height"] / 2, steps=5)
    page.mouse.up()
    after = box(page, ".question-pane")["width"]
    assert after > before + 150
    assert box(page, ".answer-pane")["width"] < DESKTOP["width"] - after
    dragged = int(splitter.get_attribute("aria-valuenow"))

    splitter.focus()
    page.keyboard.press("ArrowLeft")
    expect(splitter).to_have_attribute("aria-valuenow", str(dragged - 2))
    assert box(page, ".question-pane")["width"] < after

    page.reload()
    page.wait_for_load_state("load")
    expect(splitter).to_have_attribute("aria-valuenow", str(dragged - 2))
    assert abs(box(page, ".question-pane")["width"] - (after - 0.02 * box(page, "#round-body")["width"])) < 8
    page.context.close()
    assert errors == []


def test_a_phone_shows_one_pane_at_a_time_and_folds_the_menu(browser, live_server, owner, mini_pack):
    stage_round = start_round(owner, "bayes")
    errors = []
    page = open_page(browser, live_server, owner, PHONE, errors)
    go(page, stage_round)
    problem, answer = page.get_by_role("tab", name="Problem"), page.get_by_role("tab", name="Answer")
    expect(problem).to_have_attribute("aria-selected", "true")
    expect(page.locator("#question-title")).to_be_visible()
    expect(page.locator("#answer")).to_be_hidden()
    answer.click()
    expect(page.locator("#answer")).to_be_visible()
    expect(page.locator("#question-title")).to_be_hidden()
    page.locator("#answer").fill("Bayes: posterior is likelihood times prior")
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    page.reload()  # the tab in use is remembered for this round
    expect(page.locator("#answer")).to_be_visible()
    problem.focus()
    page.keyboard.press("ArrowLeft")  # arrow keys move between the tabs
    expect(answer).to_be_focused()

    menu = page.get_by_role("button", name="Menu")
    bank = page.get_by_role("link", name="Question bank")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(bank).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(bank).to_be_visible()
    page.keyboard.press("Escape")
    expect(bank).to_be_hidden()
    page.context.close()
    assert errors == []


def test_a_concept_model_answer_sits_beside_the_answer(browser, live_server, owner, mini_pack, tmp_path):
    stage_round = start_round(owner, "bayes")
    errors = []
    page = open_page(browser, live_server, owner, DESKTOP, errors)
    go(page, stage_round)
    page.locator("#answer").fill("Posterior is likelihood times prior over evidence.")
    page.get_by_role("button", name="Reveal model answer").click()
    expect(page.locator("#reveal")).to_contain_text("Model answer")
    page.screenshot(path=tmp_path / "concept-revealed.png")
    answer, model = box(page, "#answer"), box(page, "#reveal")
    assert model["x"] >= answer["x"] + answer["width"]  # beside it, not under it
    assert model["y"] < answer["y"] + answer["height"]
    page.context.close()
    assert errors == []


@pytest.mark.worker
def test_the_console_shows_each_test_in_its_own_tab(browser, live_server, owner, mini_pack, celery_worker, tmp_path):
    stage_round = start_round(owner, "sum-two")
    errors = []
    page = open_page(browser, live_server, owner, DESKTOP, errors)
    go(page, stage_round)
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text("a, b = map(int, input().split())\nprint(a * b)\n")
    page.get_by_role("button", name="Submit", exact=True).click()
    results = page.locator("#results")
    expect(results).to_contain_text("Submit: Wrong answer", timeout=30_000)
    tabs = results.get_by_role("tab")
    expect(tabs.first).to_be_visible()
    page.screenshot(path=tmp_path / "console.png")
    labels = [re.sub(r"\s+", " ", t) for t in tabs.all_inner_texts()]
    assert all(re.search(r"(Passed AC|Wrong answer WA)$", label) for label in labels), labels
    selected = results.get_by_role("tab", selected=True)
    expect(selected).to_contain_text("Wrong answer")
    panel = results.get_by_role("tabpanel")
    expect(panel).to_have_count(1)  # only the selected test's panel is shown
    if "(hidden)" not in selected.inner_text():
        expect(panel).to_contain_text("Input")
        expect(panel).to_contain_text("Expected")
        expect(panel.locator(".diff")).to_be_visible()
    # Every other tab opens its own panel; a hidden test's shows its verdict and nothing of its data.
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        shown = results.get_by_role("tabpanel")
        expect(shown).to_have_count(1)
        if "(hidden)" in tab.inner_text():
            expect(shown).to_contain_text("its input and output are not shown")
            expect(shown.locator("pre")).to_have_count(0)
        else:
            expect(shown.locator("pre").first).to_be_visible()
    page.context.close()
    assert errors == []
