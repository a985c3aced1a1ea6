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
from functools import cache
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import manager_of_class
from sqlmodel import Session, col, select

from tracker import generation
from tracker.alerts.outbox import enqueue_event
from tracker.alerts.subscriptions import active_subscriptions
from tracker.config import ReviewConfig
from tracker.detect import Change, review_reasons
from tracker.ingest.upsert import insert_dialect
from tracker.models import Event, EventKind, ReviewDecision, Scheme, Window

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
    waiting for a staff check are held (stored unpublished). All of them are written in one
    ``INSERT … ON CONFLICT DO NOTHING`` (a key that exists, also one another process wrote a
    moment ago, is skipped), not a savepoint and a flush per event (issue 14).
    """
    fresh: dict[str, Change] = {}
    for change in changes:
        fresh.setdefault(change.dedupe_key, change)
    if not fresh:
        return []
    window_ids = {c.window_id for c in fresh.values() if c.window_id is not None}
    held = review is not None and review.hold_low_confidence and bool(window_ids)
    windows = _windows(session, window_ids, siblings=held) if held or source_id is None else {}
    by_scheme: dict[int, list[Window]] = {}
    for stored in windows.values():
        by_scheme.setdefault(stored.scheme_id, []).append(stored)
    approved = _approved(session, window_ids) if held else set()
    rows = []
    for key, change in fresh.items():
        window = windows.get(change.window_id) if change.window_id is not None else None
        origin = source_id if source_id is not None else (window.source_id if window else "")
        published = True
        if held and window is not None and review is not None and window.id not in approved:
            siblings = by_scheme[window.scheme_id]
            published = not review_reasons(window, siblings, review.confidence_threshold)
        rows.append({"kind": change.kind, "scheme_id": change.scheme_id,
                     "window_id": change.window_id, "source_id": origin,
                     "before": change.before, "after": change.after, "created_at": now,
                     "dedupe_key": key, "baseline": baseline, "published": published})  # fmt: skip
    events = _insert_new(session, rows)
    if not baseline and events:
        # mail is queued in this same transaction, so an event and its outbox rows exist together
        subscriptions = active_subscriptions(session)
        if subscriptions:
            for event in events:
                scheme = session.get(Scheme, event.scheme_id)
                assert scheme is not None, event
                enqueue_event(session, event, scheme, subscriptions)
    return events


def _approved(session: Session, ids: set[int]) -> set[int]:
    """Windows staff approved (or corrected) and that did not change since: their later
    alerts (opening soon, opened, closing) go out; they were held again at every tick, out
    of the review queue, until dropped as stale."""
    latest: dict[int, ReviewDecision] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        these = col(ReviewDecision.window_id).in_(wanted[start : start + 500])
        for decision in session.exec(select(ReviewDecision).where(these)).all():
            mine = latest.get(decision.window_id)
            if mine is None or (decision.created_at, decision.id or 0) > (
                mine.created_at,
                mine.id or 0,
            ):
                latest[decision.window_id] = decision
    found = set()
    for window_id, decision in latest.items():
        window = session.get(Window, window_id)
        if window is None or decision.decision == "rejected":
            continue
        if decision.created_at >= window.updated_at:
            found.add(window_id)
    return found


def _windows(session: Session, ids: set[int], *, siblings: bool) -> dict[int, Window]:
    """The windows with these ids by id (``siblings``: and every window of their schemes),
    500 ids per query (a catch-up tick may tell thousands)."""
    wanted = sorted(ids)
    found: dict[int, Window] = {}
    for start in range(0, len(wanted), 500):
        these = col(Window.id).in_(wanted[start : start + 500])
        if siblings:
            schemes = select(Window.scheme_id).where(these)
            these = col(Window.scheme_id).in_(schemes.scalar_subquery())
        for window in session.exec(select(Window).where(these)).all():
            if window.id is not None:
                found[window.id] = window
    return dict(sorted(found.items()))


_EVENTS: Any = Event.__table__  # type: ignore[attr-defined]


@cache
def _insert_statement(dialect_name: str) -> Any:
    dialect = insert_dialect(dialect_name)
    return (
        dialect.insert(_EVENTS)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(_EVENTS.c.id, _EVENTS.c.dedupe_key)
    )


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> list[Event]:
    """Insert the events whose dedupe key is not taken; the new ones, in the order given, as
    persistent objects of the session (made from the values written, as the ORM makes an
    object from a row it reads: no construction with validation, no flush)."""
    statement = _insert_statement(session.get_bind().dialect.name)
    made = {key: event_id for event_id, key in session.execute(statement, rows).all()}
    if not made:
        return []
    generation.touch(session)  # written without a flush: bump at commit
    events = []
    for row in rows:
        if (event_id := made.get(row["dedupe_key"])) is None:
            continue
        event = _MANAGER.new_instance()
        event.__dict__.update(row, id=event_id)
        make_transient_to_detached(event)
        session.add(event)
        events.append(event)
    return events


_MANAGER = manager_of_class(Event)


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
