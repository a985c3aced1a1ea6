"""Email subscriptions: double opt-in, unsubscribe, and which schemes a subscription wants.

Tokens are 256-bit random, one per purpose: the confirmation token only confirms, the
unsubscribe token only unsubscribes. An address has at most one active subscription: a newly
confirmed one replaces the old, so nobody gets the same alert twice. No mail is sent here; the
confirmation message goes through the outbox like every other message.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tracker.config import Config
from tracker.errors import TrackerError
from tracker.models import Frequency, OutboxMessage, Scheme, Subscription
from tracker.read.describe import LEVEL_NL
from tracker.read.visible import is_visible
from tracker.regions import PROVINCES, expand_regions, region_label, region_names

logger = logging.getLogger(__name__)

LEVELS = ("rijk", "provincie", "eu")


class SubscribeError(TrackerError):
    """A subscribe request that cannot be accepted; the message is Dutch, for the form."""


@dataclass(frozen=True)
class SubscriptionRequest:
    email: str
    regions: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    doelgroepen: tuple[str, ...] = ()
    frequency: str = Frequency.DIRECT


def new_token() -> str:
    return secrets.token_urlsafe(32)


def client_key(client: str, secret_salt: str) -> str:
    """A pseudonymous client identifier for rate limiting (no IP addresses stored)."""
    return hashlib.sha256(f"{secret_salt}|{client}".encode()).hexdigest()[:32]


def normalise_email(raw: str) -> str:
    # imported here: email_validator takes ~25 ms to import and only subscriptions need it,
    # while this module is imported by every scrape (through the outbox)
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise SubscribeError(
            "Dit e-mailadres is ongeldig. Controleer het adres, bijvoorbeeld naam@organisatie.nl."
        ) from None


def validate_request(config: Config, req: SubscriptionRequest) -> SubscriptionRequest:
    """Check every choice against the configuration; normalise the address."""
    email = normalise_email(req.email)
    _check_choice("regio", req.regions, region_names(config))
    _check_choice("niveau", req.levels, LEVELS)
    _check_choice("thema", req.themes, tuple(config.themes))
    _check_choice("doelgroep", req.doelgroepen, tuple(config.doelgroepen))
    _check_choice("frequentie", (req.frequency,), tuple(f.value for f in Frequency))

    def tidy(values: Sequence[str]) -> tuple[str, ...]:
        return tuple(sorted(set(values)))

    return SubscriptionRequest(
        email=email,
        regions=tidy(req.regions),
        levels=tidy(req.levels),
        themes=tidy(req.themes),
        doelgroepen=tidy(req.doelgroepen),
        frequency=req.frequency,
    )


def _check_choice(label: str, values: Sequence[str], allowed: Sequence[str]) -> None:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise SubscribeError(f"Onbekende keuze voor {label}: {_shown(unknown)}.")


def _shown(values: Sequence[str]) -> str:
    """A few unknown values, each shortened: the message never echoes what was sent whole."""
    shown = [v if len(v) <= 40 else v[:40] + "…" for v in values[:3]]
    return ", ".join(shown) + (f" en {len(values) - 3} meer" if len(values) > 3 else "")


def recent_requests(session: Session, *, since: datetime, email: str = "", client: str = "") -> int:
    """Subscribe requests since a moment, by address or by client (for rate limits)."""
    query = select(func.count()).select_from(Subscription).where(Subscription.created_at >= since)
    if email:
        query = query.where(_same_address(email))
    if client:
        query = query.where(Subscription.client == client)
    return int(session.exec(query).one())


def create_subscription(
    session: Session, config: Config, req: SubscriptionRequest, now: datetime, client: str = ""
) -> Subscription:
    """Store an unconfirmed subscription and queue its confirmation message."""
    req = validate_request(config, req)
    window = now - timedelta(minutes=config.alerts.subscribe_window_minutes)
    if (
        recent_requests(session, since=window, email=req.email)
        >= config.alerts.subscribe_per_address
    ):
        raise SubscribeError(
            "Voor dit adres zijn al meerdere aanmeldingen gedaan. Probeer het later."
        )
    sub = Subscription(
        email=req.email,
        regions=expand_regions(config, req.regions),
        region_labels=list(req.regions),
        levels=list(req.levels),
        themes=list(req.themes),
        doelgroepen=list(req.doelgroepen),
        frequency=req.frequency,
        confirm_token=new_token(),
        unsubscribe_token=new_token(),
        created_at=now,
        client=client,
    )
    session.add(sub)
    session.flush()
    assert sub.id is not None
    session.add(
        OutboxMessage(subscription_id=sub.id, key="confirm", kind="confirm", created_at=now)
    )
    return sub


def confirm_subscription(
    session: Session, token: str, now: datetime, *, valid_days: int
) -> Subscription | None:
    """Confirm by token; replaces the address's earlier subscription. None when invalid."""
    sub = session.exec(select(Subscription).where(Subscription.confirm_token == token)).first()
    if sub is None or sub.unsubscribed_at is not None:
        return None
    if sub.confirmed_at is not None:
        return sub
    if sub.created_at + timedelta(days=valid_days) < now:
        return None
    sub.confirmed_at = now
    sub.digest_through_at = now
    session.add(sub)
    for other in active_subscriptions(session, email=sub.email):
        if other.id != sub.id:
            other.unsubscribed_at = now
            session.add(other)
    return sub


