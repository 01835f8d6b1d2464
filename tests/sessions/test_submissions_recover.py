"""submissions_recover: nothing stays running or queued forever."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import Submission
from sessions.services.submissions import submissions_recover


def make(user, **fields):
    return Submission.objects.create(user=user, language="python", source="print(1)", **fields)


@pytest.mark.django_db
def test_a_restarting_worker_requeues_its_own_rows_once(owner, django_capture_on_commit_callbacks):
    mine = make(owner, status="running", worker="celery@a", attempts=1, started_at=timezone.now())
    twice = make(owner, status="running", worker="celery@a", attempts=2, started_at=timezone.now())
    other = make(owner, status="running", worker="celery@b", attempts=1, started_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = submissions_recover(worker="celery@a")
    assert counts["failed"] == 1 and counts["requeued"] == 1
    assert len(callbacks) == 1  # the re-queued row is sent to the broker again
    mine.refresh_from_db(), twice.refresh_from_db(), other.refresh_from_db()
    assert mine.status == "queued" and mine.worker == ""
    assert twice.status == "error" and "interrupted twice" in twice.message
    assert other.status == "running"


@pytest.mark.django_db
def test_the_sweep_handles_rows_older_than_the_cutoff(owner, settings):
    settings.SUBMISSION_STALE_AFTER_S = 60
    old = timezone.now() - timedelta(seconds=120)
    stale = make(owner, status="running", worker="celery@x", attempts=1, started_at=old)
    fresh = make(owner, status="running", worker="celery@x", attempts=1, started_at=timezone.now())
    lost = make(owner, status="queued")
    Submission.objects.filter(pk=lost.pk).update(created_at=old)
    counts = submissions_recover()
    assert counts == {"failed": 0, "requeued": 1, "lost": 1}
    stale.refresh_from_db(), fresh.refresh_from_db()
    assert stale.status == "queued" and fresh.status == "running"


@pytest.mark.django_db
def test_finished_rows_are_left_alone(owner):
    done = make(owner, status="done", verdict="OK", worker="celery@a", attempts=1)
    submissions_recover(worker="celery@a")
    done.refresh_from_db()
    assert done.status == "done"
