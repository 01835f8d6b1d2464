"""Paired rounds end to end: an interviewer and a guest candidate, each in their own browser context.

The candidate's context records every response body it receives, so the test can show that
nothing only the interviewer may see (private notes, model answers, hints and constraints not
yet given) ever reaches the candidate's browser, not even in a fragment htmx discards.
"""

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from sessions.models import InterviewSession, NoteSheet, Round

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

NOTE_MARKER = "PRIVATE-NOTE-7f3a"
FEEDBACK_MARKER = "FEEDBACK-9c1e"
CODE = "a, b = map(int, input().split())\nprint(a + b)  # typed-by-casey-42\n"
# Text the candidate must never receive. The model answers are the mini pack's; so are the
# second hint and the second constraint, which the interviewer never gives in this round.
NEVER_FOR_THE_CANDIDATE = {
    "the interviewer's note": NOTE_MARKER,
    "the coding model answer": "Read, add, print",
    "the design model answer": "Fan-out on write",
    "the hint not given": "Convert with",
    "the constraint not given": "must work offline",
}
LIVE_TIMEOUT = 5_000  # a round's live polls run every 0.4 s (interviewer) and 0.7 s (candidate)
WAITING_TIMEOUT = 10_000  # waiting pages (session, summary) poll every 2 s


def watch_for_errors(page, errors: list[str]) -> None:
    """The conftest's pattern: uncaught exceptions and Content-Security-Policy violations."""
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text else None)


class GuestBrowser:
    """A fresh browser context for the candidate, recording the body of every response it receives.

    Every request goes through a route that fetches the response, records its body and only then
    hands it to the page. Listening for "response" events instead loses bodies the browser drops
    (a preview request still in flight when the page navigates), so the recording would be
    incomplete exactly when a page changes. Every frame its websockets receive is recorded too.
    """

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        self.bodies: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._relay)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.socket_frames = 0
        self.page.on("websocket", self._record_frames)  # the live round's websocket is checked like HTTP
        watch_for_errors(self.page, self.errors)

    def _record_frames(self, socket) -> None:
        def record(payload) -> None:
            self.socket_frames += 1
            text = payload if isinstance(payload, str) else payload.decode("utf-8", errors="replace")
            self.bodies.append((socket.url, text))

        socket.on("framereceived", record)

    def _relay(self, route) -> None:
        try:
            # Redirects go back to the browser as they are, so it follows them itself as usual.
            response = route.fetch(max_redirects=0)
            self.bodies.append((route.request.url, response.body().decode("utf-8", errors="replace")))
            route.fulfill(response=response)
        except PlaywrightError:
            pass  # the page or the context closed first; any body that came is recorded all the same

    def assert_nothing_private_seen(self) -> None:
        """Both what the candidate's page shows now and everything received so far."""
        dom = self.page.content()
        for what, text in NEVER_FOR_THE_CANDIDATE.items():
            assert text not in dom, f"{what} is in the candidate's page at {self.page.url}"
            leaks = [url for url, body in self.bodies if text in body]
            assert leaks == [], f"{what} reached the candidate's browser in: {leaks}"


@pytest.fixture
def interviewer_page(signed_in_page):
    """The owner interviews; `signed_in_page` already fails the test on JavaScript errors and CSP violations."""
    return signed_in_page


@pytest.fixture
def guest(browser, live_server):
    guest_browser = GuestBrowser(browser, live_server.url)
    yield guest_browser
    guest_browser.context.close()
    errors = guest_browser.errors
    assert errors == [], f"JavaScript errors or CSP violations on the candidate's page: {errors}"


def set_up_paired_session(page, stage_title: str, question_titles: list[str]) -> str:
    """The interviewer picks questions on one stage; returns the invite link the next page shows once."""
    page.goto("/practice/paired/new/")
    stage = page.locator("details", has=page.locator("summary", has_text=stage_title))
    stage.locator("summary").click()
    for title in question_titles:
        stage.get_by_label(title).check()
    stage.get_by_role("button", name="Set up and get the invite link").click()
    invite = page.locator("#invite-url")
    expect(invite).to_have_value(re.compile(r"/practice/join/"))
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()  # copy.js ran under the CSP
    return invite.input_value()


