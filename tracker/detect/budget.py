"""Budget exhaustion: which windows a text says are out of money, and the change it makes.

Pure: the caller sets ``Window.budget_exhausted`` and records the change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from tracker.detect.change import Change
from tracker.models import EventKind, Window
from tracker.read.status import OPEN, window_status

# "subsidieplafond bereikt", "het plafond is bereikt", "budget is uitgeput", "budget is op"
BUDGET_EXHAUSTED = re.compile(
    r"(subsidie)?plafond\s+(is\s+|wordt\s+)?(bereikt|uitgeput)"
    r"|bereiken\s+van\s+het\s+(subsidie)?plafond"
    r"|budget\s+(is\s+)?(uitgeput|op\b)"
    r"|geen\s+(nieuwe\s+)?aanvragen\s+meer\s+in\s+behandeling",
    re.IGNORECASE,
)


def says_budget_exhausted(*texts: str) -> bool:
    return any(BUDGET_EXHAUSTED.search(t) for t in texts if t)


def exhausted_windows(
    windows: Iterable[Window], scheme_texts: Iterable[str], now: datetime
) -> list[Window]:
    """Windows that a publication says are out of budget.

    A window's own status text or snippet counts for that window; a scheme-level statement
    (title, summary) counts for the windows that are open at ``now``. Staff-locked and
    withdrawn windows are left as they are.
    """
    windows = [w for w in windows if not w.staff_locked and not w.withdrawn]
    own = [w for w in windows if says_budget_exhausted(w.status_text, w.snippet)]
    if own:
        return own
    if says_budget_exhausted(*scheme_texts):
        return [w for w in windows if window_status(w, now) == OPEN]
    return []


def budget_exhausted(window: Window, now: datetime) -> Change | None:
    """Once per window and budget round, when it is flagged as closed early (not for a window
    already over). A budget that staff said is available again and then runs out again is a
    new round (``Window.budget_rounds``), so it is news again."""
    if not window.budget_exhausted or window.withdrawn:
        return None
    if window.closes_at is not None and window.closes_at < now:
        return None
    rounds = window.budget_rounds or 0
    return Change(EventKind.BUDGET_EXHAUSTED, window.scheme_id, window.id,
                  f"r{rounds}" if rounds else "", after={"budget_exhausted": True})  # fmt: skip


def budget_restored(window: Window, now: datetime) -> Change | None:
    """Staff say the budget of an exhausted window is available again (raised, or flagged by
    mistake): news for those told it ran out, unless the window is over or withdrawn."""
    if window.withdrawn or (window.closes_at is not None and window.closes_at < now):
        return None
    return Change(EventKind.BUDGET_RESTORED, window.scheme_id, window.id,
                  f"r{window.budget_rounds or 0}", after={"budget_exhausted": False})  # fmt: skip
