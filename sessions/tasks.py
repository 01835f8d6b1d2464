"""Celery tasks: thin wrappers that take ids and call services."""

import os

from celery import shared_task
from celery.exceptions import Reject
from django.db import InterfaceError, OperationalError

from sessions.calls.recordings import recordings_finish_stale, recordings_purge
from sessions.rounds.clock import rounds_close_expired
from sessions.runs import liveness, worker_sandbox
from sessions.runs.submissions import RUN_TASK, submission_execute, submissions_recover

# The sandbox has its own per-test limits; these only catch a worker stuck outside
# them (e.g. a judge of many slow tests). Generous, so they never cut a real run short.
_SOFT_LIMIT_S = 120
_HARD_LIMIT_S = 150


@shared_task(
    name=RUN_TASK,  # the name services send it by (the default name, spelled out)
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=_SOFT_LIMIT_S,
    time_limit=_HARD_LIMIT_S,
    # The database restarting or unreachable: try again shortly (2, 4, 8 ... 30 s, about 9 minutes in all)
    # instead of dropping the message, which would leave the row queued until the sweep's cutoff.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=30,
    retry_jitter=False,
    max_retries=20,
)
def run_submission(self, submission_id: int) -> None:
    """Run one submission. Safe to deliver twice: only a queued row is claimed."""
    if worker_sandbox.refuses_runs():
        # Taken before this worker stopped consuming: back to the queue, for a worker whose sandbox works.
        raise Reject("this worker's sandbox is broken", requeue=True)
    node = self.request.hostname or "worker"
    if submission_execute(submission_id=submission_id, worker=liveness.claim_label(node, os.getpid())) is None:
        # Not claimable: finished, claimed by a live process, or claimed by a pool process
        # of this node that was killed mid-run (the broker then delivers the task again).
        submissions_recover(only_ids=[submission_id], is_claim_alive=liveness.alive_on_node(node))


@shared_task(bind=True)
def recover_submissions(self) -> None:
    """Periodic sweep (celery beat): fail or re-queue runs whose worker is gone."""
    submissions_recover(is_claim_alive=liveness.alive_anywhere(self.app, self.request.hostname or ""))


@shared_task
def close_expired_rounds() -> None:
    """Periodic sweep (celery beat): close rounds whose time ran out while no page was open."""
    rounds_close_expired()


@shared_task
def purge_old_recordings() -> None:
    """Periodic sweep (celery beat): finish recordings whose browser went away; delete those past retention."""
    recordings_finish_stale()
    recordings_purge()
