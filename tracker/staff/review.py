"""The review queue: extractions that staff should check before stakeholders rely on them.

A window waits here when its extraction confidence is below ``[review] confidence_threshold``
or when another publication gives different dates for an overlapping period. With
``[review] hold_low_confidence`` its events are stored unpublished (``Event.published=False``)
until a staff member approves the window. No web code here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from tracker.config import ReviewConfig
from tracker.models import Event, ReviewDecision, Scheme, Window

logger = logging.getLogger(__name__)

APPROVED = "approved"
REJECTED = "rejected"
CORRECTED = "corrected"


@dataclass
class ReviewItem:
    window: Window
    scheme: Scheme
    reasons: list[str] = field(default_factory=list)
    held_events: int = 0


def windows_conflict(a: Window, b: Window) -> bool:
    """True when two publications give different dates for overlapping periods."""
    if a.publication_id == b.publication_id or a.withdrawn or b.withdrawn:
        return False
    if (a.opens_at, a.closes_at) == (b.opens_at, b.closes_at):
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
        reasons.append(f"lage zekerheid ({window.confidence:.2f} < {threshold:.2f})")
    others = [w for w in siblings if w.id != window.id and windows_conflict(window, w)]
    if others:
        sources = ", ".join(sorted({w.source_id or "staf" for w in others}))
        reasons.append(f"afwijkende datums in andere publicatie ({sources})")
    return reasons


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


def review_queue(session: Session, config: ReviewConfig) -> list[ReviewItem]:
    """Windows of live schemes that need review and have no verdict since they last changed."""
    schemes = {
        s.id: s
        for s in session.exec(
            select(Scheme).where(
                col(Scheme.hidden).is_(False), col(Scheme.merged_into_id).is_(None)
            )
        ).all()
    }
    windows = session.exec(select(Window).where(col(Window.scheme_id).in_(list(schemes)))).all()
    by_scheme: dict[int, list[Window]] = {}
    for window in windows:
        by_scheme.setdefault(window.scheme_id, []).append(window)
    decided = _last_decisions(session)
    items = []
    for window in windows:
        reasons = review_reasons(window, by_scheme[window.scheme_id], config.confidence_threshold)
        verdict = decided.get(window.id or 0)
        if not reasons or (verdict is not None and verdict >= window.updated_at):
            continue
        items.append(ReviewItem(window, schemes[window.scheme_id], reasons, _held(session, window)))
    items.sort(key=lambda i: (i.window.updated_at, i.window.id or 0), reverse=True)
    return items


def _last_decisions(session: Session) -> dict[int, datetime]:
    latest: dict[int, datetime] = {}
    for decision in session.exec(select(ReviewDecision)).all():
        if decision.window_id not in latest or decision.created_at > latest[decision.window_id]:
            latest[decision.window_id] = decision.created_at
    return latest


def _held(session: Session, window: Window) -> int:
    return len(
        session.exec(
            select(Event.id).where(Event.window_id == window.id, col(Event.published).is_(False))
        ).all()
    )


def decide(session: Session, window: Window, decision: str, actor: str, now: datetime) -> int:
    """Record a verdict; approving (or correcting) publishes the window's held events."""
    if decision not in (APPROVED, REJECTED, CORRECTED):
        raise ValueError(f"unknown review decision {decision!r}")
    assert window.id is not None
    session.add(ReviewDecision(window_id=window.id, decision=decision, actor=actor, created_at=now))
    if decision == REJECTED:
        return 0
    held = session.exec(
        select(Event).where(Event.window_id == window.id, col(Event.published).is_(False))
    ).all()
    for event in held:
        event.published = True
        session.add(event)
    logger.info("%s %s window %s; published %d events", actor, decision, window.id, len(held))
    return len(held)
