"""The staff list's extras over ``tracker.read.schemes``: filter facets and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from tracker.read.describe import window_phrase
from tracker.read.schemes import SchemeRow
from tracker.read.status import LABELS_NL, relevant_window


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
