"""submissions_recover: nothing stays running or queued forever."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import Submission
from sessions.runs import liveness
from sessions.runs.submissions import submissions_recover


def make(user, **fields):
    return Submission.objects.create(user=user, language="python", source="print(1)", **fields)


def dead_pid() -> int:
    pid = 2**22 - 7
    while liveness.pid_alive(pid):
        pid -= 1
    return pid


@pytest.mark.django_db
def test_a_restarting_node_requeues_what_it_claimed_before_it_booted(owner, django_capture_on_commit_callbacks):
    booted = timezone.now()
    before = booted - timedelta(seconds=5)
    mine = make(owner, status="running", worker="celery@a:100", attempts=1, started_at=before)
    twice = make(owner, status="running", worker="celery@a:101", attempts=2, started_at=before)
    fresh = make(owner, status="running", worker="celery@a:102", attempts=1, started_at=booted + timedelta(seconds=1))
    other = make(owner, status="running", worker="celery@b:100", attempts=1, started_at=before)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = submissions_recover(is_claim_alive=liveness.restarted_node("celery@a", booted))
    assert counts["failed"] == 1 and counts["requeued"] == 1
    assert len(callbacks) == 1  # the re-queued row is sent to the broker again
    for row in (mine, twice, fresh, other):
        row.refresh_from_db()
    assert mine.status == "queued" and mine.worker == ""
    assert twice.status == "error" and "interrupted twice" in twice.message
    assert fresh.status == "running" and other.status == "running"


@pytest.mark.django_db
def test_a_claim_by_a_dead_pool_process_of_this_node_is_stale(owner):
    dead = make(owner, status="running", worker=liveness.claim_label("celery@a", dead_pid()), attempts=1,
                started_at=timezone.now())
    alive = make(owner, status="running", worker=liveness.claim_label("celery@a", os.getpid()), attempts=1,
                 started_at=timezone.now())
    elsewhere = make(owner, status="running", worker="celery@b:1", attempts=1, started_at=timezone.now())
    submissions_recover(only_ids=[dead.pk, alive.pk, elsewhere.pk], is_claim_alive=liveness.alive_on_node("celery@a"))
    for row in (dead, alive, elsewhere):
        row.refresh_from_db()
    assert (dead.status, alive.status, elsewhere.status) == ("queued", "running", "running")


@pytest.mark.django_db
def test_the_sweep_handles_rows_older_than_the_cutoff(owner, outsider, settings):
    settings.SUBMISSION_STALE_AFTER_S = 60
    old = timezone.now() - timedelta(seconds=120)
    stale = make(owner, status="running", worker="celery@x:1", attempts=1, started_at=old)
    fresh = make(owner, status="running", worker="celery@x:1", attempts=1, started_at=timezone.now())
    lost = make(outsider, status="queued", dispatched_at=old)  # sent, never claimed: its message was lost
    counts = submissions_recover()
    assert counts == {"failed": 0, "requeued": 1, "lost": 1}
    stale.refresh_from_db(), fresh.refresh_from_db()
    assert stale.status == "queued" and fresh.status == "running"


@pytest.mark.django_db
def test_finished_rows_are_left_alone(owner):
    done = make(owner, status="done", verdict="OK", worker="celery@a:1", attempts=1, started_at=timezone.now())
    submissions_recover(is_claim_alive=lambda claim, started: False)
    done.refresh_from_db()
    assert done.status == "done"


def test_claim_labels_round_trip():
    assert liveness.split_claim(liveness.claim_label("celery@host:with:colons", 42)) == ("celery@host:with:colons", 42)
    assert liveness.split_claim("legacy-node") == ("legacy-node", None)


# ---------------------------------------------------------------- the sweep and the fair queue (run_queue)


def sent_by_sweep(django_capture_on_commit_callbacks, **kwargs) -> list[int]:
    """The runs the sweep hands to the broker (their dispatch mark is set by the hand-off itself)."""
    before = dict(Submission.objects.values_list("pk", "dispatched_at"))
    with django_capture_on_commit_callbacks(execute=True):
        submissions_recover(**kwargs)
    after = dict(Submission.objects.values_list("pk", "dispatched_at"))
    return sorted(pk for pk, at in after.items() if at != before.get(pk))


@pytest.mark.django_db
def test_it_never_sends_a_held_run_while_the_users_run_is_running(owner, settings, django_capture_on_commit_callbacks):
    settings.SUBMISSION_STALE_AFTER_S = 60
    old = timezone.now() - timedelta(seconds=600)
    make(owner, status="running", worker=f"celery@x:{os.getpid()}", attempts=1, started_at=timezone.now())
    held = make(owner, status="queued")
    Submission.objects.filter(pk=held.pk).update(created_at=old)  # waited long, but its turn has not come

    assert sent_by_sweep(django_capture_on_commit_callbacks) == []


@pytest.mark.django_db
def test_it_sends_a_run_again_only_once_its_message_looks_lost(owner, settings, django_capture_on_commit_callbacks):
    settings.SUBMISSION_STALE_AFTER_S = 60
    sent = make(owner, status="queued", dispatched_at=timezone.now() - timedelta(seconds=30))
    make(owner, status="queued")  # held behind it

    assert sent_by_sweep(django_capture_on_commit_callbacks) == []  # still with the broker: no duplicate
    Submission.objects.filter(pk=sent.pk).update(dispatched_at=timezone.now() - timedelta(seconds=61))
    assert sent_by_sweep(django_capture_on_commit_callbacks) == [sent.pk]


@pytest.mark.django_db
def test_it_gives_a_user_their_next_run_when_the_one_ahead_vanished(owner, settings,
                                                                    django_capture_on_commit_callbacks):
    """The run ahead was deleted (its round removed) or failed to reach the broker: the held one goes next."""
    settings.SUBMISSION_STALE_AFTER_S = 300
    ahead = make(owner, status="queued", dispatched_at=timezone.now())
    held = make(owner, status="queued")
    ahead.delete()

    assert sent_by_sweep(django_capture_on_commit_callbacks) == [held.pk]
