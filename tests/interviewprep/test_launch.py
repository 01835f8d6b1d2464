"""`make run` end to end: the launcher on a fresh data folder, with its embedded defaults (SQLite and the
filesystem broker), serves the app and runs code through its own Celery worker and the sandbox."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.conftest import BASE_DIR
from tests.servers import free_port

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the launcher's defaults are SQLite: the SQLite pass covers it"
)
# What the test run sets for itself that `make run` must not inherit.
TEST_ONLY = ("DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL", "SANDBOX_QUEUE", "DATABASE_URL")
PI = """import sys
seed, n = map(int, sys.stdin.read().split())
state, inside = seed, 0
for _ in range(n):
    state = state * 48271 % 2147483647
    x = state / 2147483647
    state = state * 48271 % 2147483647
    inside += x * x + (state / 2147483647) ** 2 <= 1
p = inside / n
print(f"{4 * p:.6f} {4 * (p * (1 - p) / n) ** 0.5:.6f}")
"""


class Browser:
    """Just enough of one: cookies, redirects followed, the CSRF token sent back with each form."""

    def __init__(self, base: str):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str, str]:
        body = None
        if data is not None:
            token = next(c.value for c in self.jar if c.name == "csrftoken")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), response.geturl()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.geturl()


def ready(browser: Browser) -> bool:
    try:
        return browser.request("/health/")[0] == 200  # database, broker and a live worker
    except urllib.error.URLError:
        return False  # not listening yet


@pytest.fixture
def launched(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    env.update(INTERVIEWPREP_VAR_DIR=str(tmp_path / "var"), PORT=str(port))
    log = open(tmp_path / "launch.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "interviewprep.launch"], cwd=BASE_DIR, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 120
        while not ready(browser):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("make run did not become ready:\n" + (tmp_path / "launch.log").read_text()[-4000:])
            time.sleep(0.5)
        yield browser, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the launcher stops the web server and the worker with it
        try:
            stopped = process.wait(timeout=30) is not None
        except subprocess.TimeoutExpired:
            stopped = False
        if not stopped:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
    assert stopped, "the launcher did not stop on SIGTERM"


def test_make_run_serves_the_app_and_runs_code_in_the_sandbox(launched):
    browser, process = launched
    assert browser.request("/")[0] == 200  # the pack is loaded: the home page lists its loops
    browser.request("/accounts/signup/")
    status, _, _ = browser.request("/accounts/signup/", {
        "username": "runner", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42",
    })
    assert status == 200
    status, _, round_url = browser.request("/practice/start/", {"question": "monte-carlo-pi"})
    assert status == 200 and re.search(r"/practice/rounds/\d+/$", round_url), round_url
    path = urllib.parse.urlparse(round_url).path
    status, fragment, _ = browser.request(
        path + "q/1/run/", {"kind": "run", "language": "python", "code": PI}, headers={"HX-Request": "true"}
    )
    assert status == 202, fragment
    result_path = re.search(r'hx-get="(/practice/runs/\d+/)"', fragment).group(1)
    deadline = time.monotonic() + 60
    while "Examples passed" not in (result := browser.request(result_path)[1]):
        assert time.monotonic() < deadline, result
        time.sleep(0.5)
    assert process.poll() is None  # everything still up
