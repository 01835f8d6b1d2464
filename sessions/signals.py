"""Worker hooks: probe the sandbox before taking runs; finish what a restarted worker left running;
stop idle sandbox boxes at exit."""

import logging

from celery.signals import worker_init, worker_process_shutdown, worker_ready
from django.conf import settings
from django.utils import timezone

from sandbox.warm_pool import POOL
from sessions.runs import liveness, worker_sandbox
from sessions.runs.submissions import submissions_recover

logger = logging.getLogger(__name__)


@worker_init.connect
def probe_sandbox_at_start(sender=None, **kwargs):
    """Before the pool forks: its processes inherit the outcome (sessions.tasks refuses runs on a broken one)."""
    state = worker_sandbox.probe()
    if state["ok"]:
        logger.info("sandbox probe: ok")
    else:
        logger.error("sandbox probe failed: %s; this worker takes no runs until it succeeds", state["message"])


@worker_ready.connect
def stop_consuming_runs_while_the_sandbox_is_broken(sender=None, **kwargs):
    queue = settings.SANDBOX_QUEUE
    consuming = not worker_sandbox.refuses_runs()
    if not consuming and queue in sender.app.amqp.queues.consume_from:
        sender.cancel_task_queue(queue)
    worker_sandbox.watch(sender.app, getattr(sender, "hostname", "") or "", consuming=consuming)


@worker_ready.connect
def recover_on_worker_start(sender=None, **kwargs):
    hostname = getattr(sender, "hostname", None) or ""
    try:
        counts = submissions_recover(is_claim_alive=liveness.restarted_node(hostname, timezone.now()))
    except Exception:  # never stop a worker from starting; the periodic sweep tries again
        logger.exception("recovering submissions at worker start failed")
        return
    logger.info("worker %s start-up recovery: %s", hostname, counts)


@worker_process_shutdown.connect
def stop_warm_sandbox_boxes(**kwargs):
    """Pool processes can exit without running atexit hooks; stop their idle sandbox boxes here."""
    POOL.shutdown()
