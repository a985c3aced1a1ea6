"""One place that turns (feed, format, filters) into bytes plus HTTP validators.

Used by the web routes (with ETag/304) and by ``tracker feeds export`` (static files), so both
serve the same documents. The ETag covers everything that changes the output, including the
derived status of each window at ``now``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlmodel import Session

from feeds.build import build_event_feed, build_scheme_feed
from feeds.ical import build_calendar
from tracker.config import Config
from tracker.models import Scheme, Window
from tracker.read.describe import KIND_NL, LEVEL_NL
from tracker.read.queries import Filters, recent_events, scheme_matches
from tracker.read.schemes import load_rows
from tracker.read.status import scheme_status, window_status
from tracker.regions import PROVINCES

logger = logging.getLogger(__name__)

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
Format = Literal["rss", "atom", "ics"]
MEDIA = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
}


@dataclass
class PreparedFeed:
    etag: str
    updated: datetime
    media_type: str
    render: Callable[[], bytes]


def _etag(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]


def feed_title(config: Config, base: str, filters: Filters) -> str:
    """The base title with the filters in words a reader knows ('Gelderland', not 'NL-GE')."""
    kinds = {k.value: label for k, label in KIND_NL.items()}
    parts = [
        PROVINCES.get(filters.region, filters.region) if filters.region else "",
        LEVEL_NL.get(filters.level, filters.level) if filters.level else "",
        filters.theme or "",
        filters.doelgroep or "",
        kinds.get(filters.kind, filters.kind) if filters.kind else "",
        f"“{filters.q}”" if filters.q else "",
    ]
    shown = [p for p in parts if p]
    return f"{base} ({', '.join(shown)})" if shown else base


def prepare_alerts(
    config: Config, session: Session, fmt: Format, filters: Filters, self_url: str, now: datetime
) -> PreparedFeed:
    rows = recent_events(session, filters, config.feeds.max_items)
    updated = max((event.created_at for event, _s, _w in rows), default=EPOCH)
    # what an item shows: the event, its scheme as it is now (a rename, a new link) and its
    # window's dates and status
    states = [
        f"{e.id}:{s.updated_at.isoformat()}:"
        + (f"{w.updated_at.isoformat()}:{window_status(w, now)}" if w else "")
        for e, s, w in rows
    ]
    site = config.web.base_url.rstrip("/") + "/"

    def render() -> bytes:
        fg = build_event_feed(title=feed_title(config, config.feeds.title, filters),
                              self_url=self_url, site_url=site, rows=rows, now=now,
                              updated=updated)  # fmt: skip
        body: bytes = fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)
        return body

    return PreparedFeed(_etag("alerts", fmt, filters.key(), self_url, *states), updated,
                        MEDIA[fmt], render)  # fmt: skip


def matching_schemes(
    session: Session, filters: Filters, now: datetime
) -> list[tuple[Scheme, list[Window], datetime]]:
    """Visible schemes matching the filters with their windows and last change, newest first.

    From the cached rows of the public lists (``tracker.read.schemes.load_rows``: built once
    per data generation and window moment), not a load of every scheme per feed and minute:
    at 10,000 schemes that load was most of a feed's rendering (issue 14)."""
    rows = []
    for row in load_rows(session, now):
        if scheme_matches(row.scheme, filters):
            changed = max([row.scheme.updated_at, *(w.updated_at for w in row.windows)])
            rows.append((row.scheme, row.windows, changed))
    rows.sort(key=lambda r: (r[2], r[0].id or 0), reverse=True)
    return rows


def prepare_schemes(
    config: Config, session: Session, fmt: Format, filters: Filters, self_url: str, now: datetime
) -> PreparedFeed:
    rows = matching_schemes(session, filters, now)[: config.feeds.max_items]
    updated = max((changed for _s, _w, changed in rows), default=EPOCH)
    # each window's own status is shown, not only the scheme's ("open" of one of two windows)
    states = [
        f"{s.id}:{changed.isoformat()}:{scheme_status(w, now)}:"
        + ",".join(window_status(window, now) for window in w)
        for s, w, changed in rows
    ]
    site = config.web.base_url.rstrip("/") + "/"

    def render() -> bytes:
        title = feed_title(config, "Subsidieregelingen", filters)
        fg = build_scheme_feed(title=title, self_url=self_url, site_url=site, rows=rows,
                               now=now, updated=updated)  # fmt: skip
        body: bytes = fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)
        return body

    return PreparedFeed(_etag("schemes", fmt, filters.key(), self_url, *states), updated,
                        MEDIA[fmt], render)  # fmt: skip


def prepare_calendar(
    config: Config, session: Session, filters: Filters, now: datetime
) -> PreparedFeed:
    pairs = [
        (scheme, window)
        for scheme, windows, _changed in matching_schemes(session, filters, now)
        for window in windows
        if not window.withdrawn and (window.opens_at or window.closes_at)
    ]
    pairs.sort(key=lambda p: p[1].opens_at or p[1].closes_at or EPOCH, reverse=True)
    pairs = pairs[: config.feeds.max_items]
    updated = max((max(w.updated_at, s.updated_at) for s, w in pairs), default=EPOCH)
    # an event shows its scheme's name and link too: a rename must not answer 304
    states = [
        f"{w.id}:{w.updated_at.isoformat()}:{s.updated_at.isoformat()}:{window_status(w, now)}"
        for s, w in pairs
    ]

    def render() -> bytes:
        title = feed_title(config, "Aanvraagperiodes subsidieregelingen", filters)
        body: bytes = build_calendar(title=title, rows=pairs, now=now).to_ical()
        return body

    return PreparedFeed(_etag("ics", filters.key(), *states), updated, MEDIA["ics"], render)
