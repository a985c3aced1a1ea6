"""Scheme rows with derived status for the public pages, the staff list and the JSON API.

Status is derived from windows and the current time, so filtering happens in Python over the
visible schemes (``tracker.read.visible``); the catalogue is hundreds of schemes, not millions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session, select

from tracker.models import Scheme, Window
from tracker.read import rowcache
from tracker.read.queries import Filters, scheme_matches, scheme_windows, withheld_windows
from tracker.read.status import scheme_status
from tracker.read.visible import is_visible, visible_clause

SortKey = Literal["opens", "closes", "title", "updated"]


@dataclass
class SchemeRow:
    scheme: Scheme
    windows: list[Window]
    status: str
    next_opens: datetime | None
    next_closes: datetime | None


def load_rows(
    session: Session,
    now: datetime,
    *,
    hidden: bool = False,
    removed: bool = False,
    held: bool = False,
) -> list[SchemeRow]:
    """Rows of every visible scheme; staff pass ``hidden``/``removed`` to include those, and
    ``held`` for windows waiting for review (``tracker.read.queries.withheld_windows``),
    which the public never sees. Built once per data generation and until a window opens or
    closes (tracker.read.rowcache); treat as read-only. Every variant is a selection of the
    staff's full rows (the same row objects, but for a scheme with a withheld window), so new
    data costs one build, not one per variant."""

    def selection(s: Session, at: datetime) -> rowcache.Built:
        every = load_rows(s, at, hidden=True, removed=True, held=True)
        rows = [r for r in every if is_visible(r.scheme, hidden=hidden, removed=removed)]
        if not held:
            rows = _without_withheld(s, rows, at)
        return rowcache.Built(rows, rows_until(rows, at))

    build = _build_rows if hidden and removed and held else selection
    return list(rowcache.cached(session, now, ("rows", hidden, removed, held), build))


def _without_withheld(session: Session, rows: list[SchemeRow], now: datetime) -> list[SchemeRow]:
    """The rows as the public sees them: a scheme with a window held for review gets a row of
    its other windows (its status and next dates from those)."""
    withheld = withheld_windows(session)
    affected = [sid for sid in {r.scheme.id for r in rows} & set(withheld.values()) if sid]
    if not affected:
        return rows
    windows = scheme_windows(session, affected, withheld=withheld)
    return [
        scheme_row(r.scheme, windows[r.scheme.id], now) if r.scheme.id in windows else r
        for r in rows
    ]


def _build_rows(session: Session, now: datetime) -> rowcache.Built:
    query = select(Scheme).where(visible_clause(hidden=True, removed=True))
    chosen = list(session.exec(query).all())
    windows = scheme_windows(session, [s.id for s in chosen if s.id is not None])
    rows = [scheme_row(s, windows.get(s.id or 0, []), now) for s in chosen]
    return rowcache.Built(rows, rows_until(rows, now))


def rows_until(rows: Iterable[SchemeRow], now: datetime) -> datetime | None:
    """The first window moment at or after ``now``: before it, no row built at ``now`` has
    another status or next date (``scheme_row`` compares the clock with these moments only)."""
    moments = [
        moment
        for row in rows
        for window in row.windows
        for moment in (window.opens_at, window.closes_at)
        if moment is not None and moment >= now
    ]
    return min(moments, default=None)


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
    # the whole catalogue sorted once per generation and window moment; filtering keeps that
    # order (sort_rows is stable), so a request only filters and pages
    catalogue = ("sorted", hidden, staff, sort, descending)

    def build(s: Session, at: datetime) -> rowcache.Built:
        rows = load_rows(s, at, hidden=hidden, removed=staff, held=staff)
        return rowcache.Built(sort_rows(rows, sort, descending), rows_until(rows, at))

    ordered: list[SchemeRow] = rowcache.cached(session, now, catalogue, build)
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
# and window moment, not per request (issue 14). Bounded: free-text queries make any number of keys.
# Shared read-only, like the rows themselves.
FILTERED_PER_CATALOGUE = 64
_filtered_lock = threading.Lock()
_filtered: dict[
    tuple[object, ...], tuple[list[SchemeRow], OrderedDict[Filters, list[SchemeRow]]]
] = {}


def prebuild(session: Session, now: datetime) -> None:
    """Build the rows and sorted lists the usual first pages need (start page, feeds, the
    public list, the staff list and API in their default order), so that the first visitor
    after a restart does not wait for them (about 0.6 s at 10,000 schemes)."""
    load_rows(session, now)
    select_rows(session, now, Filters(), "title")
    select_rows(session, now, Filters(), "closes")
    select_rows(session, now, Filters(), "closes", staff=True)
