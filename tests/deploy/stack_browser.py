"""A browser journey through a running compose stack: sign up, coding round, Run, a real verdict, End round;
then a concept question answered aloud (Chromium's fake microphone), saved to the recordings volume and
played back.

    python tests/deploy/stack_browser.py http://127.0.0.1:18080

Run by tests/deploy/stack_test.py with an interpreter that has Playwright (the project's test dependencies)
and Debian's Chromium. Prints one line per step; exit status 0 when the journey passed.
"""

from __future__ import annotations

import re
import secrets
import shutil
import sys

from playwright.sync_api import expect, sync_playwright
from stack_http import QUESTION, SOLUTIONS  # beside this file: the script's folder is on sys.path

SOLUTION = SOLUTIONS["python"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
SPOKEN_QUESTION = "attention-complexity-long-context"  # a concept question of the bundled pack
# The recording as the browser decodes it: its length in seconds.
DECODED_SECONDS = """async (url) => {
  const data = await (await fetch(url, { credentials: "same-origin" })).arrayBuffer();
  return (await new OfflineAudioContext(1, 48000, 48000).decodeAudioData(data)).duration;
}"""


def replace_code(page, code: str) -> None:
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def journey(base_url: str) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(30_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto("/accounts/signup/")
        password = secrets.token_urlsafe(12) + "aA1!"
        page.locator("#id_username").fill("browser-" + secrets.token_hex(4))
        page.locator("#id_password1").fill(password)
        page.locator("#id_password2").fill(password)
        page.locator("form").filter(has=page.locator("#id_username")).locator("[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/signup/"))
        print("signed up", flush=True)

        page.goto(f"/questions/{QUESTION}/")
        page.get_by_role("button", name="Practise this question in a timed round").click()
        expect(page.get_by_role("timer")).to_be_visible()
        page.wait_for_load_state("load")
        print("coding round started", flush=True)
        # The round's websocket through uvicorn and the Redis channel layer: the verdict below is pushed.
        expect(page.locator("[data-live-state=connected]")).to_be_attached()
        print("live socket connected", flush=True)

        page.locator("#language").select_option("python")
        replace_code(page, SOLUTION)
        page.get_by_role("button", name="Run", exact=True).click()
        expect(page.locator("#results")).to_contain_text("Examples passed", timeout=120_000)  # the run, then a tab per test
        print("Run: " + re.sub(r"\s+", " ", page.locator("#results .verdict").first.inner_text()), flush=True)
        assert page.evaluate("window.InterviewPrepLive.state") == "connected", "the socket dropped during the run"

        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="End round").click()
        expect(page.get_by_role("heading", name=re.compile("Round summary"))).to_be_visible()
        expect(page.locator("table.runs")).to_contain_text("AC")
        print("round ended: the summary lists the run", flush=True)

        page.goto(f"/questions/{SPOKEN_QUESTION}/")
        page.get_by_role("button", name="Practise this question in a timed round").click()
        page.get_by_role("button", name="Start recording").click()
        expect(page.locator(".spoken-status")).to_have_text("Recording… answer as you would in the room.")
        page.wait_for_timeout(3500)
        page.get_by_role("button", name="Stop").click()
        take = page.locator(".spoken-takes .recording audio")
        expect(take).to_have_count(1)
        seconds = page.evaluate(DECODED_SECONDS, take.get_attribute("src"))
        assert seconds >= 3, f"the spoken answer decodes to {seconds} s"
        print(f"answered aloud: {seconds:.1f} s recorded, uploaded and played back", flush=True)
        browser.close()
        if errors:
            raise AssertionError(f"JavaScript errors on the page: {errors}")


if __name__ == "__main__":
    journey(sys.argv[1])
    print("browser journey passed")