def join_as_guest(page, invite_url: str, name: str) -> None:
    page.goto(invite_url)
    page.get_by_label("Your name, as your interviewer will see it").fill(name)
    page.get_by_role("button", name="Join as a guest").click()
    expect(page.get_by_role("heading", name="Waiting for your interviewer")).to_be_visible()


def start_the_round(page, candidate_name: str) -> None:
    """On the interviewer's view of the round, once the candidate has joined."""
    expect(page.get_by_text(f"you are interviewing {candidate_name}")).to_be_visible(timeout=WAITING_TIMEOUT)
    page.get_by_role("button", name="Start the round").click()
    expect(page.get_by_role("button", name="End round")).to_be_visible()
    page.wait_for_load_state("load")  # the page's scripts are running


def move_both_to(page, title: str) -> None:
    """The interviewer's question navigation; the candidate's page follows through its live poll."""
    page.get_by_title(f"Move both of you to: {title}").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.wait_for_load_state("load")


def type_in_pad(page, field: str, text: str) -> None:
    """Replace what the shared pad behind form field `field` holds, once it holds the server's text."""
    expect(page.locator(f"[name={field}][data-pad-state=synced]")).to_be_attached()
    # The code's editor is the page's main one; every other pad's editor follows its hidden field.
    editor = "#editor .cm-content" if field == "code" else f"[name={field}] + .pad-editor .cm-content"
    page.locator(editor).click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def type_code(page, code: str) -> None:
    type_in_pad(page, "code", code)


