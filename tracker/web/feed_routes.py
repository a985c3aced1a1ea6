"""Alert feeds: /feeds/alerts.rss and /feeds/alerts.atom, filtered by query parameters."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlmodel import Session

from feeds.build import build_event_feed
from tracker.config import Config
from tracker.queries import Filters, recent_events
from tracker.web.caching import conditional_response
from tracker.web.deps import get_config, get_session

router = APIRouter()

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
LevelParam = Annotated[Literal["rijk", "provincie", "eu"] | None, Query()]
RegionParam = Annotated[str | None, Query(pattern=r"^NL-[A-Z]{2}$")]


@router.get("/feeds/alerts.{fmt}", response_class=Response)
def alerts_feed(
    request: Request,
    fmt: Literal["rss", "atom"],
    session: Annotated[Session, Depends(get_session)],
    config: Annotated[Config, Depends(get_config)],
    level: LevelParam = None,
    region: RegionParam = None,
) -> Response:
    filters = Filters(level=level, region=region)
    rows = recent_events(session, filters, config.feeds.max_items)
    updated = max((event.created_at for event, _s, _w in rows), default=EPOCH)
    state = f"{fmt}|{filters.key()}|" + ",".join(str(event.id) for event, _s, _w in rows)
    etag = hashlib.sha256(state.encode()).hexdigest()[:32]
    base = config.web.base_url.rstrip("/")
    self_url = f"{base}{request.url.path}" + (f"?{request.url.query}" if request.url.query else "")

    def render() -> bytes:
        fg = build_event_feed(
            title=_title(config.feeds.title, filters),
            self_url=self_url,
            site_url=base + "/",
            rows=rows,
            now=datetime.now(UTC),
            updated=updated,
        )
        body: bytes = fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)
        return body

    media = "application/rss+xml" if fmt == "rss" else "application/atom+xml"
    return conditional_response(
        request,
        etag=etag,
        last_modified=updated,
        media_type=f"{media}; charset=utf-8",
        render=render,
        max_age=config.feeds.cache_seconds,
    )


def _title(base: str, filters: Filters) -> str:
    parts = [p for p in (filters.level, filters.region, filters.kind) if p]
    return f"{base} ({', '.join(parts)})" if parts else base
