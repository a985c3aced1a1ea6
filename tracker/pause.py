"""A stoppable sleep for background threads (the lease heartbeat, the row warmer)."""

from __future__ import annotations

import threading
import time

STEP = 0.05


def pause(stop: threading.Event, seconds: float) -> bool:
    """Sleep ``seconds`` in short steps; False as soon as ``stop`` is set (then at once).

    Not ``stop.wait(seconds)``: under the test suite's faketime run its timeout never
    expires (a thread waiting on it never woke), while ``time.sleep`` counts its own time.
    """
    end = time.monotonic() + seconds
    while not stop.is_set():
        left = end - time.monotonic()
        if left <= 0:
            return True
        time.sleep(min(left, STEP))
    return False