def test_a_paired_coding_round_from_invite_to_released_feedback(interviewer_page, guest, mini_pack, celery_worker):
    interviewer, candidate = interviewer_page, guest.page

    invite_url = set_up_paired_session(interviewer, "Coding screen", ["Sum two numbers", "Design a feed"])
    join_as_guest(candidate, invite_url, "Casey")
    # The interviewer's session page moves on by itself once Casey has joined.
    expect(interviewer.get_by_text("alice and Casey.")).to_be_visible(timeout=WAITING_TIMEOUT)
    assert InterviewSession.objects.count() == 1  # moving on did not set up a second session
    interviewer.get_by_role("link", name="Look at the questions first").click()
    start_the_round(interviewer, "Casey")
    stage_round = Round.objects.get()

    # The candidate's waiting page opens the round by itself, on the question the interviewer has on screen.
    expect(candidate.get_by_role("heading", name="Design a feed")).to_be_visible(timeout=WAITING_TIMEOUT)
    guest.assert_nothing_private_seen()

    # The interviewer moves both of them to the coding question.
    move_both_to(interviewer, "Sum two numbers")
    expect(candidate.get_by_role("heading", name="Sum two numbers")).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(candidate.locator(".cm-content")).to_be_visible()
    candidate.wait_for_load_state("load")  # autosave and the editor are running
    guest.assert_nothing_private_seen()

    # The interviewer watches the pad live.
    type_code(candidate, CODE)
    expect(interviewer.locator("#candidate-code")).to_contain_text("typed-by-casey-42", timeout=LIVE_TIMEOUT)

    candidate.get_by_role("button", name="Run", exact=True).click()
    expect(candidate.locator("#results")).to_contain_text("Examples passed", timeout=30_000)
    runs = interviewer.locator("table.runs")
    expect(runs.locator("td.verdict-AC")).to_have_text("Passed AC", timeout=LIVE_TIMEOUT)  # in words beside the code
    expect(runs).to_contain_text("Run")
    guest.assert_nothing_private_seen()

    # A private note, tagged.
    interviewer.locator("#note-body").fill(f"{NOTE_MARKER}: parsed the input before anything else")
    expect(interviewer.locator("#note-status")).to_contain_text("Saved at")
    interviewer.get_by_role("button", name="Strong signal").click()
    expect(interviewer.locator("#note-status")).to_contain_text("Tagged “Strong signal”")
    entry = interviewer.locator("#note-entries li.note")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(NOTE_MARKER)
    expect(entry.locator(".tag-strong")).to_have_text("Strong signal")
    interviewer.get_by_role("button", name="New entry").click()
    editor = interviewer.locator("#note-body")
    expect(editor).to_have_value("")
    # From the keyboard: Ctrl+Enter closes an entry; the next one autosaves and stays in the editor
    # (a shortcut-clicked button must not ride along on later autosaves), and Alt+2 tags that entry.
    editor.press_sequentially("Asked about overflow")
    expect(interviewer.locator("#note-status")).to_contain_text("Saved at")
    editor.press("Control+Enter")
    expect(editor).to_have_value("")
    with interviewer.expect_response(lambda response: response.url.endswith("/notes/")):
        editor.press_sequentially("Tested with negatives")
    interviewer.wait_for_timeout(1_000)  # past any further autosave
    expect(editor).to_have_value("Tested with negatives")
    interviewer.keyboard.press("Alt+2")
    expect(interviewer.locator("#note-status")).to_contain_text("Tagged “Weak signal”")
    expect(entry).to_have_count(3)
    expect(entry.last).to_contain_text("Tested with negatives")
    expect(entry.last.locator(".tag-weak")).to_have_text("Weak signal")
    editor.press("Control+Enter")

    # A hint, given by the interviewer, arrives on the candidate's page.
    interviewer.get_by_role("button", name="Reveal hint 1 to the candidate").click()
    expect(interviewer.locator("#hints")).to_contain_text("1 of 2 given")
    expect(candidate.locator("#live")).to_contain_text("Split the line.", timeout=LIVE_TIMEOUT)
    expect(candidate.locator("#round-message")).to_contain_text("Your interviewer gave you a hint.")  # in view
    guest.assert_nothing_private_seen()

    # More time: the candidate's clock follows.
    interviewer.get_by_role("button", name="+5 min").click()
    expect(interviewer.get_by_role("timer")).to_have_text(re.compile(r"^4[89]:\d\d$"))
    expect(candidate.get_by_role("timer")).to_have_text(re.compile(r"^4[89]:\d\d$"), timeout=LIVE_TIMEOUT)

    # A pause hides the question from the candidate; the resume brings it back without a reload.
    interviewer.get_by_role("button", name="Pause").click()
    expect(candidate.get_by_role("heading", name="Paused")).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(candidate.get_by_text("hidden until your interviewer resumes")).to_be_visible()
    interviewer.get_by_role("button", name="Resume").click()
    expect(candidate.get_by_role("heading", name="Sum two numbers")).to_be_visible(timeout=LIVE_TIMEOUT)
    candidate.wait_for_load_state("load")

    # Back to the design question, where the interviewer adds a constraint.
    move_both_to(interviewer, "Design a feed")
    expect(candidate.get_by_role("heading", name="Design a feed")).to_be_visible(timeout=LIVE_TIMEOUT)
    candidate.wait_for_load_state("load")
    interviewer.get_by_role("button", name="Next constraint").click()
    expect(interviewer.locator("#constraints")).to_contain_text("1 of 2 given")
    expect(candidate.locator("#live")).to_contain_text("Now with 100 million users.", timeout=LIVE_TIMEOUT)
    expect(candidate.locator("#round-message")).to_contain_text("Your interviewer gave you a follow-up constraint.")
    expect(candidate.locator("#live")).not_to_contain_text("offline")
    type_in_pad(candidate, "answer", "Precompute each user's feed; typed-by-casey-43")
    expect(interviewer.locator("#candidate-answer")).to_contain_text("typed-by-casey-43", timeout=LIVE_TIMEOUT)
    guest.assert_nothing_private_seen()

    # The interviewer ends the round; both land on the summary.
    interviewer.once("dialog", lambda dialog: dialog.accept())
    interviewer.get_by_role("button", name="End round").click()
    expect(interviewer.get_by_role("heading", name=re.compile("Round summary"))).to_be_visible()
    expect(candidate.get_by_role("heading", name=re.compile("Round summary"))).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(candidate.get_by_text("Your interviewer has not released feedback yet.")).to_be_visible()
    guest.assert_nothing_private_seen()

    # The scorecard, released with the notes kept private.
    interviewer.get_by_role("link", name="Fill in and release the scorecard").click()
    interviewer.get_by_label("Tests the code: Yes").check()
    interviewer.locator("input[name=recommendation][value=yes]").check()
    interviewer.get_by_label("Written feedback for the candidate").fill(f"{FEEDBACK_MARKER}: clear and tested.")
    expect(interviewer.get_by_label("Share my time-stamped notes with the feedback")).not_to_be_checked()
    interviewer.once("dialog", lambda dialog: dialog.accept())  # released feedback is final: it asks first
    interviewer.get_by_role("button", name="Save and release to the candidate (final)").click()
    expect(interviewer.get_by_role("status")).to_contain_text("Feedback released")

    # The candidate's summary swaps the feedback in by itself (its live poll), and nothing private.
    feedback = candidate.locator("#scorecard-feedback")
    expect(feedback).to_contain_text(FEEDBACK_MARKER, timeout=WAITING_TIMEOUT)
    expect(candidate.locator("table.scorecard")).to_contain_text("Tests the code")
    expect(candidate.locator("p", has_text="Overall recommendation:")).to_contain_text("Yes")
    guest.assert_nothing_private_seen()

    # Feedback goes both ways. While Casey writes hers, the interviewer swaps roles, which changes the
    # summary's live region; her form is outside it, so what she is typing stays until it is sent.
    candidate.get_by_label("It felt like the real interview: Mostly").check()
    candidate.get_by_label(re.compile("What worked")).fill("The follow-ups felt real; typed-by-casey-44")
    interviewer.goto(f"/practice/rounds/{stage_round.pk}/summary/")
    interviewer.get_by_role("button", name="Swap roles for another round").click()
    expect(interviewer).to_have_url(re.compile(r"/practice/sessions/\d+/$"))
    candidate.wait_for_timeout(2 * 2_000 + 500)  # two of the summary page's polls
    expect(candidate.get_by_role("heading", name=re.compile("Round summary"))).to_be_visible()
    expect(candidate.get_by_label(re.compile("What worked"))).to_have_value(re.compile("typed-by-casey-44"))
    candidate.get_by_label("The questions, and what was expected of me, were clear: Fully").check()
    candidate.get_by_label("Hints and follow-ups came at the right moments: A little").check()
    candidate.get_by_role("button", name="Send to your interviewer (final)").click()
    expect(candidate.get_by_role("status")).to_contain_text("Sent: your interviewer can read your feedback now.")
    interviewer.goto(f"/practice/rounds/{stage_round.pk}/summary/")
    expect(interviewer.locator("#interviewer-feedback")).to_contain_text("typed-by-casey-44")
    expect(interviewer.locator("#interviewer-feedback")).to_contain_text("2 · A little")
    guest.assert_nothing_private_seen()

    assert len(guest.bodies) > 10  # the recording really saw the round
    stage_round.refresh_from_db()
    assert stage_round.status == Round.Status.FINISHED and stage_round.end_reason == Round.EndReason.ENDED


