"""The review queue: extractions that staff should check before stakeholders rely on them.

A window waits here when its extraction confidence is below ``[review] confidence_threshold``
or when another publication gives different dates for an overlapping period (the rule is
``tracker.detect.review``). With ``[review] hold_low_confidence`` its events are stored
unpublished (``Event.published=False``) until a staff member approves the window. Merge
proposals (look-alike titles, ``tracker.ingest.merge``) wait here too; accepting one is a
staff merge (``tracker.staff.corrections.decide_proposal``). No web code here.

Windows are stored per publication, but readers see one window per span
(``tracker.read.queries.shown_windows``). So a verdict is about a span: it is recorded for
every copy of it in the scheme (``span_copies``), and the queue lists a span once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from tracker import detect
from tracker.config import ReviewConfig
from tracker.detect import WindowState
from tracker.detect import review_reasons as review_reasons  # the dashboard lists reasons
from tracker.models import (
    AuditLog,
    Event,
    MergeProposal,
    ProposalStatus,
    ReviewDecision,
    Scheme,
    Window,
)
from tracker.read.visible import is_visible, visible_clause

logger = logging.getLogger(__name__)


class Verdict(StrEnum):
    """A staff decision on a window in the queue (stored in ``ReviewDecision.decision``)."""

    APPROVED = "approved"
    REJECTED = "rejected"
    CORRECTED = "corrected"


VERDICT_NL = {Verdict.APPROVED: "goedgekeurd", Verdict.REJECTED: "afgewezen",
              Verdict.CORRECTED: "gecorrigeerd"}  # fmt: skip


@dataclass
class ReviewItem:
    window: Window
    scheme: Scheme
    reasons: list[str] = field(default_factory=list)
    held_events: int = 0


def review_queue(session: Session, config: ReviewConfig) -> list[ReviewItem]:
    """Windows of live schemes that need review and have no verdict since they last changed.

    Live: not merged and not hidden (``tracker.read.visible``); a removed scheme's windows stay
    reviewable, because its events stay history in feeds and mail.
    """
    schemes = {
        s.id: s for s in session.exec(select(Scheme).where(visible_clause(removed=True))).all()
    }
    windows = session.exec(select(Window).where(col(Window.scheme_id).in_(list(schemes)))).all()
    by_scheme: dict[int, list[Window]] = {}
    for window in windows:
        by_scheme.setdefault(window.scheme_id, []).append(window)
    decided = _last_decisions(session)
    by_span: dict[tuple[object, ...], ReviewItem] = {}
    for window in sorted(windows, key=lambda w: w.id or 0):
        reasons = review_reasons(window, by_scheme[window.scheme_id], config.confidence_threshold)
        verdict = decided.get(window.id or 0)
        if not reasons or (verdict is not None and verdict >= window.updated_at):
            continue
        # one item per span: a verdict on it is a verdict on every copy (``decide``)
        item = by_span.get(key := _span_key(window))
        if item is None:
            by_span[key] = ReviewItem(window, schemes[window.scheme_id], reasons)
        else:
            item.reasons += [r for r in reasons if r not in item.reasons]
        by_span[key].held_events += _held(session, window)
    items = list(by_span.values())
    items.sort(key=lambda i: (i.window.updated_at, i.window.id or 0), reverse=True)
    return items


def _span_key(window: Window) -> tuple[object, ...]:
    state = WindowState.of(window)
    if state.opens_at is None and state.closes_at is None:
        return ("undated", window.id)
    return (window.scheme_id, state.opens_at, state.closes_at)


def span_copies(session: Session, window: Window) -> list[Window]:
    """The window and every other live copy of its period in the scheme (another publication
    stating it: the same span, or the same days as ``detect.same_period`` reads them, as the
    pages show it once); an undated window is only itself."""
    key = _span_key(window)
    if key[0] == "undated":
        return [window]
    siblings = session.exec(
        select(Window).where(Window.scheme_id == window.scheme_id, Window.id != window.id)
    ).all()
    copies = [
        w
        for w in siblings
        if not w.withdrawn and (_span_key(w) == key or detect.same_period(window, w))
    ]
    return [window, *sorted(copies, key=lambda w: w.id or 0)]


@dataclass
class ProposalItem:
    """Two schemes that may be one (``tracker.ingest.merge``), waiting for a staff verdict."""

    proposal: MergeProposal
    scheme: Scheme
    target: Scheme


def merge_proposals(session: Session) -> list[ProposalItem]:
    """Open merge proposals between schemes that are both still on their own, newest first."""
    proposals = session.exec(
        select(MergeProposal)
        .where(MergeProposal.status == ProposalStatus.OPEN)
        .order_by(col(MergeProposal.created_at).desc(), col(MergeProposal.id).desc())
    ).all()
    items = []
    for proposal in proposals:
        scheme = session.get(Scheme, proposal.scheme_id)
        target = session.get(Scheme, proposal.target_id)
        if scheme is None or target is None:
            continue
        # still on their own: hidden or removed schemes may still be one (staff decide)
        on_own = (is_visible(s, hidden=True, removed=True) for s in (scheme, target))
        if all(on_own):
            items.append(ProposalItem(proposal, scheme, target))
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
    """Record a verdict on the window's span (every copy, ``span_copies``); approving publishes
    their held events. Returns how many events were published."""
    return decide_windows(session, span_copies(session, window), decision, actor, now)


def decide_windows(
    session: Session, windows: Sequence[Window], decision: str, actor: str, now: datetime
) -> int:
    """Record a verdict on each of ``windows``; approving publishes their held events (a
    correction sends its own alert instead). Returns how many events were published."""
    if decision not in set(Verdict):
        raise ValueError(f"unknown review decision {decision!r}")
    published = 0
    for window in windows:
        assert window.id is not None
        session.add(
            ReviewDecision(window_id=window.id, decision=decision, actor=actor, created_at=now)
        )
        if decision != Verdict.CORRECTED:  # a correction is audited with its dates
            session.add(
                AuditLog(
                    actor=actor,
                    action=f"beoordeling: {VERDICT_NL[Verdict(decision)]}",
                    created_at=now,
                    scheme_id=window.scheme_id,
                    window_id=window.id,
                    field="review",
                    after=decision,
                )
            )
        # a correction sends its own alert; the held ones tell the dates it replaced
        if decision in (Verdict.REJECTED, Verdict.CORRECTED):
            continue
        held = session.exec(
            select(Event).where(Event.window_id == window.id, col(Event.published).is_(False))
        ).all()
        for event in held:
            event.published = True
            session.add(event)
        published += len(held)
    ids = [w.id for w in windows]
    logger.info("%s %s windows %s; published %d events", actor, decision, ids, published)
    return published
