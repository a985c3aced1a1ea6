"""Event rows: the single, idempotent record of everything stakeholders are told.

Changes are decided in ``tracker.detect``; this module only writes them. An event is
identified by its dedupe key; recording the same key twice is a no-op, so re-runs, retries and
concurrent ticks never duplicate an alert. Everything that publishes (feeds, email) reads these
rows. Events of windows that wait for a staff check are stored unpublished when
``[review] hold_low_confidence`` says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tracker.alerts.outbox import enqueue_event
from tracker.config import ReviewConfig
from tracker.detect import Change, review_reasons
from tracker.models import Event, EventKind, Scheme, Window

logger = logging.getLogger(__name__)


def record_changes(
    session: Session,
    changes: Sequence[Change],
    now: datetime,
    *,
    baseline: bool = False,
    source_id: str | None = None,
    review: ReviewConfig | None = None,
) -> list[Event]:
    """Write the changes that are not yet events; return the new events.

    ``source_id`` defaults to the window's source. With ``review``, the new events of windows
    waiting for a staff check are held (stored unpublished).
    """
    keys = [c.dedupe_key for c in changes]
    known = set(_known_keys(session, keys))
    events: list[Event] = []
    for change in changes:
        if change.dedupe_key in known:
            continue
        known.add(change.dedupe_key)
        scheme = session.get(Scheme, change.scheme_id)
        window = session.get(Window, change.window_id) if change.window_id else None
        assert scheme is not None, change
        origin = source_id if source_id is not None else (window.source_id if window else "")
        event = emit_event(session, kind=change.kind, scheme=scheme, dedupe_key=change.dedupe_key,
                           now=now, window=window, before=change.before, after=change.after,
                           baseline=baseline, source_id=origin, checked=True)  # fmt: skip
        if event is not None:
            events.append(event)
    if review is not None:
        hold_for_review(session, review, events)
    return events


def _known_keys(session: Session, keys: list[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found += session.exec(select(Event.dedupe_key).where(col(Event.dedupe_key).in_(chunk)))
    return found


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
    checked: bool = False,
) -> Event | None:
    """Insert the event unless its dedupe key exists; return it when new. ``checked``: the
    caller just looked the key up in this transaction (the unique key still guards a race)."""
    if (
        not checked
        and session.exec(select(Event.id).where(Event.dedupe_key == dedupe_key)).first() is not None
    ):
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


def hold_for_review(session: Session, config: ReviewConfig, events: Iterable[Event]) -> int:
    """Unpublish new events whose window needs review, when the config says so."""
    if not config.hold_low_confidence:
        return 0
    held = 0
    for event in events:
        window = session.get(Window, event.window_id) if event.window_id else None
        if window is None:
            continue
        siblings = session.exec(select(Window).where(Window.scheme_id == window.scheme_id)).all()
        if review_reasons(window, siblings, config.confidence_threshold):
            event.published = False
            session.add(event)
            held += 1
    return held
