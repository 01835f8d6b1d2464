"""Throttles counted in the shared `throttle` cache: failed log-ins, sign-ups, autosaves.

Two shapes. A *window* counts events from the first one until the window closes, then starts
again at zero (failed log-ins, sign-ups). A *bucket* lets a burst through and then a steady
rate (autosave), so a typist never notices it and a script is slowed to the rate.

The cache must be one every web process shares (settings: a database table, or Redis when
CACHE_URL names one); a per-process cache would give each worker its own counter. Reads and
writes are not one atomic step on the database cache, so requests racing in the same instant
may each be let through once more than the limit: the limits stay bounded, only not exact.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

CACHE_ALIAS = "throttle"


def _cache():
    return caches[CACHE_ALIAS]


def _key(kind: str, subject: str) -> str:
    # Hashed: usernames and addresses may hold characters some cache backends refuse in keys.
    return f"throttle:{kind}:{hashlib.sha256(subject.encode()).hexdigest()[:40]}"


def client_address(request) -> str:
    """The address the throttles count by: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies.

    X-Forwarded-For is trusted only when TRUSTED_PROXY_COUNT says how many proxies in front of us
    append to it: the client is then the entry that many places from the right (anything further
    left was sent by the client and may be forged). An IPv6 client counts by its /64, since one
    host usually holds a whole /64 and could otherwise step to a fresh address per attempt.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


# ---------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    """At most `limit` events per `seconds`, counted from the first event of the window."""

    kind: str
    limit: int
    seconds: int

    def seconds_left(self, subject: str, *, now: float | None = None) -> int:
        """0 while under the limit, else the whole seconds until the window closes."""
        now = time.time() if now is None else now
        count, closes = _cache().get(_key(self.kind, subject), (0, now))
        if count < self.limit or closes <= now:
            return 0
        return max(1, math.ceil(closes - now))

    def add(self, subject: str, *, now: float | None = None) -> int:
        """Count one event; returns the count in the current window."""
        now = time.time() if now is None else now
        key = _key(self.kind, subject)
        count, closes = _cache().get(key, (0, now))
        if closes <= now:
            count, closes = 0, now + self.seconds
        _cache().set(key, (count + 1, closes), timeout=max(1, math.ceil(closes - now)))
        return count + 1

    def clear(self, subject: str) -> None:
        _cache().delete(_key(self.kind, subject))


# ---------------------------------------------------------------- buckets


@dataclass(frozen=True)
class Bucket:
    """A token bucket: `burst` tokens to start with, refilled at `rate` a second."""

    kind: str
    rate: float
    burst: int

    def take(self, subject: str, *, now: float | None = None) -> float:
        """Take a token: 0 if there was one, else the seconds until the next one (nothing taken)."""
        now = time.time() if now is None else now
        key = _key(self.kind, subject)
        tokens, stamp = _cache().get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + max(0.0, now - stamp) * self.rate)
        if tokens < 1:
            return (1 - tokens) / self.rate
        # Kept until a full refill: after that a missing entry means the same as a full bucket.
        _cache().set(key, (tokens - 1, now), timeout=math.ceil(self.burst / self.rate) + 1)
        return 0.0
