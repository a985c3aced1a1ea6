"""Retention for raw HTTP bodies kept in ``HttpCacheEntry`` (``[http] body_retention_days``).

A body is only needed for two things: answering a 304 (the fetcher sends ``If-None-Match`` /
``If-Modified-Since`` only while it holds the body to fall back on) and nothing else, since
"unchanged" is judged by ``body_sha256``. So bodies of pages not fetched for the retention period
are dropped, keeping the digest; entries whose validators still allow conditional requests keep
their body unless ``validators=True``, which removes those entries altogether (the next fetch of
such a page is then a plain GET). Pages that are still fetched are never touched: every run
refreshes ``fetched_at``, a 304 included.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.models import HttpCacheEntry

logger = logging.getLogger(__name__)


@dataclass
class Pruned:
    bodies: int = 0  # bodies dropped, digest kept
    entries: int = 0  # entries removed with their validators (only when asked)


def prune_http_bodies(
    session: Session, now: datetime, days: int, *, validators: bool = False
) -> Pruned:
    """Drop raw bodies not fetched for ``days`` days (0 keeps everything); the caller commits."""
    result = Pruned()
    if days <= 0:
        return result
    cutoff = now - timedelta(days=days)
    old = col(HttpCacheEntry.fetched_at) < cutoff
    no_validators = sa.and_(col(HttpCacheEntry.etag) == "", col(HttpCacheEntry.last_modified) == "")
    if validators:
        done = session.execute(sa.delete(HttpCacheEntry).where(old, sa.not_(no_validators)))
        result.entries = _count(done)
    done = session.execute(
        sa.update(HttpCacheEntry)
        .where(old, no_validators, col(HttpCacheEntry.body).is_not(None))
        .values(body=None)
    )
    result.bodies = _count(done)
    logger.info(
        "retention: %d bodies dropped, %d entries removed (older than %d days)",
        result.bodies,
        result.entries,
        days,
        extra={"bodies": result.bodies, "entries": result.entries, "days": days},
    )
    return result


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
