"""Per-host request spacing shared by every fetcher in the process.

Each request reserves the next free slot for its host under a threading lock (held
for a few instructions, never across an await) and sleeps until that slot. On waking
it checks the real send time of the request before it: a busy event loop can wake a
caller late, and the next one must then wait longer rather than follow closely.
Because the lock is not tied to an event loop, coroutines, threads and the
short-lived loops of `fetch_sync` all share one schedule per host.

Across processes (prefork Celery workers) this is not enough: run scrape tasks on
one queue with a single worker, or swap in a Redis-backed limiter with the same
`wait`/`pause` methods.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable


class HostRateLimiter:
    """At most one request per `interval` seconds per key, process-wide."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._last_slot: dict[str, float] = {}
        self._last_sent: dict[str, float] = {}
        self._not_before: dict[str, float] = {}

    def reserve(self, key: str, interval: float) -> float:
        """Claim the next slot for `key`; return how long to wait for it."""
        with self._lock:
            now = self._clock()
            slot = max(
                now,
                self._last_slot.get(key, -math.inf) + interval,
                self._not_before.get(key, -math.inf),
            )
            self._last_slot[key] = slot
            return slot - now

    def confirm(self, key: str, interval: float) -> float:
        """Record a send now if the spacing allows it (0.0), else the wait left."""
        with self._lock:
            now = self._clock()
            earliest = max(
                self._last_sent.get(key, -math.inf) + interval,
                self._not_before.get(key, -math.inf),
            )
            if now < earliest:
                return earliest - now
            self._last_sent[key] = now
            # Later reservations start from the real send time, not the plan.
            self._last_slot[key] = max(self._last_slot.get(key, -math.inf), now)
            return 0.0

    async def wait(self, key: str, interval: float) -> None:
        """Sleep until this caller may send its request to `key`."""
        delay = self.reserve(key, interval)
        while True:
            if delay > 0:
                await asyncio.sleep(delay)
            delay = self.confirm(key, interval)
            if delay <= 0:
                return

    def wait_blocking(self, key: str, interval: float) -> None:
        """`wait` for synchronous callers."""
        delay = self.reserve(key, interval)
        while True:
            if delay > 0:
                time.sleep(delay)
            delay = self.confirm(key, interval)
            if delay <= 0:
                return

    def pause(self, key: str, seconds: float) -> None:
        """Hold every request to `key` for `seconds` (Retry-After, backoff)."""
        with self._lock:
            until = self._clock() + seconds
            self._not_before[key] = max(self._not_before.get(key, -math.inf), until)


default_rate_limiter = HostRateLimiter()
