"""The shared pad of a paired round in two Chromium contexts: both type at once and converge, each sees
the other's cursor with their name, a dropped socket loses nothing, and the server keeps the text."""

import pytest
from playwright.sync_api import expect

from questions.models import Question, Stage
from sessions.models import Round, RoundQuestion
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from tests.browser.pages import open_as

pytestmark = [pytest.mark.django_db(transaction=True)]

PAD_TEXT = "window.InterviewPrepPads.all()[0].getValue()"


def start(owner, partner, slug, *, candidate_only=False):
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[Question.objects.get(slug=slug)]
    )
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    Round.objects.filter(session=session).update(pad_candidate_only=candidate_only)
    return round_services.round_start(round=session.rounds.get())


def in_sync(page, field="code"):
    expect(page.locator(f"[name={field}][data-pad-state=synced]")).to_be_attached()


def pad(page, role):
    return page.locator("#editor .cm-content" if role == "candidate" else ".pads .cm-content")


@pytest.fixture
def pair(browser, live_server, owner, partner, mini_pack):
    errors = []
    stage_round = start(owner, partner, "sum-two")
    interviewer, candidate = open_as(browser, live_server, owner, errors), open_as(browser, live_server, partner, errors)
    for page in (interviewer, candidate):
        page.goto(f"/practice/rounds/{stage_round.pk}/")
        in_sync(page)
    yield stage_round, interviewer, candidate
    interviewer.context.close()
    candidate.context.close()
    assert errors == [], f"JavaScript errors or CSP violations: {errors}"


def test_two_people_typing_at_once_converge_and_the_server_keeps_it(pair):
    stage_round, interviewer, candidate = pair
    for page, role in ((candidate, "candidate"), (interviewer, "interviewer")):
        pad(page, role).click()
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
    for i in range(15):  # interleaved keystrokes: each side types before the other's edit arrives
        candidate.keyboard.type(f"c{i};")
        interviewer.keyboard.type(f"i{i};")
    expect(candidate.locator("#editor")).to_contain_text("c14;")
    expect(candidate.locator("#editor")).to_contain_text("i14;")
    candidate.wait_for_timeout(500)
    text = candidate.evaluate(PAD_TEXT)
    assert interviewer.evaluate(PAD_TEXT) == text
    assert all(f"c{i};" in text and f"i{i};" in text for i in range(15))
    # Saved by the server as the answer (with its replay snapshots), within its save interval.
    for _ in range(50):
        if RoundQuestion.objects.get(round=stage_round).code == text:
            break
        candidate.wait_for_timeout(100)
    assert RoundQuestion.objects.get(round=stage_round).code == text


def test_each_sees_the_others_cursor_with_their_name(pair):
    _, interviewer, candidate = pair
    pad(interviewer, "interviewer").click()
    interviewer.keyboard.press("Control+Home")
    interviewer.keyboard.type("# alice was here\n")
    label = candidate.locator("#editor .cm-padName")
    expect(label).to_have_text("alice")
    pad(candidate, "candidate").click()
    expect(interviewer.locator(".pads .cm-padName")).to_have_text("bob")


def test_a_dropped_socket_mid_typing_loses_nothing(pair):
    _, interviewer, candidate = pair
    pad(candidate, "candidate").click()
    candidate.keyboard.press("Control+End")
    candidate.keyboard.type("# before the drop\n")
    candidate.evaluate("window.InterviewPrepPads.all()[0].collab.disconnect()")
    candidate.keyboard.type("# typed while offline\n")
    pad(interviewer, "interviewer").click()
    interviewer.keyboard.press("Control+Home")
    interviewer.keyboard.type("# the interviewer meanwhile\n")
    expect(candidate.locator("#editor")).not_to_contain_text("the interviewer meanwhile")  # really offline
    candidate.evaluate("window.InterviewPrepPads.all()[0].collab.reconnect()")
    for page, where in ((candidate, "#editor"), (interviewer, ".pads")):
        for line in ("before the drop", "typed while offline", "the interviewer meanwhile"):
            expect(page.locator(where)).to_contain_text(line)
    assert candidate.evaluate(PAD_TEXT) == interviewer.evaluate(PAD_TEXT)


def test_a_candidate_only_pad_is_read_only_for_the_interviewer(browser, live_server, owner, partner, mini_pack):
    errors = []
    stage_round = start(owner, partner, "sum-two", candidate_only=True)
    interviewer = open_as(browser, live_server, owner, errors)
    interviewer.goto(f"/practice/rounds/{stage_round.pk}/")
    in_sync(interviewer)
    expect(interviewer.locator(".pads")).to_contain_text("only the candidate types")
    expect(pad(interviewer, "interviewer")).to_have_attribute("aria-readonly", "true")
    before = interviewer.evaluate(PAD_TEXT)
    pad(interviewer, "interviewer").click()
    interviewer.keyboard.type("# not allowed")
    assert interviewer.evaluate(PAD_TEXT) == before
    interviewer.context.close()
    assert errors == []


def test_a_design_answer_is_a_shared_pad_too(browser, live_server, owner, partner, mini_pack):
    errors = []
    stage_round = start(owner, partner, "design-feed")
    interviewer, candidate = open_as(browser, live_server, owner, errors), open_as(browser, live_server, partner, errors)
    for page in (interviewer, candidate):
        page.goto(f"/practice/rounds/{stage_round.pk}/")
        in_sync(page, "answer")
    candidate.locator("[name=answer] + .pad-editor .cm-content").click()
    candidate.keyboard.type("Fan out on write for most users.")
    expect(interviewer.locator(".pads")).to_contain_text("Fan out on write for most users.")
    expect(candidate.locator("#answer-preview")).to_contain_text("Fan out on write")  # the preview follows the pad
    interviewer.context.close()
    candidate.context.close()
    assert errors == []