def test_a_behavioural_round_keeps_the_interviewers_notes_sheet(interviewer_page, guest, mini_pack):
    interviewer = interviewer_page
    invite_url = set_up_paired_session(interviewer, "Culture chat", ["Why us"])
    # This time the interviewer waits on their view of the round, which reloads when Casey joins.
    interviewer.get_by_role("link", name="open the interviewer's view").click()
    expect(interviewer.get_by_text("you are interviewing (not joined yet)")).to_be_visible()
    join_as_guest(guest.page, invite_url, "Casey")
    start_the_round(interviewer, "Casey")

    sheet = interviewer.locator("#note-sheet")
    expect(sheet).to_contain_text("Behavioural (per question)")
    written = {
        "situation": "Led a migration at a bank, 2022.",
        "task": "Own the cut-over plan.",
        "action": "Ran a dry run with the on-call team.",
        "result": "No downtime; would start the dry runs sooner.",
    }
    for name, text in written.items():
        sheet.locator(f"textarea[name={name}]").fill(text)
    # Each textarea left saves at once (a change); wait for the save that carries the rating too.
    def sheet_save_with_rating(response):
        return response.url.endswith("/sheet/") and "rating_ownership=4" in (response.request.post_data or "")

    with interviewer.expect_response(sheet_save_with_rating):
        sheet.get_by_label("Ownership: Strong").check()
    expect(interviewer.locator("#sheet-status")).to_contain_text(re.compile(r"Saved \d\d:\d\d:\d\d"))

    interviewer.reload()
    sheet = interviewer.locator("#note-sheet")
    for name, text in written.items():
        expect(sheet.locator(f"textarea[name={name}]")).to_have_value(text)
    expect(sheet.get_by_label("Ownership: Strong")).to_be_checked()
    saved = NoteSheet.objects.get()
    assert saved.fields == written and saved.ratings == {"ownership": 4}
