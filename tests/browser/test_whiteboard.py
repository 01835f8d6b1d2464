"""The whiteboard of a design round in a real browser: draw two shapes and an arrow, reload and find them,
then see them in the replay and on the print page, with no request leaving the app's own server."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Round, Whiteboard, WhiteboardSnapshot

pytestmark = [pytest.mark.django_db(transaction=True)]


def drag(page, box, start, end, tool):
    page.keyboard.press(tool)
    page.mouse.move(box["x"] + start[0], box["y"] + start[1])
    page.mouse.down()
    page.mouse.move(box["x"] + (start[0] + end[0]) / 2, box["y"] + (start[1] + end[1]) / 2, steps=4)
    page.mouse.move(box["x"] + end[0], box["y"] + end[1], steps=4)
    page.mouse.up()


def test_drawing_a_design_and_finding_it_again(signed_in_page, live_server, mini_pack):
    page = signed_in_page
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto("/questions/design-feed/")
    page.get_by_role("button", name="Practise this question in a timed round").click()
    board = page.locator("#whiteboard")
    expect(board).to_have_attribute("data-ready", "true")
    expect(board).to_have_attribute("data-elements", "0")
    board.scroll_into_view_if_needed()  # the mouse draws only on what is on screen
    canvas = board.locator("canvas.interactive")
    box = canvas.bounding_box()

    # The shape library for system and ML design is loaded into the board.
    board.get_by_title("Library").first.click()
    expect(board.locator(".library-unit")).to_have_count(10)
    board.locator(".sidebar__close").click()  # closed again
    expect(board.locator(".library-unit")).to_have_count(0)
    canvas.click(position={"x": 5, "y": 5})  # focus the board, so its keyboard shortcuts pick the tools
    drag(page, box, (120, 160), (300, 260), "r")  # a rectangle
    page.keyboard.press("Escape")
    drag(page, box, (520, 160), (700, 260), "o")  # an ellipse
    page.keyboard.press("Escape")
    drag(page, box, (310, 210), (510, 210), "a")  # an arrow from one to the other
    page.keyboard.press("Escape")
    expect(board).to_have_attribute("data-elements", "3")
    expect(page.locator("#whiteboard-status")).to_contain_text("Whiteboard saved at")

    scene = Whiteboard.objects.get().scene
    for kind in ("rectangle", "ellipse", "arrow"):
        assert f'"type":"{kind}"' in scene
    assert WhiteboardSnapshot.objects.exists()

    page.reload()
    expect(board).to_have_attribute("data-ready", "true")
    expect(board).to_have_attribute("data-elements", "3")

    # End the round, then the review page's replay shows the board at the end, as the server drew it.
    stage_round = Round.objects.get()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="End round").click()
    expect(page.get_by_role("heading", name=re.compile("Round summary"))).to_be_visible()
    page.goto(f"/practice/sessions/{stage_round.session_id}/review/")
    review_drawing = page.locator("article .whiteboard-drawing svg")
    expect(review_drawing.locator("rect[rx]")).to_have_count(1)
    replay = page.locator(f"#replay-{stage_round.pk}")
    replay.scroll_into_view_if_needed()
    expect(replay.locator(".replay-player")).to_be_visible()
    replay.locator(".replay-scrubber").fill(replay.locator(".replay-scrubber").get_attribute("max"))
    drawing = replay.locator(".replay-board-drawing svg")
    expect(drawing.locator("ellipse")).to_have_count(1)
    expect(drawing.locator("polyline")).to_have_count(1)
    expect(replay.locator(".replay-board-label")).to_contain_text("Whiteboard of question 1 at")

    page.goto(f"/practice/sessions/{stage_round.session_id}/print/")
    printed = page.locator(".print-question .whiteboard-drawing svg")
    expect(printed.locator("ellipse")).to_have_count(1)
    expect(printed.locator("rect[rx]")).to_have_count(1)

    # Everything came from the app's own server: scripts, styles, fonts (no CDN), and nothing else was sent.
    outside = [url for url in requests if not url.startswith((live_server.url, "data:", "blob:"))]
    assert outside == []
    assert any("/static/vendor/excalidraw/" in url for url in requests)