def unsubscribe(session: Session, token: str, now: datetime) -> Subscription | None:
    sub = session.exec(select(Subscription).where(Subscription.unsubscribe_token == token)).first()
    if sub is None:
        return None
    if sub.unsubscribed_at is None:
        sub.unsubscribed_at = now
        session.add(sub)
    return sub


def _same_address(email: str) -> sa.ColumnElement[bool]:
    """Jan@Example.NL and jan@example.nl are one subscriber (mail providers ignore case), so
    confirming one replaces the other and both count toward one address's limit."""
    return func.lower(col(Subscription.email)) == email.lower()


def active_subscriptions(session: Session, *, email: str = "") -> list[Subscription]:
    """Confirmed, not unsubscribed, not permanently rejected by the mail server."""
    query = select(Subscription).where(
        col(Subscription.confirmed_at).is_not(None),
        col(Subscription.unsubscribed_at).is_(None),
        col(Subscription.rejected_at).is_(None),
    )
    if email:
        query = query.where(_same_address(email))
    return list(session.exec(query.order_by(col(Subscription.id))).all())


def subscription_choices(config: Config, sub: Subscription) -> list[tuple[str, str]]:
    """What a subscriber chose, in Dutch (for the confirmation mail); no choice means all."""
    known = (*PROVINCES, *config.regions.groups)
    regions = [region_label(config, r) if r in known else r for r in sub.region_labels]
    return [
        ("Regio's", "; ".join(regions) or "alle (heel Nederland)"),
        ("Niveau", ", ".join(LEVEL_NL.get(v, v) for v in sub.levels) or "alle"),
        ("Thema's", ", ".join(sub.themes) or "alle"),
        ("Doelgroepen", ", ".join(sub.doelgroepen) or "alle"),
        ("Hoe vaak", sub.frequency),
    ]


def subscription_matches(sub: Subscription, scheme: Scheme) -> bool:
    """Every chosen dimension must match; an empty choice means everything.

    Schemes without regions (Rijk, EU-wide) match every region choice.
    """
    # removed schemes still match: their removal is an alert (tracker.read.visible)
    if not is_visible(scheme, removed=True):
        return False
    if sub.levels and scheme.level not in sub.levels:
        return False
    if sub.regions and scheme.regions and not set(sub.regions) & set(scheme.regions):
        return False
    if sub.themes and not set(sub.themes) & set(scheme.themes):
        return False
    return not (sub.doelgroepen and not set(sub.doelgroepen) & set(scheme.doelgroepen))
