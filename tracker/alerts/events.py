"""Event rows: the single, idempotent record of everything stakeholders are told.

An event is identified by its dedupe key; emitting the same key twice is a no-op, so re-runs,
retries and concurrent ticks never duplicate an alert. Everything that publishes (feeds,
email) reads these rows.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tracker.alerts.outbox import enqueue_event
from tracker.models import Event, EventKind, Scheme, Window

logger = logging.getLogger(__name__)


def emit_event(
    session: Session,
    *,
    kind: EventKind,
    scheme: Scheme,
    dedupe_key: str,
    now: datetime,
    window: Window | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    baseline: bool = False,
    source_id: str = "",
) -> Event | None:
    """Insert the event unless its dedupe key exists; return it when new."""
    if session.exec(select(Event.id).where(Event.dedupe_key == dedupe_key)).first() is not None:
        return None
    assert scheme.id is not None
    event = Event(
        kind=kind,
        scheme_id=scheme.id,
        window_id=window.id if window else None,
        source_id=source_id,
        before=before,
        after=after,
        created_at=now,
        dedupe_key=dedupe_key,
        baseline=baseline,
    )
    try:
        with session.begin_nested():
            session.add(event)
    except IntegrityError:
        # another process emitted it between our check and insert
        logger.info("event %s already emitted elsewhere", dedupe_key)
        return None
    # mail is queued in this same transaction, so an event and its outbox rows exist together
    enqueue_event(session, event, scheme)
    return event
