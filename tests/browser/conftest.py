"""Playwright driving Debian's Chromium against the live server, with a real worker on Redis."""

import os
import shutil

import pytest
from django.test import Client


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    # A page fulfilled through Playwright's request routing (the recording candidate of the paired tests)
    # has no address space, so Chromium's Local Network Access checks take it for a public site and
    # block its websockets to the loopback server. A page the server itself sends is not affected.
    "--disable-features=LocalNetworkAccessChecks",
]


@pytest.fixture(scope="module", autouse=True)
def allow_orm_beside_playwright():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make between browser steps are still plain synchronous code. Only while a browser
    # module runs, so the variable never leaks into processes other tests start.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module; closed when the module ends, which also ends Playwright's event loop."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: apt-get install chromium (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker):
    """pytest-django's `live_server`, but ASGI: the pages' websockets (sessions/live/) connect to it."""
    from tests.servers import ThreadedASGIServer

    with django_db_blocker.unblock():
        server = ThreadedASGIServer().start()
    yield server
    server.stop()


@pytest.fixture
def signed_in_page(browser, live_server, owner):
    """A page whose browser context is logged in as the owner."""
    client = Client()
    client.force_login(owner)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The strict Content-Security-Policy must not block anything the app itself needs.
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert errors == [], f"JavaScript errors or CSP violations on the page: {errors}"
