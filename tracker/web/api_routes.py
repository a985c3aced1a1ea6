"""JSON API under /api/: schemes, windows and events are public; sources and hidden or
unpublished data need a staff session. FastAPI publishes the OpenAPI schema at /openapi.json.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel
from sqlmodel import Session, col, select

from tracker.config import Config
from tracker.models import Event, EventKind, Scheme, Window
from tracker.read.health import source_health
from tracker.read.queries import Filters, scheme_windows, shown_windows, withheld_windows
from tracker.read.schemes import SchemeRow, SortKey, scheme_row, select_rows
from tracker.read.status import window_status
from tracker.read.visible import is_visible, visible_clause
from tracker.regions import PROVINCES
from tracker.web.auth import Staff, current_user
from tracker.web.deps import MAX_ID, get_config, get_session, now_utc

router = APIRouter(prefix="/api", tags=["api"])
DB = Annotated[Session, Depends(get_session)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Text = Annotated[str | None, Query(max_length=200)]
# a province code; another (NL-XX) is refused with 422 instead of answering an empty list
Region = Annotated[str | None, Query(pattern="^(" + "|".join(PROVINCES) + ")$")]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class WindowOut(BaseModel):
    id: int
    scheme_id: int
    opens_at: datetime | None
    closes_at: datetime | None
    precision: str
    status: str
    budget_eur: Decimal | None
    budget_exhausted: bool
    source_id: str
    url: str
    snippet: str
    confidence: float
    staff_locked: bool


class SchemeOut(BaseModel):
    id: int
    slug: str
    title: str
    publisher: str
    level: str
    regions: list[str]
    themes: list[str]
    doelgroepen: list[str]
    url: str
    status: str
    next_opens_at: datetime | None
    next_closes_at: datetime | None
    hidden: bool
    removed_at: datetime | None


class SchemeDetailOut(SchemeOut):
    summary: str
    identifiers: list[str]
    windows: list[WindowOut]


class EventOut(BaseModel):
    id: int
    kind: str
    scheme_id: int
    window_id: int | None
    source_id: str
    created_at: datetime
    before: dict[str, object] | None
    after: dict[str, object] | None
    published: bool


class SourceOut(BaseModel):
    id: str
    title: str
    level: str
    enabled: bool
    last_run_at: datetime | None
    last_status: str | None
    items_found: int | None
    duration_seconds: float | None
    last_error: str
    consecutive_failures: int
    flagged: bool
    problems: list[str]


def _is_staff(request: Request) -> bool:
    return current_user(request) is not None


def _window_out(w: Window, now: datetime) -> WindowOut:
    return WindowOut(
        id=w.id or 0,
        scheme_id=w.scheme_id,
        opens_at=w.opens_at,
        closes_at=w.closes_at,
        precision=w.precision,
        status=window_status(w, now),
        budget_eur=w.budget_eur,
        budget_exhausted=w.budget_exhausted,
        source_id=w.source_id,
        url=w.url,
        snippet=w.snippet,
        confidence=w.confidence,
        staff_locked=w.staff_locked,
    )


def _scheme_out(row: SchemeRow) -> SchemeOut:
    s = row.scheme
    return SchemeOut(
        id=s.id or 0,
        slug=s.slug,
        title=s.title,
        publisher=s.publisher,
        level=s.level,
        regions=s.regions,
        themes=s.themes,
        doelgroepen=s.doelgroepen,
        url=s.url,
        status=row.status,
        next_opens_at=row.next_opens,
        next_closes_at=row.next_closes,
        hidden=s.hidden,
        removed_at=s.removed_at,
    )


@router.get(
    "/schemes",
    response_model=list[SchemeOut],
    summary="Regelingen",
    description=(
        "Regelingen met hun status (open, upcoming = binnenkort open, closed, unknown), "
        "afgeleid van de aanvraagperiodes en de huidige tijd; te filteren op niveau, regio "
        "(provinciecode, bijvoorbeeld NL-GE), thema en doelgroep (uit de ingestelde lijsten), "
        "status, uitgever en vrije tekst. "
        "Ingelogde medewerkers zien ook verdwenen regelingen (removed_at gezet); "
        "include_hidden vraagt een ingelogde sessie."
    ),
)
def list_schemes(
    request: Request,
    session: DB,
    config: Annotated[Config, Depends(get_config)],
    level: Annotated[Literal["rijk", "provincie", "eu"] | None, Query()] = None,
    region: Region = None,
    theme: Text = None,
    doelgroep: Text = None,
    status: Annotated[Literal["open", "upcoming", "closed", "unknown"] | None, Query()] = None,
    publisher: Text = None,
    q: Text = None,
    sort: SortKey = "closes",
    include_hidden: bool = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[SchemeOut]:
    """Schemes with derived status. Staff also see removed schemes (``removed_at`` set);
    ``include_hidden`` needs a staff session."""
    staff = _is_staff(request)
    if include_hidden and not staff:
        raise HTTPException(status_code=401, detail="inloggen vereist voor verborgen regelingen")
    # a typo answers 422, not an empty (or unfiltered) list
    if theme and theme not in config.themes:
        known = ", ".join(config.themes)
        raise HTTPException(status_code=422, detail=f"onbekend thema; kies uit {known}")
    if doelgroep and doelgroep not in config.doelgroepen:
        known = ", ".join(config.doelgroepen)
        raise HTTPException(status_code=422, detail=f"onbekende doelgroep; kies uit {known}")
    f = Filters(level=level, region=region, theme=theme, doelgroep=doelgroep, status=status,
                publisher=publisher, q=q, include_hidden=include_hidden)  # fmt: skip
    rows = select_rows(session, now_utc(request), f, sort, staff=staff)
    return [_scheme_out(r) for r in rows[offset : offset + limit]]


@router.get(
    "/schemes/{scheme_id}",
    response_model=SchemeDetailOut,
    summary="Eén regeling",
    description="Een regeling met samenvatting, kenmerken (zoals BWBR-nummers) en periodes.",
)
def get_scheme(request: Request, session: DB, scheme_id: Id) -> SchemeDetailOut:
    scheme = session.get(Scheme, scheme_id)
    staff = _is_staff(request)
    if scheme is None or not is_visible(scheme, hidden=staff, removed=staff):
        raise HTTPException(status_code=404, detail="regeling niet gevonden")
    now = now_utc(request)
    withheld = () if staff else withheld_windows(session)  # held for review: not public
    windows = scheme_windows(session, [scheme_id], withheld=withheld)[scheme_id]
    base = _scheme_out(scheme_row(scheme, windows, now))
    return SchemeDetailOut(
        **base.model_dump(),
        summary=scheme.summary,
        identifiers=scheme.identifiers,
        windows=[_window_out(w, now) for w in windows],
    )


def _visible_scheme_ids(session: Session, *, removed: bool) -> list[int]:
    query = select(Scheme.id).where(visible_clause(removed=removed))
    return [i for i in session.exec(query).all() if i is not None]


def _all_scheme_ids(session: Session) -> list[int]:
    return [i for i in session.exec(select(Scheme.id)).all() if i is not None]


@router.get(
    "/windows",
    response_model=list[WindowOut],
    summary="Aanvraagperiodes",
    description=(
        "Aanvraagperiodes op openingsmoment (zonder datum als laatste), één per regeling en "
        "periode, ook als meer bronnen dezelfde periode noemen."
    ),
)
def list_windows(
    request: Request,
    session: DB,
    scheme_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[Literal["open", "upcoming", "closed", "unknown"] | None, Query()] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[WindowOut]:
    """Windows by opening moment (undated last), one per scheme and span
    (``tracker.read.queries.shown_windows``)."""
    now = now_utc(request)
    staff = _is_staff(request)
    ids = _all_scheme_ids(session) if staff else _visible_scheme_ids(session, removed=False)
    if scheme_id is not None:
        if scheme_id not in ids:  # as /schemes/{id}: an unknown id is 404, not no windows
            raise HTTPException(status_code=404, detail="regeling niet gevonden")
        ids = [scheme_id]
    withheld = () if staff else withheld_windows(session)  # held for review: not public
    by_scheme = scheme_windows(session, ids, withheld=withheld)
    windows = shown_windows(w for own in by_scheme.values() for w in own)
    out = [_window_out(w, now) for w in windows]
    out = [w for w in out if status is None or w.status == status]
    return out[offset : offset + limit]


@router.get(
    "/events",
    response_model=list[EventOut],
    summary="Signalen",
    description=(
        "Signalen (nieuwe regeling, periode aangekondigd, gewijzigd, geopend, sluit binnenkort, "
        "…), nieuwste eerst. Signalen die op beoordeling wachten (include_unpublished) zijn "
        "alleen voor ingelogde medewerkers."
    ),
)
def list_events(
    request: Request,
    session: DB,
    kind: Annotated[EventKind | None, Query()] = None,  # another value answers 422
    scheme_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    include_unpublished: bool = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[EventOut]:
    """Events newest first; unpublished (held for review) events need a staff session."""
    staff = _is_staff(request)
    if include_unpublished and not staff:
        raise HTTPException(status_code=401, detail="inloggen vereist")
    query = select(Event).order_by(col(Event.created_at).desc(), col(Event.id).desc())
    if not include_unpublished:
        query = query.where(col(Event.published).is_(True))
    if not staff:
        # events are history: a removed scheme's events (its removal too) stay listed
        visible = _visible_scheme_ids(session, removed=True)
        query = query.where(col(Event.scheme_id).in_(visible))
        if scheme_id is not None and scheme_id not in visible:
            raise HTTPException(status_code=404, detail="regeling niet gevonden")
    elif scheme_id is not None and session.get(Scheme, scheme_id) is None:
        raise HTTPException(status_code=404, detail="regeling niet gevonden")
    if kind:
        query = query.where(Event.kind == kind)
    if scheme_id is not None:
        query = query.where(Event.scheme_id == scheme_id)
    rows = session.exec(query.offset(offset).limit(limit)).all()
    return [EventOut.model_validate(e, from_attributes=True) for e in rows]


@router.get(
    "/sources",
    response_model=list[SourceOut],
    summary="Bronnen",
    description=(
        "De bewaakte bronnen en hun gezondheid: laatste run, status en fouten. Alleen voor "
        "ingelogde medewerkers (foutmeldingen kunnen interne details bevatten)."
    ),
)
def list_sources(
    request: Request, user: Staff, session: DB, config: Annotated[Config, Depends(get_config)]
) -> list[SourceOut]:
    """Source health (staff only: errors can reveal internal details)."""
    out = []
    for h in source_health(session, config, set()):
        run = h.last_run
        out.append(
            SourceOut(
                id=h.id,
                title=h.title,
                level=h.level,
                enabled=h.enabled,
                last_run_at=run.started_at if run else None,
                last_status=run.status if run else None,
                items_found=run.items_found if run else None,
                duration_seconds=h.duration,
                last_error=run.error if run else "",
                consecutive_failures=h.consecutive_failures,
                flagged=h.flagged,
                problems=h.problems,
            )
        )
    return out
