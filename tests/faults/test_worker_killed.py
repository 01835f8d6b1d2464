"""Fault tests with real processes: a worker killed with SIGKILL in the middle of a run.

Every affected submission must reach a final state (re-run once, or failed with a
message), and none may stay `running`.
"""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from sessions.models import Submission
from sessions.runs import liveness
from sessions.runs.submissions import submissions_recover
from sessions.tasks import run_submission
from tests.conftest import BASE_DIR, _database_url, wait_until_final

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SLOW = "import time\ntime.sleep(2.5)\nprint('finished')\n"


def wait_until_running(submission, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        submission.refresh_from_db()
        if submission.status == "running" and submission.worker:
            return submission
        time.sleep(0.05)
    pytest.fail(f"submission {submission.pk} never started (status {submission.status})")


def slow_submission(owner) -> Submission:
    return Submission.objects.create(user=owner, language="python", source=SLOW)


def test_a_pool_process_killed_mid_run_is_run_again(celery_worker, owner):
    submission = slow_submission(owner)
    run_submission.delay(submission.pk)
    claimed = wait_until_running(submission)
    _, pid = liveness.split_claim(claimed.worker)
    os.kill(pid, signal.SIGKILL)
    done = wait_until_final(submission, timeout=30)
    assert (done.status, done.verdict, done.stdout, done.attempts) == ("done", "OK", "finished\n", 2)


def test_a_whole_worker_killed_mid_run_is_recovered_by_the_sweep(celery_worker, owner, tmp_path):
    queue = f"fault-{uuid.uuid4().hex[:8]}"
    node = f"doomed-{uuid.uuid4().hex[:6]}@%h"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": _database_url(),
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "SANDBOX_QUEUE": settings.SANDBOX_QUEUE}
    log = tmp_path / "doomed.log"
    with open(log, "wb") as out:
        doomed = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "interviewprep", "worker", "--queues", queue, "--concurrency", "1",
             "--hostname", node, "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():
            assert doomed.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        submission = slow_submission(owner)
        run_submission.apply_async((submission.pk,), queue=queue)
        claimed = wait_until_running(submission)
        assert claimed.worker.startswith("doomed-")
        os.killpg(doomed.pid, signal.SIGKILL)  # the machine is gone: main process and its pool
        doomed.wait(timeout=10)
    finally:
        if doomed.poll() is None:
            os.killpg(doomed.pid, signal.SIGKILL)
    # What the periodic sweep does every few seconds: the dead node no longer answers a ping.
    from interviewprep.celery import app

    counts = submissions_recover(is_claim_alive=liveness.alive_anywhere(app, node="test-runner"))
    assert counts["requeued"] == 1
    done = wait_until_final(submission, timeout=30)  # the suite's live worker picks it up
    assert (done.status, done.verdict, done.attempts) == ("done", "OK", 2)
    assert not Submission.objects.filter(status="running").exists()
