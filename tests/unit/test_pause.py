"""tracker.pause: background threads sleep their interval and stop at once when asked."""

from __future__ import annotations

import threading
import time

from tracker.pause import STEP, pause


def test_a_pause_lasts_its_interval_when_nobody_stops_it() -> None:
    stop = threading.Event()
    began = time.monotonic()
    assert pause(stop, 0.12) is True
    assert time.monotonic() - began >= 0.12


def test_a_stop_ends_a_long_pause_within_one_step() -> None:
    stop = threading.Event()
    result: list[bool] = []
    sleeper = threading.Thread(target=lambda: result.append(pause(stop, 3600.0)))
    sleeper.start()
    time.sleep(0.1)
    asked = time.monotonic()
    stop.set()
    sleeper.join(timeout=5)
    assert result == [False]
    assert time.monotonic() - asked < STEP + 0.5
    assert pause(stop, 3600.0) is False  # already stopped: no sleep at all
