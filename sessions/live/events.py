"""Publishing "this round changed" to the websockets of the pages that show the round.

An event carries the round's id and new version, never content: the page answers it by asking the
server for its live region over HTTP, through the same views and permission checks as before. So a
websocket can never carry interviewer-only text, and a page that missed events (a dropped socket)
catches up with one request. `Round.objects.touch()`, the one "this round changed" signal, calls this.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_TYPE = "round.changed"  # handled by RoundConsumer.round_changed


def round_group(round_id: int) -> str:
    return f"round-{round_id}"


def rounds_changed_on_commit(versions: list[tuple[int, int]]) -> None:
    """Announce each (round id, version) once the current transaction commits (nothing if it rolls back)."""
    if versions:
        transaction.on_commit(lambda: rounds_changed_publish(versions))


def rounds_changed_publish(versions: list[tuple[int, int]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: a view's, a consumer's database thread or a Celery task
        _publish(layer, versions)
        return
    # This thread runs an event loop of its own (code driving a browser beside Playwright's loop), where
    # async_to_sync may not run: a short-lived thread publishes instead.
    publisher = threading.Thread(target=_publish, args=(layer, versions), name="live-events")
    publisher.start()
    publisher.join(timeout=5)


def _publish(layer, versions) -> None:
    try:
        async_to_sync(_send_all)(layer, versions)
    except Exception:  # the change is saved; the pages' fallback poll will show it
        logger.warning("live events: could not publish %s", versions, exc_info=True)


async def _send_all(layer, versions) -> None:
    for round_id, version in versions:
        await layer.group_send(round_group(round_id), {"type": EVENT_TYPE, "version": version})
