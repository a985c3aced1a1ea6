"""Feeds: /feeds/alerts.rss|atom, /feeds/schemes.rss|atom, /calendar.ics and the /feeds page.

Every feed takes the same filters (region, level, theme, doelgroep, kind, q) and answers
conditional requests with 304. Unknown filter values are a 422 naming the accepted ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from feeds.publish import PreparedFeed, prepare_alerts, prepare_calendar, prepare_schemes
from tracker.config import Config
from tracker.models import EventKind
from tracker.read.queries import Filters
from tracker.regions import PROVINCES, UnknownRegionError, expand_region, region_label
from tracker.web.caching import conditional_response
from tracker.web.deps import get_config, get_session, get_templates

router = APIRouter()

LevelParam = Annotated[Literal["rijk", "provincie", "eu"] | None, Query()]
KindParam = Annotated[EventKind | None, Query()]
TextParam = Annotated[str | None, Query(max_length=100)]


def feed_filters(
    config: Annotated[Config, Depends(get_config)],
    region: TextParam = None,
    level: LevelParam = None,
    theme: TextParam = None,
    doelgroep: TextParam = None,
    kind: KindParam = None,
    q: TextParam = None,
) -> Filters:
    """Query parameters → Filters, checked against the configured regions, themes, groups."""
    codes: tuple[str, ...] = ()
    if region:
        try:
            codes = expand_region(config, region)
        except UnknownRegionError as exc:
            raise HTTPException(422, str(exc)) from None
    if theme and theme not in config.themes:
        raise HTTPException(422, f"onbekend thema {theme!r}; kies uit {', '.join(config.themes)}")
    if doelgroep and doelgroep not in config.doelgroepen:
        raise HTTPException(
            422, f"onbekende doelgroep {doelgroep!r}; kies uit {', '.join(config.doelgroepen)}"
        )
    return Filters(level=level, region=region or None, kind=kind.value if kind else None,
                   theme=theme or None, doelgroep=doelgroep or None,
                   q=(q or "").strip() or None, region_codes=codes)  # fmt: skip


FiltersDep = Annotated[Filters, Depends(feed_filters)]
SessionDep = Annotated[Session, Depends(get_session)]
ConfigDep = Annotated[Config, Depends(get_config)]


def _self_url(config: Config, request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{config.web.base_url.rstrip('/')}{request.url.path}{query}"


def _respond(request: Request, config: Config, feed: PreparedFeed) -> Response:
    return conditional_response(request, etag=feed.etag, last_modified=feed.updated,
                                media_type=feed.media_type, render=feed.render,
                                max_age=config.feeds.cache_seconds)  # fmt: skip


@router.get("/feeds/alerts.{fmt}", response_class=Response)
def alerts_feed(
    request: Request,
    fmt: Literal["rss", "atom"],
    session: SessionDep,
    config: ConfigDep,
    filters: FiltersDep,
) -> Response:
    now = datetime.now(UTC)
    feed = prepare_alerts(config, session, fmt, filters, _self_url(config, request), now)
    return _respond(request, config, feed)


@router.get("/feeds/schemes.{fmt}", response_class=Response)
def schemes_feed(
    request: Request,
    fmt: Literal["rss", "atom"],
    session: SessionDep,
    config: ConfigDep,
    filters: FiltersDep,
) -> Response:
    now = datetime.now(UTC)
    feed = prepare_schemes(config, session, fmt, filters, _self_url(config, request), now)
    return _respond(request, config, feed)


@router.get("/calendar.ics", response_class=Response)
def calendar(
    request: Request, session: SessionDep, config: ConfigDep, filters: FiltersDep
) -> Response:
    feed = prepare_calendar(config, session, filters, datetime.now(UTC))
    return _respond(request, config, feed)


@router.get("/feeds", response_class=HTMLResponse)
def feeds_page(
    request: Request,
    config: ConfigDep,
    templates: Annotated[Jinja2Templates, Depends(get_templates)],
) -> HTMLResponse:
    """Every feed with copyable URLs, per region and per theme."""
    base = config.web.base_url.rstrip("/")
    regions = [(code, region_label(config, code)) for code in (*PROVINCES, *config.regions.groups)]
    context = {
        "base": base,
        "regions": regions,
        "themes": list(config.themes),
        "doelgroepen": list(config.doelgroepen),
    }
    return templates.TemplateResponse(request, "pages/feeds.html", context)
