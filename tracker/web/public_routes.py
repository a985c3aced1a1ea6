"""Public pages: the plain scheme list and the health check."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session, col, select

from tracker.models import Scheme
from tracker.read.queries import scheme_windows
from tracker.read.status import scheme_status
from tracker.web.deps import get_session, get_templates

router = APIRouter()


@router.get("/healthz")
def healthz(session: Annotated[Session, Depends(get_session)]) -> JSONResponse:
    try:
        session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
    return JSONResponse({"status": "ok"})


@router.get("/regelingen", response_class=HTMLResponse)
def scheme_list(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    templates: Annotated[Jinja2Templates, Depends(get_templates)],
) -> HTMLResponse:
    now = datetime.now(UTC)
    schemes = session.exec(
        select(Scheme)
        .where(col(Scheme.hidden).is_(False), col(Scheme.merged_into_id).is_(None))
        .order_by(Scheme.title)
    ).all()
    windows = scheme_windows(session, [s.id for s in schemes if s.id is not None])
    rows = [
        (s, windows.get(s.id or 0, []), scheme_status(windows.get(s.id or 0, []), now))
        for s in schemes
    ]
    return templates.TemplateResponse(request, "pages/schemes.html", {"rows": rows, "now": now})
