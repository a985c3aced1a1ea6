"""Abonnees: subscriptions, their filters, delivery and bounce state. Tokens are never shown."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from tracker.config import Config
from tracker.models import OutboxMessage, Subscription
from tracker.read.describe import LEVEL_NL
from tracker.regions import PROVINCES, region_label
from tracker.web.auth import Staff
from tracker.web.dashboard.common import render
from tracker.web.deps import get_config, get_session

router = APIRouter(prefix="/beheer")


@dataclass
class SubscriberRow:
    id: int
    email: str
    state: str
    filters: dict[str, list[str]]
    frequency: str
    deliveries: dict[str, int] = field(default_factory=dict)
    last_error: str = ""
    created_at: datetime | None = None


def _state(sub: Subscription) -> str:
    if sub.unsubscribed_at:
        return "afgemeld"
    if sub.rejected_at:
        return "bounce (geweigerd)"
    if sub.confirmed_at:
        return "actief"
    return "wacht op bevestiging"


def _region_names(config: Config, sub: Subscription) -> list[str]:
    """Province and group names for what the subscriber chose, not codes."""
    known = (*PROVINCES, *config.regions.groups)
    return [region_label(config, r) if r in known else r for r in sub.region_labels or sub.regions]


def subscriber_rows(session: Session, config: Config) -> list[SubscriberRow]:
    subs = session.exec(select(Subscription).order_by(col(Subscription.created_at).desc())).all()
    messages = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    counts: dict[int, Counter[str]] = {}
    errors: dict[int, str] = {}
    for message in messages:
        counts.setdefault(message.subscription_id, Counter())[message.status] += 1
        if message.last_error:
            errors[message.subscription_id] = message.last_error
    return [
        SubscriberRow(
            id=sub.id or 0,
            email=sub.email,
            state=_state(sub),
            filters={
                "regio's": _region_names(config, sub),
                "niveaus": [LEVEL_NL.get(level, level) for level in sub.levels],
                "thema's": sub.themes,
                "doelgroepen": sub.doelgroepen,
            },
            frequency=sub.frequency,
            deliveries=dict(counts.get(sub.id or 0, Counter())),
            last_error=errors.get(sub.id or 0, "")[:200],
            created_at=sub.created_at,
        )
        for sub in subs
    ]


@router.get("/abonnees", response_class=HTMLResponse)
def subscribers(
    request: Request,
    user: Staff,
    session: Annotated[Session, Depends(get_session)],
    config: Annotated[Config, Depends(get_config)],
) -> HTMLResponse:
    rows = subscriber_rows(session, config)
    return render(request, "dashboard/subscribers.html", {"rows": rows})
