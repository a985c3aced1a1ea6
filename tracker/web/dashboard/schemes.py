"""Regelingen: the filterable list, CSV export and the detail page (windows, history, notes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from tracker.config import Config
from tracker.detect import WindowState
from tracker.ingest.merge import title_words
from tracker.models import AuditLog, Event, EventKind, Publication, Scheme, StaffNote, Window
from tracker.read import rowcache
from tracker.read.queries import UNDATED, Filters, shown_windows
from tracker.read.schemes import SortKey, load_rows, select_rows
from tracker.read.status import window_status
from tracker.regions import PROVINCES, UnknownRegionError, expand_region
from tracker.staff.corrections import STAFF_SOURCE
from tracker.staff.review import review_reasons
from tracker.web.auth import Staff
from tracker.web.dashboard.common import MAX_ID, now_utc, render
from tracker.web.dashboard.listing import facets, rows_to_csv
from tracker.web.deps import get_config, get_session

router = APIRouter(prefix="/beheer")

Text = Annotated[str | None, Query(max_length=200)]
SchemeId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _filter(
    config: Annotated[Config, Depends(get_config)],
    level: Annotated[Literal["rijk", "provincie", "eu", ""] | None, Query()] = None,
    region: Text = None,
    theme: Text = None,
    status: Annotated[Literal["open", "upcoming", "closed", "unknown", ""] | None, Query()] = None,
    publisher: Text = None,
    q: Text = None,
    verborgen: bool = False,
) -> Filters:
    """The list's filters as the feeds take them: a region group stands for its provinces,
    and an unknown region or theme is an error, not an incomplete list (or CSV export)."""
    codes: tuple[str, ...] = ()
    if region:
        region = region.upper() if region.upper() in PROVINCES else region.lower()
        try:
            codes = expand_region(config, region)
        except UnknownRegionError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
    if theme and (theme := theme.lower()) not in config.themes:
        known = ", ".join(config.themes)
        raise HTTPException(status_code=400, detail=f"onbekend thema {theme!r}; kies uit {known}")
    return Filters(
        level=level or None,
        region=region or None,
        region_codes=codes,
        theme=theme or None,
        status=status or None,
        publisher=publisher or None,
        q=q or None,
        include_hidden=verborgen,
    )


Filter = Annotated[Filters, Depends(_filter)]
Sort = Annotated[SortKey, Query()]


@router.get("/regelingen", response_class=HTMLResponse)
def scheme_list(
    request: Request,
    user: Staff,
    session: Annotated[Session, Depends(get_session)],
    config: Annotated[Config, Depends(get_config)],
    f: Filter,
    sort: Sort = "closes",
    desc: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    now = now_utc(request)
    rows = select_rows(session, now, f, sort, desc, staff=True)
    size = config.staff.page_size
    pages = max(1, (len(rows) + size - 1) // size)
    page = min(page, pages)
    query = request.url.remove_query_params("page").query
    return render(
        request,
        "dashboard/schemes.html",
        {
            "rows": rows[(page - 1) * size : page * size],
            "total": len(rows),
            "page": page,
            "pages": pages,
            "f": f,
            "sort": sort,
            "desc": desc,
            "now": now,
            "facets": rowcache.cached(session, now, ("facets",), _build_facets),
            "query": query,
            "prev_query": request.url.include_query_params(page=page - 1).query,
            "next_query": request.url.include_query_params(page=page + 1).query,
        },
    )


# schemes offered as merge targets on a scheme's page; any other one is chosen by its number
MERGE_CHOICES = 200


def merge_choices(session: Session, now: datetime, scheme: Scheme) -> list[Scheme]:
    """The schemes offered to merge ``scheme`` into: every other scheme still on its own
    (hidden and removed ones included), those sharing most title words first, then the rest
    by title, at most ``MERGE_CHOICES``.

    From the cached staff catalogue and a word index built once per data generation: loading
    every scheme for this page took 0.7 s and listed 10,000 options (issue 14)."""
    catalogue = select_rows(session, now, Filters(include_hidden=True), "title", staff=True)
    index: dict[str, list[int]] = rowcache.cached(session, now, ("merge-words",), _build_words)
    shared: Counter[int] = Counter()
    for word in title_words(scheme.title):
        shared.update(index.get(word, ()))
    shared.pop(scheme.id or 0, None)
    order = {row.scheme.id: i for i, row in enumerate(catalogue)}
    best = sorted(shared, key=lambda sid: (-shared[sid], order.get(sid, len(order))))
    by_id = {row.scheme.id: row.scheme for row in catalogue}
    chosen = [by_id[sid] for sid in best if sid in by_id][:MERGE_CHOICES]
    taken = {s.id for s in chosen} | {scheme.id}
    for row in catalogue:
        if len(chosen) >= MERGE_CHOICES:
            break
        if row.scheme.id not in taken:
            chosen.append(row.scheme)
    return chosen


def _build_words(session: Session, now: datetime) -> rowcache.Built:
    """Title word → ids of the schemes still on their own whose title has it."""
    index: dict[str, list[int]] = {}
    for row in load_rows(session, now, hidden=True, removed=True, held=True):
        for word in title_words(row.scheme.title):
            index.setdefault(word, []).append(row.scheme.id or 0)
    return rowcache.Built(index, None)


def _build_facets(session: Session, now: datetime) -> rowcache.Built:
    """The filter choices: once per data generation (they do not depend on the clock)."""
    return rowcache.Built(
        facets(load_rows(session, now, hidden=True, removed=True, held=True)), None
    )


@router.get("/regelingen.csv")
def scheme_csv(
    request: Request,
    user: Staff,
    session: Annotated[Session, Depends(get_session)],
    f: Filter,
    sort: Sort = "closes",
    desc: bool = False,
) -> Response:
    now = now_utc(request)
    body = rows_to_csv(select_rows(session, now, f, sort, desc, staff=True), now)
    stamp = now.strftime("%Y%m%d")
    return Response(
        "\ufeff" + body,  # BOM: Excel opens UTF-8 CSV correctly
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="regelingen-{stamp}.csv"'},
    )


# the audit action a staff change records next to the event it emits (tracker.staff.corrections)
AUDIT_EVENT_KIND = {
    "datum gecorrigeerd": EventKind.WINDOW_CHANGED,
    "periode toegevoegd": EventKind.WINDOW_ANNOUNCED,
    "budget uitgeput": EventKind.BUDGET_EXHAUSTED,
    "budget weer beschikbaar": EventKind.BUDGET_RESTORED,
}


@dataclass
class HistoryItem:
    at: datetime
    kind: str  # "event" | "audit"
    event: Event | None = None
    audit: AuditLog | None = None
    # a staff change is one row: its event, with the audit rows (who, which fields) folded in
    actor: str = ""
    audits: list[AuditLog] = field(default_factory=list)


def history(session: Session, scheme_ids: list[int]) -> list[HistoryItem]:
    """Events and staff changes of a scheme (and schemes merged into it), newest first.

    A staff correction writes an event (for feeds and mail) and audit rows (who changed
    which field) in the same moment; they are listed once, as the event by that person.
    """
    events = session.exec(select(Event).where(col(Event.scheme_id).in_(scheme_ids))).all()
    audits = session.exec(select(AuditLog).where(col(AuditLog.scheme_id).in_(scheme_ids))).all()
    staff: dict[tuple[int | None, datetime, str], HistoryItem] = {}
    rows: list[HistoryItem] = []
    for e in events:
        key = (e.window_id, e.created_at, e.kind)
        if e.source_id == STAFF_SOURCE and key not in staff:
            staff[key] = HistoryItem(e.created_at, "event", event=e)
        else:
            rows.append(HistoryItem(e.created_at, "event", event=e))
    for a in audits:
        kind = AUDIT_EVENT_KIND.get(a.action)
        item = staff.get((a.window_id, a.created_at, kind)) if kind else None
        if item is None:
            rows.append(HistoryItem(a.created_at, "audit", audit=a))
        else:
            item.actor = item.actor or a.actor
            item.audits.append(a)
    return sorted(rows + list(staff.values()), key=_history_key, reverse=True)


def _history_key(item: HistoryItem) -> tuple[datetime, bool, int]:
    row = item.event or item.audit
    return item.at, item.kind == "audit", (row.id or 0) if row else 0


def publication_windows(windows: Sequence[Window]) -> dict[int | None, list[Window]]:
    """Each publication's own windows, by opening moment (staff see every copy here)."""
    by_pub: dict[int | None, list[Window]] = {}
    for window in sorted(windows, key=lambda w: (w.opens_at or UNDATED, w.id or 0)):
        by_pub.setdefault(window.publication_id, []).append(window)
    return by_pub


