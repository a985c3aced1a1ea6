"""The outbox: what must be mailed to whom, written in the transaction that creates it.

A new, non-baseline event gets one row per matching active subscription (``event:<id>``):
``kind="event"`` for direct subscribers, ``kind="item"`` for digest subscribers. At digest time
the waiting items of a subscription are gathered into one ``digest`` row and marked batched, in
one transaction. Unique (subscription, key) makes every step idempotent. Nothing is sent here
(that is ``tracker.alerts.notify``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, time, timedelta

import sqlalchemy as sa
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
PAGE = 500  # rows read at a time


def enqueue_event(
    session: Session,
    event: Event,
    scheme: Scheme,
    subscriptions: Sequence[Subscription] | None = None,
) -> int:
    """Queue a new event for every matching subscription; baseline events are never mailed.

    ``subscriptions``: the active ones, when the caller read them once for several events."""
    if event.baseline or event.id is None:
        return 0
    count = 0
    subs = subscriptions if subscriptions is not None else active_subscriptions(session)
    for sub in subs:
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
    """Gather waiting items into digest rows for every subscription whose moment has come.

    Digest subscriptions are read a page at a time (direct ones not at all), so memory does
    not grow with the number of subscribers."""
    built = 0
    after = 0
    while True:
        page = session.exec(
            select(Subscription)
            .where(
                col(Subscription.confirmed_at).is_not(None),
                col(Subscription.unsubscribed_at).is_(None),
                col(Subscription.rejected_at).is_(None),
                Subscription.frequency != Frequency.DIRECT,
                col(Subscription.id) > after,
            )
            .order_by(col(Subscription.id))
            .limit(PAGE)
        ).all()
        for sub in page:
            assert sub.id is not None
            after = sub.id
            end = digest_period_end(sub.frequency, now, alerts)
            if end is None or (sub.digest_through_at is not None and sub.digest_through_at >= end):
                continue
            built += _build_one(session, sub, end)
            sub.digest_through_at = end
            session.add(sub)
        session.flush()
        session.expunge_all()  # written: let the page go
        if len(page) < PAGE:
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
    """Give up on rows whose event stayed held for review for a month, and on dead addresses.

    In set-based statements, and the month-old rows a page at a time: the work does not load
    the outbox into memory."""
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
    subs = Subscription.__table__  # type: ignore[attr-defined]
    pending = outbox.c.status == OutboxStatus.PENDING.value
    gone = sa.select(subs.c.id).where(
        sa.or_(subs.c.unsubscribed_at.is_not(None), subs.c.rejected_at.is_not(None))
    )
    confirmed = sa.select(subs.c.id).where(subs.c.confirmed_at.is_not(None))
    drop = sa.update(outbox).values(status=OutboxStatus.DROPPED.value)
    conn = session.connection()
    dropped = conn.execute(drop.where(pending, outbox.c.subscription_id.in_(gone))).rowcount
    dropped += conn.execute(
        drop.where(pending, outbox.c.kind == "confirm", outbox.c.subscription_id.in_(confirmed))
    ).rowcount
    published: dict[tuple[int, ...], bool] = {}
    after = 0
    while True:
        page = conn.execute(
            sa.select(outbox.c.id, outbox.c.event_ids)
            .where(
                pending,
                outbox.c.kind != "confirm",
                outbox.c.created_at < now - STALE_HELD,
                outbox.c.id > after,
            )
            .order_by(outbox.c.id)
            .limit(PAGE)
        ).all()
        held = []
        for row_id, event_ids in page:
            after = row_id
            key = tuple(event_ids)
            if key not in published:
                published[key] = _all_published(session, list(key))
            if not published[key]:
                held.append(row_id)
        if held:
            dropped += conn.execute(drop.where(pending, outbox.c.id.in_(held))).rowcount
        if len(page) < PAGE:
            return int(dropped)


def _all_published(session: Session, event_ids: list[int]) -> bool:
    events = session.exec(select(Event).where(col(Event.id).in_(event_ids))).all()
    return all(e.published for e in events)
