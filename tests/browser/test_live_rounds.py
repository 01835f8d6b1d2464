"""Live rounds in Chromium: the round's websocket pushes changes, so nothing polls while it is connected;
a dropped socket falls back to polling, reconnects, and the page catches up with what it missed."""

import re
import time

import pytest
from playwright.sync_api import expect

from questions.models import Question, Stage
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from tests.browser import pages

pytestmark = [pytest.mark.django_db(transaction=True)]

RIGHT = "a, b = map(int, input().split())\nprint(a + b)\n"
FIRST_HINT = "Split the line."  # the mini pack's sum-two
POLLED = re.compile(r"/practice/(rounds/\d+/live/|runs/\d+/)")  # what the fallback poll asks for


def open_as(browser, live_server, user):
    """A signed-in page that also notes when it makes each GET (and to where) and when its websockets
    bring each message."""
    errors = []
    page = pages.open_as(browser, live_server, user, errors)
    page.errors = errors
    page.gets, page.pushes, page.sockets = [], [], []  # sockets: frames received by each, newest last
    page.on("request", lambda request: page.gets.append((time.monotonic(), request.url))
            if request.method == "GET" else None)

    def watch(socket):
        page.sockets.append(0)
        index = len(page.sockets) - 1

        def received(_):
            page.pushes.append(time.monotonic())
            page.sockets[index] += 1

        socket.on("framereceived", received)

    page.on("websocket", watch)
    return page


def connected(page):
    """The socket is open and its "hello" has been answered: the one fetch it asks for is done."""
    expect(page.locator("[data-live-state=connected]")).to_be_attached()
    deadline = time.monotonic() + 5
    while not (page.sockets and page.sockets[-1]) and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    page.wait_for_load_state("networkidle")


def polled_since(page, moment):
    return [url for at, url in page.gets if at >= moment and POLLED.search(url)]


def replace_code(page, code):
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


@pytest.fixture
def paired_round(mini_pack, owner, partner):
    """alice interviews bob on sum-two; the round is running."""
    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[Question.objects.get(slug="sum-two")]
    )
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    return round_services.round_start(round=session.rounds.get())


@pytest.mark.worker
def test_the_verdict_is_pushed_and_nothing_polls(browser, live_server, owner, mini_pack, celery_worker):
    stage_round = round_services.session_start(owner=owner, question=Question.objects.get(slug="sum-two")).rounds.get()
    page = open_as(browser, live_server, owner)
    page.goto(f"/practice/rounds/{stage_round.pk}/")
    connected(page)
    replace_code(page, RIGHT)
    clicked = time.monotonic()
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#results")).to_contain_text("Examples passed", timeout=30_000)
    # Each fetch of the result was asked for because the socket said the round changed (queued, running,
    # finished, or while the Run's own request was in flight): never a timer's.
    fetched = polled_since(page, clicked)
    pushed = [at for at in page.pushes if at >= clicked]
    assert fetched and all("/runs/" in url for url in fetched), fetched
    assert len(fetched) <= len(pushed) + 1, (fetched, pushed)
    idle = time.monotonic()
    page.wait_for_timeout(2500)  # a polling page would have asked 3 times by now
    assert polled_since(page, idle) == []
    assert page.evaluate("window.InterviewPrepLive.state") == "connected"
    page.context.close()
    assert page.errors == []


def test_the_interviewers_reveal_reaches_the_candidate_without_polling(browser, live_server, owner, partner,
                                                                        paired_round):
    interviewer, candidate = open_as(browser, live_server, owner), open_as(browser, live_server, partner)
    interviewer.goto(f"/practice/rounds/{paired_round.pk}/")
    candidate.goto(f"/practice/rounds/{paired_round.pk}/")
    connected(interviewer)
    connected(candidate)
    quiet = time.monotonic()
    candidate.wait_for_timeout(2000)
    assert polled_since(candidate, quiet) == [], "a connected page must not poll"

    interviewer.get_by_role("button", name="Reveal hint 1 to the candidate").click()
    expect(candidate.locator("#live")).to_contain_text(FIRST_HINT)
    interviewer.context.close()
    candidate.context.close()
    assert interviewer.errors == [] and candidate.errors == []


def test_a_dropped_socket_reconnects_and_the_page_catches_up(browser, live_server, owner, partner, paired_round):
    candidate = open_as(browser, live_server, partner)
    candidate.goto(f"/practice/rounds/{paired_round.pk}/")
    connected(candidate)
    sum_two = paired_round.questions.select_related("question", "round__session").get()
    # The socket drops, and the interviewer reveals a hint before it is back: the page must still show it.
    candidate.evaluate("window.InterviewPrepLive.drop()")
    round_services.hint_reveal_next(round_question=sum_two)
    expect(candidate.locator("#live")).to_contain_text(FIRST_HINT)
    connected(candidate)  # back on the socket by itself
    quiet = time.monotonic()
    candidate.wait_for_timeout(2000)
    # At most the one request its "hello" asks for (what changed while it was away): no timer's.
    pushed = [at for at in candidate.pushes if at >= quiet - 0.5]
    assert len(polled_since(candidate, quiet)) <= len(pushed), "the fallback poll must stop once the socket is back"
    candidate.context.close()
    assert candidate.errors == []


def test_an_outsiders_page_gets_no_socket_and_no_round(browser, live_server, outsider, paired_round):
    page = open_as(browser, live_server, outsider)
    response = page.goto(f"/practice/rounds/{paired_round.pk}/")
    assert response.status == 404
    # Even a socket opened by hand from a page of the site is refused for a round that is not theirs.
    code = page.evaluate("""(id) => new Promise((resolve) => {
        const socket = new WebSocket(`ws://${location.host}/ws/rounds/${id}/`);
        socket.onclose = (event) => resolve(event.code);
    })""", paired_round.pk)
    assert code == 4403
    page.context.close()
