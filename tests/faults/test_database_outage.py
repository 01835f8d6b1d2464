"""A run whose worker cannot reach the database is tried again once it can, not dropped.

The outage is real: the test holds an exclusive lock on the suite's SQLite database, so the worker's claim
fails with "database is locked" (as a PostgreSQL restart fails it with "the database system is shutting
down"), then lets go. Without the retry the task would fail and the row stay queued until the sweep's cutoff.
"""

import sqlite3
import time

import pytest
from django.db import connection

from sessions.models import Submission
from sessions.tasks import run_submission
from tests.conftest import wait_until_final

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the outage is an SQLite lock"),
]


def test_a_run_queued_while_the_database_is_locked_runs_once_it_is_free(celery_worker, owner):
    submission = Submission.objects.create(user=owner, language="python", source="print('after the outage')\n")
    lock = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=1)
    try:
        lock.execute("BEGIN EXCLUSIVE")
        run_submission.delay(submission.pk)
        time.sleep(25)  # the worker's claim waits out the 20 s busy timeout (interviewprep/env.py) and fails
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    done = wait_until_final(submission, timeout=60)
    assert (done.status, done.verdict, done.stdout) == ("done", "OK", "after the outage\n")
