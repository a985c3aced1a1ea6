"""Public pages: the start page, the plain scheme list and the health check.

Both pages show only visible schemes (``tracker.read.visible``) and take the feed filters,
so a visitor can copy the matching feed and calendar addresses from what they see.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from tracker.config import Config
from tracker.read.queries import Filters
from tracker.read.schemes import SchemeRow, load_rows, row_matches, select_rows, sort_rows
from tracker.regions import PROVINCES, region_label
from tracker.web.deps import get_config, get_session, get_templates, now_utc
from tracker.web.feed_routes import Raw, parse_filters

router = APIRouter()

SessionDep = Annotated[Session, Depends(get_session)]
ConfigDep = Annotated[Config, Depends(get_config)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
SOON = timedelta(days=60)
START_ITEMS = 10


@router.get(
    "/healthz",
    tags=["beheer"],
    summary="Werkt de dienst?",
    description='{"status": "ok"} zolang de database antwoordt, anders 503.',
)
def healthz(session: SessionDep) -> JSONResponse:
    try:
        session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
    return JSONResponse({"status": "ok"})


def start_filters(
    config: ConfigDep, region: Raw = None, level: Raw = None, theme: Raw = None
) -> Filters:
    """The start page's filters: region, level and theme, checked like a feed's."""
    return parse_filters(config, region=region, level=level, theme=theme)


def soon(rows: list[SchemeRow], now: datetime, attr: str) -> list[SchemeRow]:
    """Rows whose next opening (``next_opens``) or deadline (``next_closes``) is within SOON."""
    chosen = [r for r in rows if (m := getattr(r, attr)) is not None and m <= now + SOON]
    return sort_rows(chosen, "opens" if attr == "next_opens" else "closes")[:START_ITEMS]


def _query(filters: Filters) -> str:
    pairs = [(k, v) for k, v in (("region", filters.region), ("level", filters.level),
                                 ("theme", filters.theme)) if v]  # fmt: skip
    return f"?{urlencode(pairs)}" if pairs else ""


@router.get(
    "/",
    response_class=HTMLResponse,
    tags=["pagina's"],
    summary="Startpagina",
    description="HTML: wat binnenkort opent en sluit, te filteren op regio, niveau en thema.",
)
def start_page(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    templates: TemplatesDep,
    filters: Annotated[Filters, Depends(start_filters)],
) -> HTMLResponse:
    """What the service is, what opens and closes soon, and where to subscribe."""
    now = now_utc(request)
    rows = [r for r in load_rows(session, now) if row_matches(r, filters)]
    context = {
        "opening": soon(rows, now, "next_opens"),
        "closing": soon(rows, now, "next_closes"),
        "total": len(rows),
        "f": filters,
        "query": _query(filters),
        "regions": [(c, region_label(config, c)) for c in (*PROVINCES, *config.regions.groups)],
        "themes": list(config.themes),
        "now": now,
    }
    return templates.TemplateResponse(request, "pages/start.html", context)


# schemes per page of the public list: a page of ten thousand rows took half a second to render
# and megabytes to send (issue 14)
PAGE_SIZE = 100


@router.get(
    "/regelingen",
    response_class=HTMLResponse,
    tags=["pagina's"],
    summary="Alle regelingen",
    description="HTML: alle zichtbare regelingen op titel, 100 per pagina.",
)
def scheme_list(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Every visible scheme by title, a page at a time (the sorted catalogue is cached)."""
    now = now_utc(request)
    rows = select_rows(session, now, Filters(), "title")
    pages = max(1, (len(rows) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(page, pages)
    context = {
        "rows": rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "total": len(rows),
        "page": page,
        "pages": pages,
        "now": now,
    }
    return templates.TemplateResponse(request, "pages/schemes.html", context)
