"""Time-based changes (``tracker tick``): what the clock made due for a stored window.

Every moment that passed gets its change exactly once (the occurrence is the moment), so a tick
after downtime catches up. Warnings that are stale by the time we look ("opens soon" for a
window that already opened) are skipped, and so is "opened" for a window that also closed while
we were down; its ``window_closed`` still comes. A moment that passed before the window was
first stored is history, not news.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from tracker.config import AlertsConfig
from tracker.detect.budget import budget_exhausted
from tracker.detect.change import Change
from tracker.models import EventKind, Window
from tracker.read.status import OPEN, window_status


def _due(kind: EventKind, window: Window, moment: datetime) -> Change:
    return Change(kind, window.scheme_id, window.id, f"{moment:%Y%m%dT%H%M}",
                  after={"moment": moment.isoformat()})  # fmt: skip


_BOUNDS = {
    EventKind.WINDOW_OPENING_SOON: "opens_at",
    EventKind.WINDOW_OPENED: "opens_at",
    EventKind.WINDOW_CLOSING_SOON: "closes_at",
    EventKind.WINDOW_CLOSED: "closes_at",
}


def as_told_for(change: Change, copy: Window) -> Change | None:
    """A due ``change`` of a period's shown window as it is keyed for another copy of that
    period (``tracker.detect.periods``), or None when the copy has no such moment.

    The window that speaks for a period can change (a full window found after its half
    copy, a copy locked by staff); a moment told for one copy is not news for the next. The
    copy's own moment of the same bound counts (a date-only '15 februari' copy of a deadline
    of 15 februari 17:00 is keyed at 23:59).
    """
    bound = _BOUNDS.get(change.kind)
    if bound is None:
        return replace(change, window_id=copy.id)
    moment: datetime | None = getattr(copy, bound)
    return None if moment is None else _due(change.kind, copy, moment)


def due_changes(window: Window, now: datetime, alerts: AlertsConfig) -> list[Change]:
    """The time-based changes whose moment has passed for this window, oldest first."""
    if window.withdrawn:
        return []
    known = window.created_at
    opens, closes = window.opens_at, window.closes_at
    closed_early = window.budget_exhausted
    due: list[Change] = []
    if opens is not None and now < opens and now >= opens - timedelta(alerts.opening_soon_days):
        due.append(_due(EventKind.WINDOW_OPENING_SOON, window, opens))
    still_open = closes is None or now < closes
    if opens is not None and known <= opens <= now and still_open and not closed_early:
        due.append(_due(EventKind.WINDOW_OPENED, window, opens))
    if (
        closes is not None
        and now < closes <= now + timedelta(alerts.closing_soon_days)
        and window_status(window, now) == OPEN
    ):
        due.append(_due(EventKind.WINDOW_CLOSING_SOON, window, closes))
    if closes is not None and known <= closes <= now and not closed_early:
        due.append(_due(EventKind.WINDOW_CLOSED, window, closes))
    if (exhausted := budget_exhausted(window, now)) is not None:
        due.append(exhausted)
    return due
