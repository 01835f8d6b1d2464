"""The lists and feedback pages (and the reviews page, with a card) at a laptop's (1366x900) and a phone's (390x844) size: nothing wider than the
window, filter labels that line up on their grid, and the self-assessment's segmented control by keyboard.

The filters are checked by geometry, not markup: each label sits at the left edge of its own control, and the
labels of one column of the grid share one left x (so do the labels of one row their top y)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from questions.models import Question, Stage
from sessions.models import RoundQuestion, Submission
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def practice(owner, partner, mini_pack):
    """alice: a finished solo screen (a failing Submit, a graded concept), a running chat, an interview of bob."""
    screen = Stage.objects.get(loop__slug="alpha", slug="screen")
    solo = round_services.session_start(owner=owner, stage=screen).rounds.get()
    RoundQuestion.objects.filter(round=solo).delete()
    coding = RoundQuestion.objects.create(round=solo, question=Question.objects.get(slug="sum-two"), order=0)
    RoundQuestion.objects.create(round=solo, question=Question.objects.get(slug="bayes"), order=1, self_grade="good")
    round_services.answer_save(round_question=coding, values={"code": "print(sum(map(int, input().split())))"})
    Submission.objects.create(user=owner, round_question=coding, question=coding.question, kind="submit",
                              language="python", source=coding.code, status="done", verdict="WA",
                              results={"passed": 1, "total": 4, "tests": []}, time_ms=20)
    round_services.round_end(round=solo)
    round_services.session_start(owner=owner, stage=Stage.objects.get(loop__slug="alpha", slug="chat"))
    session = paired_services.paired_session_create(interviewer=owner, stage=screen,
                                                    questions=[Question.objects.get(slug="design-feed")])
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    round_services.round_end(round=round_services.round_start(round=session.rounds.get()))
    return {"history": "/practice/history/", "bank": "/questions/", "summary": f"/practice/rounds/{solo.pk}/summary/",
            "progress": "/practice/progress/", "reviews": "/practice/reviews/"}


def open_page(browser, live_server, user, size):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


# Per label of the filter form: where its text starts, and where its control starts; and where the grid's
# columns start, from the widths the browser computed for them.
LABEL_BOXES = """(form) => {
  const style = getComputedStyle(form), gap = parseFloat(style.columnGap) || 0;
  let x = form.getBoundingClientRect().left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
  const columns = style.gridTemplateColumns.split(" ").map((width) => {
    const start = Math.round(x);
    x += parseFloat(width) + gap;
    return start;
  });
  const labels = Array.from(form.querySelectorAll('.filter-field')).map((field) => {
    const label = field.querySelector('.filter-label').getBoundingClientRect();
    const control = field.querySelector('input, select').getBoundingClientRect();
    return {x: Math.round(label.left), y: Math.round(label.top), controlX: Math.round(control.left)};
  });
  return {columns, labels};
}"""


def check_aligned(columns: list[int], labels: list[dict]) -> list[str]:
    """Every label starts where its control does, at the start of one of the grid's columns."""
    problems = [f"label at {b['x']} but its control at {b['controlX']}" for b in labels if b["x"] != b["controlX"]]
    problems += [f"label at {b['x']}, off the columns {columns}" for b in labels
                 if not any(abs(b["x"] - start) <= 1 for start in columns)]
    return problems


@pytest.mark.parametrize("size", SIZES)
def test_lists_fit_the_window_and_their_filters_line_up(browser, live_server, owner, practice, size):
    context, page = open_page(browser, live_server, owner, size)
    too_wide, misaligned = {}, {}
    for name, path in practice.items():
        page.goto(path)
        page.wait_for_load_state("load")
        width, window = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        if width > window:
            too_wide[name] = width
        form = page.locator("form.filter-grid")
        if name in ("history", "bank"):
            grid = form.evaluate(LABEL_BOXES)
            columns, boxes = grid["columns"], grid["labels"]
            assert len(boxes) >= 4, name
            if size == "phone":
                assert len(columns) == 1 and len({box["x"] for box in boxes}) == 1, f"{name}: one column on a phone"
            else:
                assert len(columns) >= 3 and len({box["x"] for box in boxes}) >= 3, f"{name}: columns side by side"
            if problems := check_aligned(columns, boxes):
                misaligned[name] = problems
    context.close()
    assert too_wide == {} and misaligned == {}
    assert practice["reviews"] and owner.review_cards.filter(question__slug="bayes").exists()  # a card was listed


def test_the_summary_shows_scores_and_rates_with_the_keyboard(browser, live_server, owner, practice):
    context, page = open_page(browser, live_server, owner, "laptop")
    page.goto(practice["summary"])
    tiles = page.locator(".score-tile")
    expect(tiles.filter(has_text="Sum two numbers")).to_contain_text("1/4 tests")
    expect(tiles.filter(has_text="Concept self-grades")).to_contain_text("1/1 Good or Easy")
    group = page.get_by_role("radiogroup").first
    group.get_by_role("radio", name="3 Solid").check()
    page.keyboard.press("ArrowRight")  # a real radio group: the arrow keys move the choice
    expect(group.get_by_role("radio", name="4 Strong")).to_be_checked()
    page.get_by_role("button", name="Save self-assessment").click()
    expect(tiles.filter(has_text="Self-assessment")).to_contain_text("4.0 / 4")
    context.close()
