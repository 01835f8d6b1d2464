"""Readiness: can this deployment serve and run code? Database, broker, and at least one live worker
whose sandbox runs a trivial program (each worker probes its own: sessions/runs/worker_sandbox.py).

Anyone may ask, and gets the status code with "ok" or "unavailable". Which part failed is for staff
and for monitors that send the `X-Health-Token` header with the value of HEALTH_TOKEN.
The worker ping waits up to a second for replies, so its answer is kept for a few seconds: a
probe every second (or someone reloading the page) does not keep the broker busy.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interviewprep.celery import app as celery_app

logger = logging.getLogger(__name__)
TIMEOUT_S = 1.0
WORKER_PING_CACHE_S = 5.0
TOKEN_HEADER = "X-Health-Token"

_worker_ping_lock = threading.Lock()
# broker URL -> (monotonic time of the ping, {node: its sandbox state} of the workers that answered)
_worker_ping: dict[str, tuple[float, dict[str, dict]]] = {}


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health: database check failed")
        return False


def _broker() -> bool:
    try:
        # A fresh connection to the configured broker, not a pooled one that may be stale.
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=TIMEOUT_S)
        return True
    except Exception:
        logger.warning("health: broker unreachable", exc_info=True)
        return False


def _ping_workers() -> dict[str, dict]:
    """Ask every live worker for its sandbox state; a worker without the command counts, state unknown."""
    try:
        replies = celery_app.control.broadcast("sandbox_state", reply=True, timeout=TIMEOUT_S) or []
    except Exception:
        logger.warning("health: worker ping failed", exc_info=True)
        return {}
    states = {}
    for reply in replies:
        for node, state in reply.items():
            known = isinstance(state, dict) and "ok" in state
            states[node] = {"ok": bool(state["ok"]), "message": str(state.get("message", ""))} if known else \
                {"ok": False, "message": "unknown (the worker does not report its sandbox)"}
    return states


def _workers() -> dict[str, dict]:
    """The sandbox state of each worker that answered in the last WORKER_PING_CACHE_S seconds (one ping at a time)."""
    broker = settings.CELERY_BROKER_URL
    with _worker_ping_lock:
        pinged_at, states = _worker_ping.get(broker, (float("-inf"), {}))
        if time.monotonic() - pinged_at >= WORKER_PING_CACHE_S:
            states = _ping_workers()
            _worker_ping[broker] = (time.monotonic(), states)
        return states


def may_see_details(request) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    expected = settings.HEALTH_TOKEN
    given = request.headers.get(TOKEN_HEADER, "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@never_cache
@require_GET
def health_ready(request):
    """200 when everything a code run needs answers, 503 otherwise; staff and token holders learn which part failed."""
    database = _database()
    broker = _broker()
    workers = _workers() if broker else {}
    runnable = sum(1 for state in workers.values() if state["ok"])
    healthy = database and broker and runnable > 0
    status = 200 if healthy else 503
    if not may_see_details(request):
        return HttpResponse("ok" if healthy else "unavailable", content_type="text/plain", status=status)
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "unreachable",
        "broker": "ok" if broker else "unreachable",
        "workers": len(workers),
        "workers_with_working_sandbox": runnable,
        "sandbox": workers,
    }
    return JsonResponse(body, status=status)
