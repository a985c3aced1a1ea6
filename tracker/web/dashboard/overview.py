"""Overzicht: counts, a month calendar and timeline, the latest events, troubled sources."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from tracker.config import Config
from tracker.models import Event, Scheme, Window
from tracker.read.health import source_health
from tracker.read.schemes import SchemeRow, load_rows
from tracker.read.status import OPEN
from tracker.read.timefmt import MONTHS_NL, to_local
from tracker.web.auth import Staff
from tracker.web.dashboard.common import now_utc, render
from tracker.web.deps import get_config, get_session

router = APIRouter()
HORIZON = timedelta(days=120)


@dataclass(frozen=True)
class Mark:
    moment: datetime
    kind: str  # "opent" | "sluit"
    scheme: Scheme
    window: Window

    @property
    def day(self) -> date:
        return to_local(self.moment).date()

    @property
    def month(self) -> str:
        return f"{MONTHS_NL[self.day.month - 1]} {self.day.year}"


def upcoming_marks(rows: list[SchemeRow], now: datetime) -> list[Mark]:
    """Openings and deadlines from now until the horizon, in time order.

    A scheme's deadline appears once per day even when several windows carry it (one per
    publication, or a date-only copy of a timed one); the copy with a stated time wins.
    """
    marks: dict[tuple[int | None, str, date], Mark] = {}
    for row in rows:
        for w in row.windows:
            if w.withdrawn:
                continue
            for kind, moment, timed in (
                ("opent", w.opens_at, w.opens_has_time),
                ("sluit", w.closes_at, w.closes_has_time),
            ):
                if moment is None or not now <= moment <= now + HORIZON:
                    continue
                mark = Mark(moment, kind, row.scheme, w)
                key = (row.scheme.id, kind, mark.day)
                kept = marks.get(key)
                if kept is None or (timed and not _has_time(kept)):
                    marks[key] = mark
    return sorted(marks.values(), key=lambda m: (m.moment, m.scheme.title))


def _has_time(mark: Mark) -> bool:
    return mark.window.opens_has_time if mark.kind == "opent" else mark.window.closes_has_time


def month_grid(month: date, marks: list[Mark], today: date) -> dict[str, object]:
    """The month of ``month`` as weeks of (day, marks) for the calendar table; ``today`` is
    highlighted only where it appears (not on the 1st of the following month)."""
    by_day: dict[date, list[Mark]] = {}
    for mark in marks:
        by_day.setdefault(mark.day, []).append(mark)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    return {
        "title": f"{MONTHS_NL[month.month - 1]} {month.year}",
        "weeks": [[(d, by_day.get(d, [])) for d in week] for week in weeks],
        "month": month.month,
        "today": today,
    }


def _two_months(today: date) -> list[date]:
    following = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return [today, following]


def counts(rows: list[SchemeRow], now: datetime) -> dict[str, int]:
    return {
        "open": sum(r.status == OPEN for r in rows),
        "opening": sum(
            bool(r.next_opens and r.next_opens <= now + timedelta(days=30)) for r in rows
        ),
        "closing": sum(
            bool(r.next_closes and r.next_closes <= now + timedelta(days=14)) for r in rows
        ),
    }


def latest_events(session: Session, limit: int = 12) -> list[tuple[Event, Scheme]]:
    query = (
        select(Event, Scheme)
        .join(Scheme, col(Event.scheme_id) == col(Scheme.id))
        .order_by(col(Event.created_at).desc(), col(Event.id).desc())
        .limit(limit)
    )
    return [(e, s) for e, s in session.exec(query).all()]


@router.get("/beheer", response_class=HTMLResponse)
def overview(
    request: Request,
    user: Staff,
    session: Annotated[Session, Depends(get_session)],
    config: Annotated[Config, Depends(get_config)],
) -> HTMLResponse:
    now = now_utc(request)
    today = to_local(now).date()
    rows = load_rows(session, now, held=True)  # staff see windows waiting for review
    marks = upcoming_marks(rows, now)
    troubled = [h for h in source_health(session, config, set()) if h.flagged]
    return render(
        request,
        "dashboard/overview.html",
        {
            "counts": counts(rows, now),
            "total": len(rows),
            "grids": [month_grid(month, marks, today) for month in _two_months(today)],
            "marks": marks[:40],
            "events": latest_events(session),
            "troubled": troubled,
            "now": now,
        },
    )
