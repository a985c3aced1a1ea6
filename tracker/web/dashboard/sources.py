"""Bronnen: health of every source, "run now", and staff-added or re-pointed source URLs."""

from __future__ import annotations

import logging
import re
import threading
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.config import Config
from tracker.ingest.netguard import UnsafeUrlError, check_source_url
from tracker.ingest.overrides import orphaned
from tracker.models import SourceOverride
from tracker.read.health import source_health
from tracker.regions import PROVINCES, province_of
from tracker.staff.corrections import audit
from tracker.web.auth import Staff
from tracker.web.csrf import verify_csrf
from tracker.web.dashboard.common import flash, now_utc, redirect, render
from tracker.web.deps import get_config, get_session

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/beheer/bronnen")
DB = Annotated[Session, Depends(get_session)]
Cfg = Annotated[Config, Depends(get_config)]
SOURCE_ID_RE = r"^[a-z][a-z0-9_]{1,60}$"
SourceId = Annotated[str, Path(pattern=SOURCE_ID_RE)]


def running(request: Request) -> set[str]:
    """Sources with a "run now" thread in this process."""
    jobs: set[str] | None = getattr(request.app.state, "running_sources", None)
    if jobs is None:
        jobs = request.app.state.running_sources = set()
    return jobs


@router.get("", response_class=HTMLResponse)
def sources_page(request: Request, user: Staff, session: DB, config: Cfg) -> HTMLResponse:
    return render(
        request,
        "dashboard/sources.html",
        {
            "sources": source_health(session, config, running(request), now_utc(request)),
            "max_failures": config.defaults.max_failures,
            "allow_private": config.http.allow_private_hosts,
            # issue 12: when each source was last checked against the live service
            "verified": {sid: src.verified for sid, src in config.sources.items()},
        },
    )


def _run_in_background(config: Config, engine: Engine, source_id: str, jobs: set[str]) -> None:
    # run_source drives its own event loop (asyncio.run): it must not run inside the server's
    from tracker.ingest.pipeline import run_source

    try:
        result = run_source(config, engine, source_id)
        logger.info("run now %s: %s %s", source_id, result.status, result.error)
    except Exception:
        logger.exception("run now %s failed", source_id)
    finally:
        jobs.discard(source_id)


@router.post("/{source_id}/run", dependencies=[Depends(verify_csrf)])
def run_now(
    request: Request, user: Staff, session: DB, config: Cfg, source_id: SourceId
) -> RedirectResponse:
    override = session.get(SourceOverride, source_id)
    if source_id not in config.sources and (override is None or orphaned(config, override)):
        raise HTTPException(status_code=404, detail="bron niet geconfigureerd")
    jobs = running(request)
    if source_id in jobs:
        flash(request, f"{source_id} draait al.", "error")
        return redirect("/beheer/bronnen")
    jobs.add(source_id)
    engine: Engine = request.app.state.engine
    thread = threading.Thread(
        target=_run_in_background,
        args=(config, engine, source_id, jobs),
        name=f"run-now-{source_id}",
        daemon=True,
    )
    thread.start()
    logger.info("%s started a run of %s", user, source_id)
    flash(request, f"Run van {source_id} gestart; ververs de pagina voor het resultaat.")
    return redirect("/beheer/bronnen")


@router.post("", dependencies=[Depends(verify_csrf)])
def save_override(
    request: Request,
    user: Staff,
    session: DB,
    config: Cfg,
    source_id: Annotated[str, Form(max_length=60)],
    url: Annotated[str, Form(max_length=2000)],
    title: Annotated[str, Form(max_length=200)] = "",
    level: Annotated[Literal["rijk", "provincie", "eu"], Form()] = "rijk",
    regions: Annotated[str, Form(max_length=300)] = "",
) -> RedirectResponse:
    sid = source_id.strip().lower()
    if not re.fullmatch(SOURCE_ID_RE, sid):
        flash(request, "Bron-id: kleine letters, cijfers en _, zoals nl_prov_limburg.", "error")
        return redirect("/beheer/bronnen")
    provinces: list[str] = []
    for entered in (r for r in re.split(r"[,;\s]+", regions) if r):
        code = entered.upper() if entered.upper() in PROVINCES else province_of(entered)
        if code is None:
            flash(
                request, f"Onbekende provincie {entered!r}; gebruik NL-GE of Gelderland.", "error"
            )
            return redirect("/beheer/bronnen")
        provinces.append(code)
    new = sid not in config.sources
    if new and level == "provincie" and not provinces:
        # its pages name no province: without one its schemes would reach every province
        flash(request, "Een provinciale bron heeft een provincie nodig (bijv. NL-LI).", "error")
        return redirect("/beheer/bronnen")
    try:
        safe = check_source_url(url, allow_private=config.http.allow_private_hosts)
    except UnsafeUrlError as exc:
        flash(request, f"URL geweigerd: {exc}", "error")
        return redirect("/beheer/bronnen")
    now = now_utc(request)
    override = session.get(SourceOverride, sid)
    before = (
        override.url if override else (config.sources[sid].url if sid in config.sources else "")
    )
    override = override or SourceOverride(source_id=sid, url=safe, updated_by=user)
    override.url, override.level, override.updated_by, override.updated_at = safe, level, user, now
    override.repoints = not new
    override.regions = sorted(set(provinces)) if level == "provincie" else []
    override.title = title.strip() or override.title
    session.add(override)
    audit(
        session,
        user,
        "bron-URL gewijzigd",
        now,
        source_id=sid,
        field="url",
        before=before,
        after=safe,
    )
    session.commit()
    kept = "" if new else " (niveau en provincies blijven zoals in de configuratie)"
    flash(request, f"Bron {sid} opgeslagen: {safe}{kept}")
    return redirect("/beheer/bronnen")
