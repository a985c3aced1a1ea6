"""Whether a window needs a staff check before stakeholders rely on it (pure).

Used by the alert side to hold events and by the staff review queue to list windows.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.detect.windows import same_period
from tracker.models import Window


def windows_conflict(a: Window, b: Window) -> bool:
    """True when two publications give different dates for overlapping periods.

    One period stated twice (``same_period``: also a half window repeating a bound of a full
    one, such as a closing date alone next to the whole period) agrees, it does not conflict.
    """
    if a.publication_id == b.publication_id or a.withdrawn or b.withdrawn:
        return False
    if (a.opens_at, a.closes_at) == (b.opens_at, b.closes_at) or same_period(a, b):
        return False
    if a.opens_at is None and a.closes_at is None or b.opens_at is None and b.closes_at is None:
        return False
    if a.opens_at is not None and a.opens_at == b.opens_at:
        return True
    if a.closes_at is not None and a.closes_at == b.closes_at:
        return True
    starts = [m for m in (a.opens_at, b.opens_at) if m is not None]
    ends = [m for m in (a.closes_at, b.closes_at) if m is not None]
    return not starts or not ends or max(starts) <= min(ends)


def review_reasons(window: Window, siblings: Sequence[Window], threshold: float) -> list[str]:
    """Why a window needs review (Dutch, for staff); empty when it does not."""
    if window.staff_locked or window.withdrawn:
        return []
    reasons = []
    if window.confidence < threshold:
        reasons.append(f"lage zekerheid ({_nl(window.confidence)}; drempel {_nl(threshold)})")
    others = [w for w in siblings if w.id != window.id and windows_conflict(window, w)]
    if others:
        sources = ", ".join(sorted({w.source_id or "staf" for w in others}))
        reasons.append(f"afwijkende datums in andere publicatie ({sources})")
    return reasons


def _nl(value: float) -> str:
    """A confidence as staff read it elsewhere on the dashboard: '0,70', not '0.70'."""
    return f"{value:.2f}".replace(".", ",")
