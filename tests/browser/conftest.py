"""Playwright driving Debian's Chromium against the live server, with a real worker on Redis."""

import os
import shutil

import pytest

from tests.browser.pages import open_as

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    # A page fulfilled through Playwright's request routing (the recording candidate of the paired tests)
    # has no address space, so Chromium's Local Network Access checks take it for a public site and
    # block its websockets to the loopback server. A page the server itself sends is not affected.
    # WebRtcHideLocalIpsWithMdns: the call's two contexts connect over loopback with plain host candidates
    # (an mDNS name for 127.0.0.1 may not resolve in this container).
    "--disable-features=LocalNetworkAccessChecks,WebRtcHideLocalIpsWithMdns",
    # The call and "Answer aloud" tests: a fake microphone and camera (a beeping tone and a test pattern), and
    # no permission prompt; recordings play back in the replay without a gesture for every play().
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
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
    errors: list[str] = []
    page = open_as(browser, live_server, owner, errors)
    yield page
    page.context.close()
    assert errors == [], f"JavaScript errors or CSP violations on the page: {errors}"
