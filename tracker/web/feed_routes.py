"""Feeds: /feeds/alerts.rss|atom, /feeds/schemes.rss|atom, /calendar.ics and the /feeds page.

Every feed takes the same filters (region, level, theme, doelgroep, kind, q), answers GET and
HEAD, and answers conditional requests with 304. A bad filter value is a short Dutch 400
(``FilterError``: HTML for browsers, plain text for feed readers) that never repeats the input.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal, cast

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from feeds.publish import prepare_alerts, prepare_calendar, prepare_schemes
from tracker.config import Config
from tracker.models import EventKind
from tracker.read.queries import Filters
from tracker.regions import PROVINCES, UnknownRegionError, expand_region, region_label
from tracker.web.deps import get_config, get_session, get_templates, now_utc
from tracker.web.feedcache import cached_feed

logger = logging.getLogger(__name__)

router = APIRouter()

LEVELS = ("rijk", "provincie", "eu")
MAX_Q = 100  # characters of free text; longer searches are refused, not silently cut
MAX_VALUE = 200  # any other parameter longer than this cannot be valid
Raw = Annotated[str | None, Query()]


class FilterError(Exception):
    """A filter parameter that cannot be used; the message is short Dutch without the input."""


def parse_filters(
    config: Config,
    *,
    region: str | None = None,
    level: str | None = None,
    theme: str | None = None,
    doelgroep: str | None = None,
    kind: str | None = None,
    q: str | None = None,
) -> Filters:
    """Raw query values → Filters, checked against the configured regions, themes, groups."""
    if any(len(v) > MAX_VALUE for v in (region, level, theme, doelgroep, kind) if v):
        raise FilterError("Een filterwaarde is te lang.")
    codes: tuple[str, ...] = ()
    if region:
        try:
            codes = expand_region(config, region)
        except UnknownRegionError:
            groups = ", ".join(config.regions.groups)
            raise FilterError(
                "Onbekende regio. Gebruik een provinciecode (NL-GR … NL-LI) "
                f"of een groep ({groups})."
            ) from None
    _check("niveau", level, LEVELS)
    _check("thema", theme, tuple(config.themes))
    _check("doelgroep", doelgroep, tuple(config.doelgroepen))
    _check("soort signaal", kind, tuple(k.value for k in EventKind))
    text = " ".join((q or "").split())
    if len(text) > MAX_Q:
        raise FilterError(f"De zoektekst is te lang (hoogstens {MAX_Q} tekens).")
    return Filters(level=level or None, region=region or None, kind=kind or None,
                   theme=theme or None, doelgroep=doelgroep or None, q=text or None,
                   region_codes=codes)  # fmt: skip


def _check(label: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value and value not in allowed:
        raise FilterError(f"Onbekend {label}. Kies uit: {', '.join(allowed)}.")


def feed_filters(
    config: Annotated[Config, Depends(get_config)],
    region: Raw = None,
    level: Raw = None,
    theme: Raw = None,
    doelgroep: Raw = None,
    kind: Raw = None,
    q: Raw = None,
) -> Filters:
    return parse_filters(config, region=region, level=level, theme=theme,
                         doelgroep=doelgroep, kind=kind, q=q)  # fmt: skip


def filter_error_response(request: Request, exc: Exception) -> Response:
    """400 with the Dutch message: an HTML page for browsers, plain text for feed readers."""
    message = str(exc)
    if "text/html" in request.headers.get("accept", ""):
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request, "pages/error.html", {"message": message}, status_code=400
        )
    return PlainTextResponse(f"{message}\n", status_code=400)


FiltersDep = Annotated[Filters, Depends(feed_filters)]
SessionDep = Annotated[Session, Depends(get_session)]
ConfigDep = Annotated[Config, Depends(get_config)]


def _self_url(config: Config, request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{config.web.base_url.rstrip('/')}{request.url.path}{query}"


FeedFormat = Literal["rss", "atom"]
GET_HEAD = ["GET", "HEAD"]  # feeds are documents, left out of the API schema (/docs)


def _no_kind(filters: Filters) -> None:
    """Schemes and windows have no kind: a kind asked of them would be ignored while the
    feed's title claimed it."""
    if filters.kind:
        raise FilterError("Soort signaal geldt alleen voor de signalenfeed (/feeds/alerts.rss).")


def _format(fmt: str) -> FeedFormat:
    if fmt not in ("rss", "atom"):
        raise FilterError("Onbekend feedformaat. Kies .rss of .atom.")
    return cast(FeedFormat, fmt)


@router.api_route(
    "/feeds/alerts.{fmt}", methods=GET_HEAD, response_class=Response, include_in_schema=False
)
def alerts_feed(
    request: Request,
    fmt: str,
    session: SessionDep,
    config: ConfigDep,
    filters: FiltersDep,
) -> Response:
    now, self_url, form = now_utc(request), _self_url(config, request), _format(fmt)
    key = ("alerts", form, filters.key(), self_url)
    return cached_feed(
        request,
        config,
        key,
        now,
        lambda: prepare_alerts(config, session, form, filters, self_url, now),
    )


@router.api_route(
    "/feeds/schemes.{fmt}", methods=GET_HEAD, response_class=Response, include_in_schema=False
)
def schemes_feed(
    request: Request,
    fmt: str,
    session: SessionDep,
    config: ConfigDep,
    filters: FiltersDep,
) -> Response:
    now, self_url, form = now_utc(request), _self_url(config, request), _format(fmt)
    _no_kind(filters)
    key = ("schemes", form, filters.key(), self_url)
    return cached_feed(
        request,
        config,
        key,
        now,
        lambda: prepare_schemes(config, session, form, filters, self_url, now),
    )


@router.api_route(
    "/calendar.ics", methods=GET_HEAD, response_class=Response, include_in_schema=False
)
def calendar(
    request: Request, session: SessionDep, config: ConfigDep, filters: FiltersDep
) -> Response:
    now = now_utc(request)
    _no_kind(filters)
    key = ("ics", filters.key())
    return cached_feed(
        request, config, key, now, lambda: prepare_calendar(config, session, filters, now)
    )


@router.get(
    "/feeds",
    response_class=HTMLResponse,
    tags=["pagina's"],
    summary="Feedoverzicht",
    description="HTML: de adressen van alle feeds en agenda's, per regio, thema en doelgroep.",
)
def feeds_page(
    request: Request,
    config: ConfigDep,
    templates: Annotated[Jinja2Templates, Depends(get_templates)],
) -> HTMLResponse:
    """Every feed with copyable URLs, per region, theme and target group."""
    base = config.web.base_url.rstrip("/")
    regions = [(code, region_label(config, code)) for code in (*PROVINCES, *config.regions.groups)]
    context = {
        "base": base,
        "regions": regions,
        "themes": [(t, t) for t in config.themes],
        "doelgroepen": [(g, g) for g in config.doelgroepen],
    }
    return templates.TemplateResponse(request, "pages/feeds.html", context)
