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
from tracker.detect import Change, distinct_windows, due_changes
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
    # a span stated by several publications of a scheme is one window to stakeholders
    distinct = distinct_windows(windows)
    changes: list[Change] = [c for window in distinct for c in due_changes(window, now, alerts)]
    created = record_changes(session, changes, now, review=review)
    logger.info("tick at %s: %d events", now.isoformat(), len(created))
    return created
