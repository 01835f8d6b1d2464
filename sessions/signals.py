"""Worker hooks: finish what a restarted worker left running; stop idle sandbox boxes at exit."""

import logging

from celery.signals import worker_process_shutdown, worker_ready

logger = logging.getLogger(__name__)


@worker_ready.connect
def recover_on_worker_start(sender=None, **kwargs):
    from django.utils import timezone

    from sessions import liveness
    from sessions.services.submissions import submissions_recover

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
    from sandbox import box

    box.shutdown()
