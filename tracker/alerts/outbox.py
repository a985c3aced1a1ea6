"""The outbox: what must be mailed to whom, written in the transaction that creates it.

A new, non-baseline event gets one row per matching active subscription (``event:<id>``):
``kind="event"`` for direct subscribers, ``kind="item"`` for digest subscribers. At digest time
the waiting items of a subscription are gathered into one ``digest`` row and marked batched, in
one transaction. Unique (subscription, key) makes every step idempotent. Nothing is sent here
(that is ``tracker.alerts.notify``).
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlmodel import Session, col, select

from tracker.alerts.subscriptions import active_subscriptions, subscription_matches
from tracker.config import AlertsConfig
from tracker.models import (
    Event,
    Frequency,
    OutboxMessage,
    OutboxStatus,
    Scheme,
    Subscription,
)
from tracker.read.timefmt import AMSTERDAM

logger = logging.getLogger(__name__)

STALE_HELD = timedelta(days=30)


def enqueue_event(session: Session, event: Event, scheme: Scheme) -> int:
    """Queue a new event for every matching subscription; baseline events are never mailed."""
    if event.baseline or event.id is None:
        return 0
    count = 0
    for sub in active_subscriptions(session):
        if not subscription_matches(sub, scheme):
            continue
        assert sub.id is not None
        kind = "event" if sub.frequency == Frequency.DIRECT else "item"
        session.add(
            OutboxMessage(
                subscription_id=sub.id,
                key=f"event:{event.id}",
                kind=kind,
                event_id=event.id,
                event_ids=[event.id],
                created_at=event.created_at,
            )
        )
        count += 1
    if count:
        session.flush()
    return count


def digest_period_end(frequency: str, now: datetime, alerts: AlertsConfig) -> datetime | None:
    """The latest digest moment at or before ``now`` (local digest hour, weekly on a weekday)."""
    if frequency == Frequency.DIRECT:
        return None
    local = now.astimezone(AMSTERDAM)
    day = local.date()
    if frequency == Frequency.WEEKLY:
        day -= timedelta(days=(day.weekday() - alerts.digest_weekday) % 7)
    moment = datetime.combine(day, time(alerts.digest_hour), tzinfo=AMSTERDAM)
    if moment > local:
        moment -= timedelta(days=7 if frequency == Frequency.WEEKLY else 1)
        moment = datetime.combine(moment.date(), time(alerts.digest_hour), tzinfo=AMSTERDAM)
    return moment.astimezone(now.tzinfo)


def build_digests(session: Session, alerts: AlertsConfig, now: datetime) -> int:
    """Gather waiting items into digest rows for every subscription whose moment has come."""
    built = 0
    for sub in active_subscriptions(session):
        end = digest_period_end(sub.frequency, now, alerts)
        if end is None or (sub.digest_through_at is not None and sub.digest_through_at >= end):
            continue
        built += _build_one(session, sub, end)
        sub.digest_through_at = end
        session.add(sub)
    return built


def _build_one(session: Session, sub: Subscription, end: datetime) -> int:
    items = session.exec(
        select(OutboxMessage)
        .join(Event, col(Event.id) == col(OutboxMessage.event_id))
        .where(
            OutboxMessage.subscription_id == sub.id,
            OutboxMessage.kind == "item",
            OutboxMessage.status == OutboxStatus.PENDING,
            col(Event.published).is_(True),
            col(Event.created_at) <= end,
        )
        .order_by(col(OutboxMessage.id))
    ).all()
    if not items:
        return 0
    assert sub.id is not None
    key = f"digest:{end.astimezone(AMSTERDAM):%Y-%m-%dT%H:%M}"
    if session.exec(
        select(OutboxMessage.id).where(
            OutboxMessage.subscription_id == sub.id, OutboxMessage.key == key
        )
    ).first():
        return 0
    event_ids = [i for item in items for i in item.event_ids]
    session.add(OutboxMessage(subscription_id=sub.id, key=key, kind="digest",
                              event_ids=event_ids, created_at=end))  # fmt: skip
    for item in items:
        item.status = OutboxStatus.BATCHED
        session.add(item)
    return 1


def drop_stale(session: Session, now: datetime) -> int:
    """Give up on rows whose event stayed held for review for a month, and on dead addresses."""
    dropped = 0
    rows = session.exec(
        select(OutboxMessage, Subscription)
        .join(Subscription, col(Subscription.id) == col(OutboxMessage.subscription_id))
        .where(OutboxMessage.status == OutboxStatus.PENDING)
    ).all()
    for row, sub in rows:
        gone = sub.unsubscribed_at is not None or sub.rejected_at is not None
        if row.kind == "confirm":
            gone = gone or sub.confirmed_at is not None
        elif row.created_at < now - STALE_HELD:
            gone = gone or not _all_published(session, row.event_ids)
        if gone:
            row.status = OutboxStatus.DROPPED
            session.add(row)
            dropped += 1
    return dropped


def _all_published(session: Session, event_ids: list[int]) -> bool:
    events = session.exec(select(Event).where(col(Event.id).in_(event_ids))).all()
    return all(e.published for e in events)
