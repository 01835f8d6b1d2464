"""Readiness: can this deployment serve and run code? Database, broker, and at least one live worker."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interviewprep.celery import app as celery_app

logger = logging.getLogger(__name__)
TIMEOUT_S = 1.0


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


def _workers() -> int:
    try:
        return len(celery_app.control.ping(timeout=TIMEOUT_S) or [])
    except Exception:
        logger.warning("health: worker ping failed", exc_info=True)
        return 0


@never_cache
@require_GET
def health_ready(request):
    """200 when everything a code run needs answers, 503 otherwise; the body says which part failed."""
    database = _database()
    broker = _broker()
    workers = _workers() if broker else 0
    healthy = database and broker and workers > 0
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "unreachable",
        "broker": "ok" if broker else "unreachable",
        "workers": workers,
    }
    return JsonResponse(body, status=200 if healthy else 503)
