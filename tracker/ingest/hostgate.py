"""Per-host limits shared by every fetcher of the process.

``tracker run`` scrapes due sources in several threads, each with its own event loop and its
own ``Fetcher``, and many sources live on one host (15 on repository.overheid.nl, 13 on
zoekservice.overheid.nl in the bundled configuration, mostly on one schedule). Limits kept per
fetcher let eight jobs send eight times ``per_host_concurrency`` requests to one host at once,
with no ``min_delay`` between them. One gate per host for the whole process holds both limits
for all of them. Other processes (a second instance, a cron scrape beside the scheduler) have
gates of their own.
"""

from __future__ import annotations

import asyncio
import threading
import time

# how long a request waits before it looks again for a free slot another thread holds
POLL_FIRST = 0.005
POLL_MOST = 0.05


class HostGate:
    """At most ``limit`` requests in flight, starting at least ``spacing`` seconds apart."""

    def __init__(self, limit: int, spacing: float) -> None:
        self._free = threading.BoundedSemaphore(limit)
        self._spacing = spacing
        self._lock = threading.Lock()
        self._next_start = 0.0  # time.monotonic() at which the next request may start

    async def enter(self) -> None:
        """Take a slot; a slot held in another thread's event loop is waited for by polling,
        since a thread's semaphore cannot be awaited and blocking would stall the loop."""
        poll = POLL_FIRST
        while not self._free.acquire(blocking=False):
            await asyncio.sleep(poll)
            poll = min(POLL_MOST, poll * 2)

    def leave(self) -> None:
        self._free.release()

    async def space(self) -> None:
        """Wait for this request's start time, reserved ``spacing`` after the one before."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + self._spacing
        if start > now:
            await asyncio.sleep(start - now)


_gates: dict[tuple[str, int, float], HostGate] = {}
_gates_lock = threading.Lock()


def gate_for(origin: str, limit: int, spacing: float) -> HostGate:
    """The process's gate for ``origin`` ("https://host:port") under these limits."""
    key = (origin, limit, spacing)
    with _gates_lock:
        found = _gates.get(key)
        if found is None:
            found = _gates[key] = HostGate(limit, spacing)
        return found
