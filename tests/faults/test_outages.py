"""Fault tests with real processes: the broker goes away and comes back; the web process restarts mid-round.

A private redis-server, a gunicorn web process and a Celery worker are started for
this module, all on the suite's test database; the test talks to them over HTTP.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from questions.models import Question
from sessions.models import Round, RoundQuestion, Submission
from sessions.rounds.starting import session_start
from tests.conftest import BASE_DIR, _database_url
from tests.servers import free_port

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing listens on port {port}")


class Stack:
    """Private Redis + gunicorn + worker, started and stopped by the test."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.redis_port, self.web_port = free_port(), free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SANDBOX_QUEUE": f"outage-{uuid.uuid4().hex[:8]}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        }
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str]) -> None:
        log = open(self.tmp / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(argv, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def start_redis(self) -> None:
        self.start("redis", [shutil.which("redis-server"), "--port", str(self.redis_port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(self.tmp)])
        wait_for_port(self.redis_port)

    def start_web(self) -> None:
        self.start("web", [sys.executable, "-m", "gunicorn", "interviewprep.wsgi", "--workers", "1", "--threads", "4",
                           "--bind", f"127.0.0.1:{self.web_port}"])
        # The port opens before gunicorn's worker answers: wait for a real response.
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/health/live/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the web process did not start")
            time.sleep(0.1)

    def start_worker(self) -> None:
        self.start("worker", [sys.executable, "-m", "celery", "-A", "interviewprep", "worker", "--queues",
                              self.env["SANDBOX_QUEUE"], "--concurrency", "1", "--loglevel", "INFO",
                              "--without-gossip", "--without-mingle", "--without-heartbeat"])

    def stop(self, name: str, sig=signal.SIGTERM) -> None:
        proc = self.procs.pop(name)
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name, signal.SIGKILL)


@pytest.fixture
def stack(tmp_path):
    running = Stack(tmp_path)
    running.start_redis()
    running.start_web()
    running.start_worker()
    yield running
    running.stop_all()


class Browser:
    """Just enough of a browser: the session and CSRF cookies, the CSRF and HTMX headers."""

    def __init__(self, base: str, session_key: str):
        self.base = base
        self.cookies = {"sessionid": session_key}

    def request(self, path: str, data: dict | None = None, timeout: float = 30):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"HX-Request": "true", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        started = time.monotonic()
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.read().decode(), time.monotonic() - started, response.headers


def signed_in(user) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def wait_for_final_run(timeout: float = 60) -> Submission:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        latest = Submission.objects.order_by("-id").first()
        if latest and latest.is_final:
            return latest
        time.sleep(0.1)
    pytest.fail("the run did not finish")


def test_a_broker_outage_fails_runs_clearly_keeps_answers_and_recovers(stack, mini_pack):
    user = get_user_model().objects.create_user("candidate", password="x-long-password-1")
    stage_round = session_start(owner=user, question=Question.objects.get(slug="sum-two")).rounds.get()
    browser = Browser(f"http://127.0.0.1:{stack.web_port}", signed_in(user))
    page = f"/practice/rounds/{stage_round.pk}/"
    assert browser.request(page)[0] == 200
    run = {"kind": "run", "language": "python", "code": "print(sum(map(int, input().split())))"}
    assert browser.request(page + "q/1/run/", run)[0] == 202
    assert wait_for_final_run().verdict == "AC"

    stack.stop("redis")
    status, body, seconds, _ = browser.request(page + "q/1/save/", {"code": "print('typed while Redis is down')"})
    assert status == 200 and "Saved at" in body  # nothing typed is lost
    status, body, seconds, _ = browser.request(page + "q/1/run/", run)
    assert status == 202 and "runner is unavailable" in body
    assert seconds < 10  # a clear answer, not a hung page
    assert Submission.objects.order_by("-id").first().status == "error"
    assert browser.request(page)[0] == 200  # pages keep serving

    stack.start_redis()
    deadline = time.monotonic() + 60
    while True:  # the worker reconnects on its own; runs asked for now go through
        status, body, _, _ = browser.request(page + "q/1/run/", run)
        latest = Submission.objects.order_by("-id").first()
        if status == 202 and latest.status != "error":
            break
        assert time.monotonic() < deadline, body
        time.sleep(1)
    assert wait_for_final_run().verdict == "AC"
    assert RoundQuestion.objects.get().code == run["code"]


def test_restarting_the_web_process_mid_round_changes_neither_clock_nor_answers(stack, mini_pack):
    user = get_user_model().objects.create_user("candidate", password="x-long-password-1")
    stage_round = session_start(owner=user, question=Question.objects.get(slug="bayes")).rounds.get()
    browser = Browser(f"http://127.0.0.1:{stack.web_port}", signed_in(user))
    page = f"/practice/rounds/{stage_round.pk}/"
    browser.request(page)
    assert browser.request(page + "q/1/save/", {"answer": "kept through a restart"})[0] == 200
    before = json.loads(browser.request(page + "clock/")[3]["HX-Trigger"])
    stack.stop("web", signal.SIGKILL)
    stack.start_web()
    status, body, _, _ = browser.request(page)
    assert status == 200 and "kept through a restart" in body
    stage_round.refresh_from_db()
    after = Round.objects.get(pk=stage_round.pk)
    assert after.status == "running" and after.started_at == stage_round.started_at
    remaining_before = before["round-clock"]["remaining"]
    remaining_now = after.remaining_seconds(timezone.now())
    assert 0 <= remaining_before - remaining_now < 30  # only the wall time of the restart has passed
