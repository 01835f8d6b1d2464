"""A worker's own sandbox: probed before the node takes runs, then every PROBE_INTERVAL_S.

A node whose sandbox cannot run a trivial program does not consume the sandbox queue, so its runs go
to other workers instead of all ending SE; it starts consuming again once a probe succeeds. The
latest state answers the ``sandbox_state`` control command, which /health/ asks every live worker.
"""

from __future__ import annotations

import logging
import threading
import time

from celery.worker.control import inspect_command
from django.conf import settings

from sandbox.host import probe as sandbox_probe

logger = logging.getLogger(__name__)

PROBE_INTERVAL_S = 30.0

# probed_at None: this process is not a worker that probed (eager tasks in tests, the web process).
# Replaced whole, never changed in place, and read without a lock: the prefork pool forks while the probe
# thread may be running, and a child must never inherit a lock held by that thread.
_state: dict = {"ok": False, "message": "not probed", "probed_at": None}


def current() -> dict:
    return dict(_state)


def refuses_runs() -> bool:
    """True when this worker probed its sandbox and found it broken."""
    state = current()
    return state["probed_at"] is not None and not state["ok"]


def probe() -> dict:
    """Run a trivial program through the sandbox now and remember the outcome."""
    try:
        message = sandbox_probe()
    except Exception as exc:  # a probe that crashes is a broken sandbox, not a crashed worker
        message = f"the probe failed: {type(exc).__name__}: {exc}"
    global _state
    _state = {"ok": message == "ok", "message": message, "probed_at": time.time()}
    return dict(_state)


@inspect_command()
def sandbox_state(state) -> dict:
    """Control command: this node's latest sandbox probe (``state`` is Celery's, unused)."""
    return current()


def watch(app, hostname: str, consuming: bool, interval_s: float = PROBE_INTERVAL_S) -> threading.Thread:
    """Re-probe every ``interval_s`` in a daemon thread; start or stop consuming the sandbox queue on a change.

    The switch goes through the broker's control channel to this node, which applies it on the
    consumer's own thread (the consumer is not thread-safe).
    """
    queue = settings.SANDBOX_QUEUE

    def loop():
        nonlocal consuming
        while True:
            time.sleep(interval_s)
            ok = probe()["ok"]
            if ok == consuming:
                continue
            try:
                if ok:
                    app.control.add_consumer(queue, destination=[hostname], reply=False)
                    logger.warning("sandbox works again on %s: consuming %s", hostname, queue)
                else:
                    app.control.cancel_consumer(queue, destination=[hostname], reply=False)
                    logger.error("sandbox broken on %s (%s): no longer consuming %s", hostname, current()["message"],
                                 queue)
                consuming = ok
            except Exception:  # the broker is away: try again at the next probe
                logger.warning("could not switch the sandbox queue on %s", hostname, exc_info=True)

    thread = threading.Thread(target=loop, name="sandbox-probe", daemon=True)
    thread.start()
    return thread