def load_scheme(session: Session, scheme_id: int) -> Scheme:
    scheme = session.get(Scheme, scheme_id)
    if scheme is None:
        raise HTTPException(status_code=404, detail="regeling niet gevonden")
    return scheme


@router.get("/regelingen/{scheme_id}", response_class=HTMLResponse)
def scheme_detail(
    request: Request,
    user: Staff,
    scheme_id: SchemeId,
    session: Annotated[Session, Depends(get_session)],
    config: Annotated[Config, Depends(get_config)],
) -> HTMLResponse:
    scheme = load_scheme(session, scheme_id)
    now = now_utc(request)
    merged = session.exec(select(Scheme).where(Scheme.merged_into_id == scheme.id)).all()
    ids = [scheme_id] + [m.id for m in merged if m.id is not None]
    # every publication's own copy, for review and the Publicaties table; the periods above it
    # show each span once, like every other page (``tracker.read.queries.shown_windows``)
    stored = session.exec(select(Window).where(Window.scheme_id == scheme_id)).all()
    pubs = {
        p.id: p
        for p in session.exec(select(Publication).where(Publication.scheme_id == scheme_id)).all()
    }
    threshold = config.review.confidence_threshold
    others = merge_choices(session, now, scheme)
    return render(
        request,
        "dashboard/scheme.html",
        {
            "scheme": scheme,
            "now": now,
            "merged": merged,
            "publications": pubs,
            "windows": [
                (w, window_status(w, now), review_reasons(w, stored, threshold))
                for w in shown_windows(stored)
            ],
            "publication_windows": publication_windows(stored),
            "history": history(session, ids),
            "notes": session.exec(
                select(StaffNote)
                .where(StaffNote.scheme_id == scheme_id)
                .order_by(col(StaffNote.created_at).desc())
            ).all(),
            "others": others,
            "theme_names": list(config.themes),
            # the dates each correction form was shown with (a stale form is refused)
            "seen": {w.id: WindowState.of(w).digest() for w in stored},
            "target": session.get(Scheme, scheme.merged_into_id) if scheme.merged_into_id else None,
        },
    )
