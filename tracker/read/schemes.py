"""Scheme rows with derived status for the public pages, the staff list and the JSON API.

Status is derived from windows and the current time, so filtering happens in Python over the
visible schemes (``tracker.read.visible``); the catalogue is hundreds of schemes, not millions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session, select

from tracker.models import Scheme, Window
from tracker.read import rowcache
from tracker.read.queries import Filters, scheme_matches, scheme_windows
from tracker.read.status import scheme_status
from tracker.read.visible import visible_clause

SortKey = Literal["opens", "closes", "title", "updated"]


@dataclass
class SchemeRow:
    scheme: Scheme
    windows: list[Window]
    status: str
    next_opens: datetime | None
    next_closes: datetime | None


def load_rows(
    session: Session, now: datetime, *, hidden: bool = False, removed: bool = False
) -> list[SchemeRow]:
    """Rows of every visible scheme; staff pass ``hidden``/``removed`` to include those.
    Built once per data generation and minute (tracker.read.rowcache); treat as read-only."""
    return list(
        rowcache.cached(
            session, now, ("rows", hidden, removed),
            lambda s: _build_rows(s, now, hidden=hidden, removed=removed),
        )
    )  # fmt: skip


def _build_rows(session: Session, now: datetime, *, hidden: bool, removed: bool) -> list[SchemeRow]:
    schemes = session.exec(select(Scheme).where(visible_clause(hidden=hidden, removed=removed)))
    chosen = list(schemes.all())
    windows = scheme_windows(session, [s.id for s in chosen if s.id is not None])
    return [scheme_row(s, windows.get(s.id or 0, []), now) for s in chosen]


def scheme_row(scheme: Scheme, windows: list[Window], now: datetime) -> SchemeRow:
    live = [w for w in windows if not w.withdrawn]
    upcoming = [w.opens_at for w in live if w.opens_at and w.opens_at > now]
    closing = [w.closes_at for w in live if w.closes_at and w.closes_at >= now]
    return SchemeRow(
        scheme=scheme,
        windows=windows,
        status=scheme_status(windows, now),
        next_opens=min(upcoming, default=None),
        next_closes=min(closing, default=None),
    )


def row_matches(row: SchemeRow, filters: Filters) -> bool:
    if filters.status and row.status != filters.status:
        return False
    return scheme_matches(row.scheme, filters)


def sort_rows(rows: list[SchemeRow], key: SortKey, descending: bool = False) -> list[SchemeRow]:
    """Sort; rows without the date sort last whichever the direction."""
    if key == "title":
        return sorted(rows, key=lambda r: r.scheme.title.casefold(), reverse=descending)
    if key == "updated":
        return sorted(rows, key=lambda r: r.scheme.updated_at, reverse=not descending)
    attr = "next_opens" if key == "opens" else "next_closes"
    dated = [r for r in rows if getattr(r, attr) is not None]
    undated = [r for r in rows if getattr(r, attr) is None]
    dated.sort(key=lambda r: (getattr(r, attr), r.scheme.title), reverse=descending)
    return dated + sorted(undated, key=lambda r: r.scheme.title.casefold())


def select_rows(
    session: Session,
    now: datetime,
    filters: Filters,
    sort: SortKey,
    descending: bool = False,
    *,
    staff: bool = False,
) -> list[SchemeRow]:
    """Matching rows, sorted. Staff see removed schemes (flagged) and, on request, hidden ones."""
    hidden = staff and filters.include_hidden
    # the whole catalogue sorted once per generation and minute; filtering keeps that order
    # (sort_rows is stable), so a request only filters and pages
    catalogue = ("sorted", hidden, staff, sort, descending)
    ordered: list[SchemeRow] = rowcache.cached(
        session, now, catalogue,
        lambda s: sort_rows(load_rows(s, now, hidden=hidden, removed=staff), sort, descending),
    )  # fmt: skip
    with _filtered_lock:
        held = _filtered.get(catalogue)
        if held is None or held[0] is not ordered:  # rebuilt: earlier filterings are stale
            held = (ordered, OrderedDict())
            _filtered[catalogue] = held
        found = held[1].get(filters)
        if found is not None:
            held[1].move_to_end(filters)
            return found
    rows = [r for r in ordered if row_matches(r, filters)]
    with _filtered_lock:
        held[1][filters] = rows
        while len(held[1]) > FILTERED_PER_CATALOGUE:
            held[1].popitem(last=False)
    return rows


# The filtered lists of the current sorted catalogue, most recently used last: paging through
# a filter, or many clients asking the same list, filter ten thousand rows once per generation
# and minute, not per request (issue 14). Bounded: free-text queries make any number of keys.
# Shared read-only, like the rows themselves.
FILTERED_PER_CATALOGUE = 64
_filtered_lock = threading.Lock()
_filtered: dict[
    tuple[object, ...], tuple[list[SchemeRow], OrderedDict[Filters, list[SchemeRow]]]
] = {}
