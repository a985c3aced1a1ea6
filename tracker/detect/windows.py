"""Window changes from a scrape or a staff edit: announced, changed, corrected.

Pure functions of stored state, new state and the clock. A window that closed before ``now``
is history: it is stored, but never announced, and moving its dates is no news either.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from tracker.detect.change import Change, WindowState
from tracker.models import EventKind, Window


def window_announced(window: Window, now: datetime, others: Iterable[Window] = ()) -> Change | None:
    """A window seen for the first time, unless it is undated, already over, or known.

    ``others`` are the scheme's other windows: the same span stated by another publication
    of the scheme was announced with that publication.
    """
    state = WindowState.of(window)
    undated = state.opens_at is None and state.closes_at is None and state.precision == "day"
    if undated or state.ended_before(now) or _stated_elsewhere(window, state, others):
        return None
    return Change(EventKind.WINDOW_ANNOUNCED, window.scheme_id, window.id, after=state.as_json())


def window_changed(
    window: Window,
    before: WindowState,
    after: WindowState,
    now: datetime,
    others: Iterable[Window] = (),
) -> Change | None:
    """A scraped window whose meaning changed (the same change twice is one event).

    When another publication of the scheme already states the new span, that news was told
    with it (two pages moving the same deadline are one alert).
    """
    if before == after or (before.ended_before(now) and after.ended_before(now)):
        return None
    if _stated_elsewhere(window, after, others):
        return None
    occurrence = f"{before.digest()}:{after.digest()}"
    return Change(EventKind.WINDOW_CHANGED, window.scheme_id, window.id, occurrence,
                  before=before.as_json(), after=after.as_json())  # fmt: skip


def _stated_elsewhere(window: Window, state: WindowState, others: Iterable[Window]) -> bool:
    """True when another live window of the scheme has the same (dated) span."""
    if state.opens_at is None and state.closes_at is None:
        return False
    span = (state.opens_at, state.closes_at)
    for other in others:
        if other.id == window.id or other.withdrawn or other.scheme_id != window.scheme_id:
            continue
        theirs = WindowState.of(other)
        if (theirs.opens_at, theirs.closes_at) == span:
            return True
    return False


def window_corrected(
    window: Window, before: WindowState, after: WindowState, now: datetime
) -> Change | None:
    """A staff correction: every correction that changes the meaning is its own event."""
    if before == after:
        return None
    occurrence = f"staff:{now:%Y%m%dT%H%M%S%f}"
    return Change(EventKind.WINDOW_CHANGED, window.scheme_id, window.id, occurrence,
                  before=before.as_json(), after=after.as_json())  # fmt: skip


def distinct_windows(windows: Iterable[Window]) -> list[Window]:
    """One window per scheme and span: windows belong to their publication, news does not.

    Two publications of one scheme that state the same dates keep a window each (so neither
    loses it); alerts and displays take one of them: a staff-locked one, else the oldest.
    Undated windows are all kept. Withdrawn windows are left out.
    """
    chosen: dict[tuple[object, ...], Window] = {}
    ranked = sorted(
        (w for w in windows if not w.withdrawn),
        key=lambda w: (not w.staff_locked, w.id if w.id is not None else 0),
    )
    for window in ranked:
        state = WindowState.of(window)
        if state.opens_at is None and state.closes_at is None:
            chosen[("undated", id(window))] = window
            continue
        chosen.setdefault((window.scheme_id, state.opens_at, state.closes_at), window)
    return sorted(chosen.values(), key=lambda w: w.id if w.id is not None else 0)
