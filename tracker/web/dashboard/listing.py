"""Scheme rows for the staff list, the CSV export and the JSON API: filter, sort, page.

Status is derived from windows and the current time, so filtering happens in Python over the
live (not merged) schemes; the catalogue is hundreds of schemes, not millions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session, col, select

from tracker.models import Scheme, Window
from tracker.read.describe import window_phrase
from tracker.read.queries import scheme_windows
from tracker.read.status import LABELS_NL, relevant_window, scheme_status

SortKey = Literal["opens", "closes", "title", "updated"]


@dataclass(frozen=True)
class SchemeFilter:
    level: str | None = None
    region: str | None = None
    theme: str | None = None
    status: str | None = None
    publisher: str | None = None
    q: str | None = None
    include_hidden: bool = False


@dataclass
class SchemeRow:
    scheme: Scheme
    windows: list[Window]
    status: str
    next_opens: datetime | None
    next_closes: datetime | None


def load_rows(session: Session, now: datetime, *, include_hidden: bool) -> list[SchemeRow]:
    query = select(Scheme).where(col(Scheme.merged_into_id).is_(None))
    if not include_hidden:
        query = query.where(col(Scheme.hidden).is_(False))
    schemes = session.exec(query).all()
    windows = scheme_windows(session, [s.id for s in schemes if s.id is not None])
    return [scheme_row(s, windows.get(s.id or 0, []), now) for s in schemes]


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


def matches(row: SchemeRow, f: SchemeFilter) -> bool:
    s = row.scheme
    checks = [
        not f.level or s.level == f.level,
        not f.region or f.region in s.regions,
        not f.theme or f.theme in s.themes,
        not f.status or row.status == f.status,
        not f.publisher or f.publisher.casefold() in s.publisher.casefold(),
    ]
    if f.q:
        text = " ".join([s.title, s.summary, s.publisher, *s.identifiers]).casefold()
        checks.append(all(word in text for word in f.q.casefold().split()))
    return all(checks)


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
    session: Session, now: datetime, f: SchemeFilter, sort: SortKey, descending: bool = False
) -> list[SchemeRow]:
    rows = load_rows(session, now, include_hidden=f.include_hidden)
    return sort_rows([r for r in rows if matches(r, f)], sort, descending)


def facets(rows: Sequence[SchemeRow]) -> dict[str, list[str]]:
    """The values present, for the filter drop-downs."""
    return {
        "regions": sorted({r for row in rows for r in row.scheme.regions}),
        "themes": sorted({t for row in rows for t in row.scheme.themes}),
        "publishers": sorted({row.scheme.publisher for row in rows if row.scheme.publisher}),
    }


CSV_COLUMNS = [
    "id",
    "titel",
    "uitgever",
    "niveau",
    "regio's",
    "thema's",
    "status",
    "opent",
    "sluit",
    "aanvraagperiode",
    "url",
]


def _cell(value: str) -> str:
    # spreadsheet formula injection: scraped text must not start a formula
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows_to_csv(rows: Sequence[SchemeRow], now: datetime) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        s = row.scheme
        window = relevant_window(row.windows, now)
        values = [
            str(s.id),
            s.title,
            s.publisher,
            s.level,
            " ".join(s.regions),
            " ".join(s.themes),
            LABELS_NL[row.status],
            row.next_opens.isoformat() if row.next_opens else "",
            row.next_closes.isoformat() if row.next_closes else "",
            window_phrase(window) if window else "",
            s.url,
        ]
        writer.writerow([_cell(v) for v in values])
    return out.getvalue()
