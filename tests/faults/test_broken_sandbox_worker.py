"""A worker whose sandbox cannot run a program takes no runs, and /health/ says so.

The broken worker is real: a Celery worker started without CAP_SYS_ADMIN (``setpriv``), so bubblewrap
cannot create its namespaces, next to the healthy test worker on the same queue.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from interviewprep import health
from interviewprep.celery import app
from sessions.models import Submission
from sessions.tasks import run_submission
from tests.conftest import BASE_DIR, _database_url, wait_until_final

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop CAP_SYS_ADMIN"),
]


@pytest.fixture
def broken_worker(tmp_path):
    """A worker on the test's sandbox queue whose boxes cannot start; yields its node name and log."""
    node = f"broken-{uuid.uuid4().hex[:6]}@{os.uname().nodename}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": _database_url(),
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "SANDBOX_QUEUE": settings.SANDBOX_QUEUE}
    log = tmp_path / "broken.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "--",
             sys.executable, "-m", "celery", "-A", "interviewprep", "worker", "--queues", settings.SANDBOX_QUEUE,
             "--concurrency", "1", "--hostname", node, "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        yield node, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def consumed_queues(node: str) -> list[str]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        reply = app.control.inspect(destination=[node], timeout=2).active_queues() or {}
        if node in reply:
            return [queue["name"] for queue in reply[node]]
    pytest.fail(f"{node} did not answer")


def test_it_stops_consuming_runs_when_its_sandbox_probe_fails(celery_worker, broken_worker):
    node, log = broken_worker
    assert b"sandbox probe failed" in log.read_bytes()
    assert settings.SANDBOX_QUEUE not in consumed_queues(node)


def test_its_runs_go_to_the_worker_whose_sandbox_works(celery_worker, broken_worker, owner):
    node, _ = broken_worker
    submissions = [Submission.objects.create(user=owner, language="python", source=f"print({i} * 7)\n")
                   for i in range(6)]
    for submission in submissions:
        run_submission.delay(submission.pk)
    for i, submission in enumerate(submissions):
        done = wait_until_final(submission, timeout=60)
        assert (done.status, done.verdict, done.stdout) == ("done", "OK", f"{i * 7}\n")
        assert not done.worker.startswith(node.split("@")[0])


def test_health_reports_the_broken_sandbox_to_staff(client, celery_worker, broken_worker):
    node, _ = broken_worker
    health._worker_ping.clear()
    client.force_login(get_user_model().objects.create_user("ops", password="x", is_staff=True))
    body = client.get("/health/").json()
    health._worker_ping.clear()
    assert body["sandbox"][node]["ok"] is False
    assert body["sandbox"][node]["message"] not in ("", "ok")
    assert body["workers"] >= 2 and body["workers_with_working_sandbox"] >= 1
    assert body["status"] == "ok"  # the healthy worker still runs code
