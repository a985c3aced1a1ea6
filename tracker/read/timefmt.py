"""Europe/Amsterdam time handling: store UTC, show local time, in Dutch."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
END_OF_DAY = time(23, 59, 59)


def local_moment(day: date, at: time | None, *, end_of_day: bool = False) -> datetime:
    """The UTC instant of a local date (and time); a missing time means start or end of day."""
    clock = at if at is not None else (END_OF_DAY if end_of_day else time(0, 0))
    return datetime.combine(day, clock, tzinfo=AMSTERDAM).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(AMSTERDAM)


def local_today(now: datetime) -> date:
    return now.astimezone(AMSTERDAM).date()


def format_date_nl(day: date) -> str:
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def format_moment_nl(moment: datetime | None, has_time: bool) -> str:
    """'1 maart 2027 09:00', or '1 maart 2027' when the source gave no time."""
    if moment is None:
        return "onbekend"
    local = to_local(moment)
    text = format_date_nl(local.date())
    return f"{text} {clock_nl(local)}" if has_time else text


def clock_nl(local: datetime) -> str:
    """'17:00'; the last instant of a day, as "24.00 uur" and "middernacht" are stored
    (LABELLING.md 5), reads '24:00' as the source wrote it, not '23:59'."""
    return "24:00" if local.time() >= END_OF_DAY else f"{local:%H:%M}"


def format_short(moment: datetime | None) -> str:
    """'27-11-2026 08:00' in Dutch local time, '—' when there is none (tables, CLI)."""
    return to_local(moment).strftime("%d-%m-%Y %H:%M") if moment else "—"
