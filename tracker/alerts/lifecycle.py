"""Time-based lifecycle events (``tracker tick``) and budget exhaustion.

Events come from the stored windows and the clock, never from a page change, so a tick after
downtime catches up: every moment that passed gets its event exactly once (dedupe keys carry
the window and the moment). Warnings that are stale by the time we look ("opens soon" for a
window that already opened) are skipped, and so is "opened" for a window that also closed while
we were down; its ``window_closed`` still comes. A moment that passed before the window was
first stored is history, not news, and gets no event.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from tracker.alerts.events import emit_event
from tracker.config import AlertsConfig, ReviewConfig
from tracker.models import Event, EventKind, Scheme, Window
from tracker.read.status import OPEN, window_status
from tracker.staff.review import hold_for_review

logger = logging.getLogger(__name__)

# "subsidieplafond bereikt", "het plafond is bereikt", "budget is uitgeput", "budget is op"
BUDGET_EXHAUSTED = re.compile(
    r"(subsidie)?plafond\s+(is\s+|wordt\s+)?(bereikt|uitgeput)"
    r"|bereiken\s+van\s+het\s+(subsidie)?plafond"
    r"|budget\s+(is\s+)?(uitgeput|op\b)"
    r"|geen\s+(nieuwe\s+)?aanvragen\s+meer\s+in\s+behandeling",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Due:
    kind: EventKind
    moment: datetime

    def key(self, window: Window) -> str:
        return f"{self.kind}:{window.id}:{self.moment:%Y%m%dT%H%M}"


def due_events(window: Window, now: datetime, alerts: AlertsConfig) -> list[Due]:
    """The time-based events whose moment has passed for this window, oldest first."""
    if window.withdrawn:
        return []
    known = window.created_at
    opens, closes = window.opens_at, window.closes_at
    closed_early = window.budget_exhausted
    due: list[Due] = []
    if opens is not None and now < opens and now >= opens - timedelta(alerts.opening_soon_days):
        due.append(Due(EventKind.WINDOW_OPENING_SOON, opens))
    still_open = closes is None or now < closes
    if opens is not None and known <= opens <= now and still_open and not closed_early:
        due.append(Due(EventKind.WINDOW_OPENED, opens))
    if (
        closes is not None
        and now < closes <= now + timedelta(alerts.closing_soon_days)
        and window_status(window, now) == OPEN
    ):
        due.append(Due(EventKind.WINDOW_CLOSING_SOON, closes))
    if closes is not None and known <= closes <= now and not closed_early:
        due.append(Due(EventKind.WINDOW_CLOSED, closes))
    return due


def tick(
    session: Session, alerts: AlertsConfig, now: datetime, review: ReviewConfig | None = None
) -> list[Event]:
    """Emit every time-based and budget event that is due; idempotent.

    With ``review``, events of windows that wait in the review queue are held like those of
    a scrape (``tracker.staff.review``), so an unchecked date does not reach stakeholders by a tick.
    """
    rows = session.exec(
        select(Window, Scheme)
        .join(Scheme, col(Window.scheme_id) == col(Scheme.id))
        .where(
            col(Window.withdrawn).is_(False),
            col(Scheme.hidden).is_(False),
            col(Scheme.removed_at).is_(None),
            col(Scheme.merged_into_id).is_(None),
        )
        .order_by(col(Window.id))
    ).all()
    emitted = set(
        session.exec(
            select(Event.dedupe_key).where(col(Event.window_id).in_([w.id for w, _s in rows]))
        ).all()
    )
    created: list[Event] = []
    for window, scheme in rows:
        for due in due_events(window, now, alerts):
            if due.key(window) not in emitted:
                created += _emit(session, due.kind, scheme, window, due.key(window), now, due)
        if window.budget_exhausted and budget_key(window) not in emitted:
            created += _emit(session, EventKind.BUDGET_EXHAUSTED, scheme, window,
                             budget_key(window), now, None)  # fmt: skip
    if review is not None:
        hold_for_review(session, review, created)
    logger.info("tick at %s: %d events", now.isoformat(), len(created))
    return created


def _emit(
    session: Session,
    kind: EventKind,
    scheme: Scheme,
    window: Window,
    key: str,
    now: datetime,
    due: Due | None,
) -> list[Event]:
    after = {"moment": due.moment.isoformat()} if due else {"budget_exhausted": True}
    event = emit_event(session, kind=kind, scheme=scheme, dedupe_key=key, now=now,
                       window=window, after=after, source_id=window.source_id)  # fmt: skip
    return [event] if event is not None else []


def budget_key(window: Window) -> str:
    return f"{EventKind.BUDGET_EXHAUSTED}:{window.id}"


def says_budget_exhausted(*texts: str) -> bool:
    return any(BUDGET_EXHAUSTED.search(t) for t in texts if t)


def mark_budget_exhausted(
    session: Session,
    scheme: Scheme,
    windows: Iterable[Window],
    now: datetime,
    *,
    baseline: bool,
    source_id: str,
) -> list[Event]:
    """Flag the given windows as closed early and emit ``budget_exhausted`` once for each."""
    events: list[Event] = []
    for window in windows:
        if window.staff_locked or window.withdrawn:
            continue
        if not window.budget_exhausted:
            window.budget_exhausted = True
            window.updated_at = now
            session.add(window)
        event = emit_event(session, kind=EventKind.BUDGET_EXHAUSTED, scheme=scheme,
                           dedupe_key=budget_key(window), now=now, window=window,
                           after={"budget_exhausted": True}, baseline=baseline,
                           source_id=source_id)  # fmt: skip
        if event is not None:
            events.append(event)
    return events


def exhausted_windows(
    windows: Iterable[Window], scheme_texts: Iterable[str], now: datetime
) -> list[Window]:
    """Windows that a publication says are out of budget.

    A window's own status text or snippet counts for that window; a scheme-level statement
    (title, summary) counts for the windows that are open at ``now``.
    """
    windows = list(windows)
    own = [w for w in windows if says_budget_exhausted(w.status_text, w.snippet)]
    if own:
        return own
    if says_budget_exhausted(*scheme_texts):
        return [w for w in windows if window_status(w, now) == OPEN]
    return []
