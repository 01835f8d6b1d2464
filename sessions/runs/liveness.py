"""Is the worker process that claimed a run still alive? The answers recovery acts on.

A claim is written on the Submission as "node:pid" (the Celery node name and the pool
process). A process on this node can be checked directly; other nodes answer a ping.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

PING_TIMEOUT_S = 1.0


def claim_label(node: str, pid: int) -> str:
    return f"{node}:{pid}"


def split_claim(claim: str) -> tuple[str, int | None]:
    node, _, pid = claim.rpartition(":")
    return (node, int(pid)) if pid.isdigit() else (claim, None)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def alive_on_node(node: str) -> Callable[[str, datetime], bool]:
    """Claims by this node are judged by their pid; claims elsewhere are left to the sweep."""

    def alive(claim: str, started_at: datetime) -> bool:
        claim_node, pid = split_claim(claim)
        if claim_node != node or pid is None:
            return True
        return pid_alive(pid)

    return alive


def restarted_node(node: str, booted_at: datetime) -> Callable[[str, datetime], bool]:
    """At a worker's start: whatever its node claimed before it booted is dead."""

    def alive(claim: str, started_at: datetime) -> bool:
        claim_node, _ = split_claim(claim)
        return not (claim_node == node and started_at < booted_at)

    return alive


def alive_anywhere(app, node: str) -> Callable[[str, datetime], bool]:
    """For the periodic sweep: local pids are checked, other nodes must answer a ping."""
    try:
        live_nodes = {name for reply in app.control.ping(timeout=PING_TIMEOUT_S) or [] for name in reply}
    except Exception:
        live_nodes = None  # cannot tell: treat other nodes as alive rather than re-run their work
    local = alive_on_node(node)

    def alive(claim: str, started_at: datetime) -> bool:
        claim_node, _ = split_claim(claim)
        if claim_node == node:
            return local(claim, started_at)
        return live_nodes is None or claim_node in live_nodes

    return alive
