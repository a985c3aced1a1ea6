"""Status derived from windows and the current time, never from a stored flag."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tracker.models import Window

OPEN = "open"
UPCOMING = "upcoming"
CLOSED = "closed"
UNKNOWN = "unknown"

LABELS_NL = {
    OPEN: "open",
    UPCOMING: "binnenkort open",
    CLOSED: "gesloten",
    UNKNOWN: "onbekend",
}


def window_status(window: Window, now: datetime) -> str:
    if window.withdrawn:
        return CLOSED
    if window.budget_exhausted and (window.opens_at is None or window.opens_at <= now):
        return CLOSED
    if window.closes_at is not None and window.closes_at < now:
        return CLOSED
    if window.opens_at is not None and window.opens_at > now:
        return UPCOMING
    if window.opens_at is None and window.closes_at is None:
        return UPCOMING if window.precision != "day" else UNKNOWN
    return OPEN


def scheme_status(windows: Sequence[Window], now: datetime) -> str:
    """open beats upcoming beats closed; no windows means unknown."""
    states = {window_status(w, now) for w in windows}
    for state in (OPEN, UPCOMING, CLOSED):
        if state in states:
            return state
    return UNKNOWN


def relevant_window(windows: Sequence[Window], now: datetime) -> Window | None:
    """The open window, else the next upcoming one, else the last one."""
    live = [w for w in windows if not w.withdrawn]
    for w in live:
        if window_status(w, now) == OPEN:
            return w
    upcoming = [w for w in live if window_status(w, now) == UPCOMING]
    if upcoming:
        return min(upcoming, key=lambda w: (w.opens_at is None, w.opens_at or now))
    dated = [w for w in live if w.closes_at is not None]
    if dated:
        return max(dated, key=lambda w: w.closes_at or now)
    return live[-1] if live else None
