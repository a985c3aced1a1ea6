"""``tracker tick``: record the time-based changes of stored windows.

What is due is decided in ``tracker.detect.clock`` (opening soon, opened, closing soon, closed,
budget exhausted); this module selects the live windows and records the changes through
``tracker.alerts.events``, so a tick after downtime catches up exactly once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session, col, select

from tracker.alerts.events import record_changes
from tracker.config import AlertsConfig, ReviewConfig
from tracker.detect import Change, Period, as_told_for, due_changes, periods
from tracker.models import Event, Scheme, Window
from tracker.read.visible import visible_clause

logger = logging.getLogger(__name__)


def tick(
    session: Session, alerts: AlertsConfig, now: datetime, review: ReviewConfig | None = None
) -> list[Event]:
    """Record every time-based and budget change that is due; idempotent.

    With ``review``, events of windows that wait in the review queue are held like those of
    a scrape, so an unchecked date does not reach stakeholders by a tick.
    """
    windows = session.exec(
        select(Window)
        .join(Scheme, col(Window.scheme_id) == col(Scheme.id))
        .where(col(Window.withdrawn).is_(False), visible_clause())
        .order_by(col(Window.id))
    ).all()
    # a period stated by several windows (publications, or a half copy of a full window) is
    # one window to stakeholders: its shown window speaks for it, once per period
    found = periods(windows)
    due = {id(p): due_changes(p.shown, now, alerts) for p in found}
    told = _told(session, [(p, c) for p in found for c in due[id(p)]])
    changes: list[Change] = [
        c for p in found for c in due[id(p)] if not told & set(_copy_keys(p, c))
    ]
    created = record_changes(session, changes, now, review=review)
    logger.info("tick at %s: %d events", now.isoformat(), len(created))
    return created


def _copy_keys(period: Period, change: Change) -> list[str]:
    """The keys ``change`` has for the period's other copies (``detect.as_told_for``)."""
    told = (as_told_for(change, w) for w in period.copies[1:])
    return [c.dedupe_key for c in told if c is not None]


def _told(session: Session, pending: list[tuple[Period, Change]]) -> set[str]:
    """Which of the pending changes' copy keys are events already."""
    keys = [key for period, change in pending for key in _copy_keys(period, change)]
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found |= set(session.exec(select(Event.dedupe_key).where(col(Event.dedupe_key).in_(chunk))))
    return found
