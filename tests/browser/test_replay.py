"""The replay widget in a real browser: it loads the timeline once, plays it, and jumps to a note or a run.

The signed_in_page fixture fails the test on any JavaScript error or CSP violation.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from questions.models import Question
from sessions.feedback import notes as note_services
from sessions.models import Round, RoundQuestion, Submission
from sessions.rounds import services as round_services

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = [
    (20, "def solve():\n    pass\n"),
    (45, "def solve():\n    a, b = map(int, input().split())\n"),
    (80, "def solve():\n    a, b = map(int, input().split())\n    print(a + b)\n"),
    (300, "def solve():\n    a, b = map(int, input().split())\n    print(a + b)\n\nsolve()\n"),
]


@pytest.fixture
def played(owner, mini_pack):
    """A finished solo coding round: four saves, a hint, a failing run, a note, a passing submit."""
    start = timezone.now() - timedelta(hours=1)
    session = round_services.session_start(owner=owner, question=Question.objects.get(slug="sum-two"), now=start)
    stage_round = session.rounds.get()
    rq = RoundQuestion.objects.select_related("question", "round__session").get(round=stage_round)
    for seconds, code in STEPS:
        round_services.answer_save(round_question=rq, values={"code": code}, now=start + timedelta(seconds=seconds))
    round_services.hint_reveal_next(round_question=rq, now=start + timedelta(seconds=30))
    for seconds, kind, verdict in ((60, "run", "WA"), (310, "submit", "AC")):
        run = Submission.objects.create(user=owner, round_question=rq, question=rq.question, kind=kind, language="python",
                                        source=STEPS[-1][1], status="done", verdict=verdict,
                                        results={"passed": 2 if verdict == "AC" else 0, "total": 2})
        Submission.objects.filter(pk=run.pk).update(created_at=start + timedelta(seconds=seconds),
                                                    finished_at=start + timedelta(seconds=seconds + 1))
    note_services.note_save(round=Round.objects.get(pk=stage_round.pk), author=owner, body="Forgot to **call** solve",
                            tags=["weak"], now=start + timedelta(seconds=90))
    round_services.round_end(round=Round.objects.get(pk=stage_round.pk), now=start + timedelta(seconds=330))
    return session


def test_playing_a_replay_and_jumping_to_a_note(signed_in_page, played):
    page = signed_in_page
    replays = []
    page.on("request", lambda request: replays.append(request.url) if "/replay/" in request.url else None)
    page.goto(f"/practice/sessions/{played.pk}/review/")
    replay = page.locator(".replay")
    replay.scroll_into_view_if_needed()
    player = replay.locator(".replay-player")
    expect(player).to_be_visible()
    entries = replay.locator(".replay-entries")
    expect(entries).to_contain_text("Hint revealed")
    expect(entries).to_contain_text("Run: WA 0/2")
    expect(entries).to_contain_text("Submit: AC 2/2")
    expect(entries.locator("strong")).to_have_text("call")  # the note's Markdown, rendered by the server
    time = replay.locator(".replay-time")
    expect(time).to_have_text("0:00 of 5:30")

    # Play at 10x: idle stretches are shortened, so the whole round plays in a few seconds.
    replay.locator(".replay-speed").select_option("10")
    replay.get_by_role("button", name="Play").click()
    expect(replay.locator(".replay-play")).to_have_attribute("aria-pressed", "true")
    code = replay.locator(".replay-code")
    expect(code).to_contain_text("solve()", timeout=15_000)
    expect(replay.locator(".replay-play")).to_have_text("Play", timeout=15_000)  # stopped at the end
    expect(time).to_have_text("5:30 of 5:30")
    assert len(replays) == 1  # the timeline came in one request

    # Jump to the note at 1:30: the code is as it was then, its new line marked.
    entries.locator(".replay-note button").click()
    note = entries.locator(".replay-note")
    expect(note).to_have_attribute("aria-current", "true")
    expect(time).to_have_text(re.compile(r"^1:30 of 5:30$"))
    expect(code).to_contain_text("print(a + b)")
    expect(code).not_to_contain_text("solve()\n\nsolve()")
    expect(code.locator(".line.changed")).to_have_text(["    print(a + b)\n"])
    # Coloured by Pygments' classes; the change is marked in the margin, not by a background.
    expect(code.locator(".line.changed .nb")).to_have_text(["print"])
    background = code.locator(".line.changed").evaluate("(line) => getComputedStyle(line).backgroundColor")
    assert background == "rgba(0, 0, 0, 0)"
    expect(replay.locator(".replay-moment")).to_have_text("1:30 · Note — Weak signal — Forgot to call solve")

    # Jump to the failing run at 1:00: the code before the print line.
    entries.locator(".replay-run button").first.click()
    expect(time).to_have_text("1:00 of 5:30")
    expect(code).not_to_contain_text("print")

    # The scrubber moves the code pane too.
    replay.locator(".replay-scrubber").fill("0")
    expect(replay.locator(".replay-code-label")).to_have_text("Nothing written yet.")
    assert len(replays) == 1
