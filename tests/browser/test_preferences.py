"""Preferences in a real browser: the theme on every page (no flash), readable text in both themes,
the editor's font size and Vim / Emacs keys, the Focus layout remembered, and the shortcut list."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from interviewprep.models import Preferences
from questions.models import Question
from sessions.rounds import clock, services as round_services

pytestmark = pytest.mark.django_db(transaction=True)

# Every visible text's contrast against the colour actually behind it (the nearest ancestor with an opaque
# background), by WCAG 2's formula: 4.5:1, or 3:1 for large text. Disabled controls are exempt, as in WCAG.
CONTRAST_FAILURES = """() => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 }; };
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (x, y) => { const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p); return (a + 0.05) / (b + 0.05); };
  const behind = (el) => { for (let e = el; e; e = e.parentElement) { const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg && bg.a >= 0.99) return bg.rgb; } return parse(getComputedStyle(document.documentElement).backgroundColor)?.rgb || [255, 255, 255]; };
  const failures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest("svg, .visually-hidden, .skip-link, [hidden], dialog:not([open]), :disabled, .katex")) continue;
    const box = el.getBoundingClientRect(); const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === "hidden" || Number(style.opacity) === 0) continue;
    const fg = parse(style.color); if (!fg || fg.a < 0.5) continue;
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const got = ratio(fg.rgb, behind(el));
    if (got < needed) failures.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${got.toFixed(2)}`);
  }
  return failures;
}"""


def page_for(browser, live_server, user=None, viewport=None):
    context = browser.new_context(base_url=live_server.url, viewport=viewport or {"width": 1366, "height": 900})
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def choose(user, **values):
    Preferences.objects.update_or_create(user=user, defaults=values)


def coding_round(user):
    return round_services.session_start(owner=user, question=Question.objects.get(slug="sum-two")).rounds.get()


def open_round(page, stage_round):
    page.goto(f"/practice/rounds/{stage_round.pk}/")
    expect(page.locator("#editor .cm-content")).to_be_visible()


def background_luminance(page, selector="html"):
    return page.evaluate("""(sel) => { const m = getComputedStyle(document.querySelector(sel)).backgroundColor.match(/\\d+/g).map(Number);
      return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; }""", selector)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_main_page_is_readable_in_both_themes(browser, live_server, owner, mini_pack, theme):
    choose(owner, theme=theme)
    ended = coding_round(owner)
    clock.round_end(round=ended)
    running = coding_round(owner)
    page = page_for(browser, live_server, owner)
    pages = ["/", "/questions/", "/practice/history/", "/practice/progress/", "/preferences/",
             f"/practice/sessions/{ended.session_id}/review/", f"/practice/rounds/{running.pk}/"]
    failures = {}
    for url in pages:
        response = page.goto(url)
        # The theme is in the HTML as served, so the first paint is already right (no flash).
        assert f'data-theme="{theme}"' in response.text()
        page.wait_for_load_state("load")
        dark = background_luminance(page) < 0.2
        assert dark is (theme == "dark"), url
        found = page.evaluate(CONTRAST_FAILURES)
        if found:
            failures[url] = found
    assert failures == {}


def test_system_theme_follows_the_browser_and_print_stays_light(browser, live_server, owner, mini_pack):
    page = page_for(browser, live_server, owner)
    page.emulate_media(color_scheme="dark")
    page.goto("/")
    assert background_luminance(page) < 0.2
    page.emulate_media(color_scheme="light")
    assert background_luminance(page) > 0.8
    choose(owner, theme="dark")
    page.goto("/")
    page.emulate_media(media="print")
    assert background_luminance(page) > 0.8


def test_a_visitor_chooses_dark_in_the_browser_and_keeps_it(browser, live_server, mini_pack):
    page = page_for(browser, live_server)
    page.goto("/preferences/")
    page.get_by_label("Dark").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Preferences saved in this browser")).to_be_visible()
    response = page.goto("/questions/")
    assert 'data-theme="dark"' in response.text()
    assert background_luminance(page) < 0.2


def test_the_editor_uses_the_font_size_and_wrapping(browser, live_server, owner, mini_pack):
    page = page_for(browser, live_server, owner)
    page.goto("/preferences/")
    page.get_by_label("Editor font size").fill("20")
    page.get_by_label("Wrap long lines").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Preferences saved.")).to_be_visible()
    open_round(page, coding_round(owner))
    assert page.evaluate("getComputedStyle(document.querySelector('#editor .cm-editor')).fontSize") == "20px"
    assert page.locator("#editor .cm-lineWrapping").count() == 1


def code_after_keys(page, *keys):
    """Press keys in the editor and return the code the page then saves (the #code field follows the editor)."""
    page.locator("#editor .cm-content").click()
    for key in keys:
        page.keyboard.press(key)
    return page.evaluate("document.getElementById('code').value")


def test_vim_dd_deletes_a_line(browser, live_server, owner, mini_pack):
    choose(owner, key_bindings="vim")
    page = page_for(browser, live_server, owner)
    open_round(page, coding_round(owner))
    before = page.evaluate("document.getElementById('code').value")
    assert len(before.splitlines()) >= 2
    expect(page.locator(".cm-vim-panel, .cm-fat-cursor").first).to_be_attached()
    after = code_after_keys(page, "Escape", "g", "g", "d", "d")
    assert after.splitlines() == before.splitlines()[1:]


def test_emacs_control_e_goes_to_the_end_of_the_line(browser, live_server, owner, mini_pack):
    choose(owner, key_bindings="emacs")
    page = page_for(browser, live_server, owner)
    open_round(page, coding_round(owner))
    before = page.evaluate("document.getElementById('code').value")
    after = code_after_keys(page, "Control+Home", "Control+e", "#", "E")
    assert after.splitlines()[0] == before.splitlines()[0] + "#E"


def test_focus_hides_the_problem_and_is_remembered(browser, live_server, owner, mini_pack):
    page = page_for(browser, live_server, owner)
    open_round(page, coding_round(owner))
    problem = page.locator("#problem-pane")
    focus = page.get_by_role("button", name="Focus")
    expect(problem).to_be_visible()
    focus.click()
    expect(problem).to_be_hidden()
    expect(focus).to_have_attribute("aria-pressed", "true")
    editor_width = page.locator("#editor").bounding_box()["width"]
    assert editor_width > 1366 * 0.8
    page.reload()
    expect(page.locator("#editor .cm-content")).to_be_visible()
    expect(problem).to_be_hidden()
    page.keyboard.press("Alt+Shift+F")
    expect(problem).to_be_visible()


def test_question_mark_lists_the_page_shortcuts(browser, live_server, owner, mini_pack):
    page = page_for(browser, live_server, owner)
    open_round(page, coding_round(owner))
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    page.locator("#editor .cm-content").click()
    page.keyboard.type("# why?")  # in the editor (or any field) "?" is typed, not a shortcut
    expect(page.locator("#editor .cm-content")).to_contain_text("# why?")
    expect(help_dialog).to_be_hidden()
    page.locator("h2").first.click()
    page.keyboard.press("?")
    expect(help_dialog).to_be_visible()
    for does in ("Run the code", "Submit: judge every test", "Focus: hide or show the problem pane", "Show this list"):
        expect(help_dialog).to_contain_text(does)
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    page.get_by_role("button", name="Shortcuts").click()
    expect(help_dialog).to_be_visible()
    help_dialog.get_by_role("button", name="Close").click()
    expect(help_dialog).to_be_hidden()
