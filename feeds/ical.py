"""Windows → iCalendar: one VEVENT per window opening and one per closing.

UIDs derive from the window id and the edge, so a calendar app updates an event in place when
dates move (SEQUENCE follows the window's last change). Times carry TZID Europe/Amsterdam;
a moment without a stated time becomes an all-day event on its local date.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from scrapers._url import http_url
from tracker.models import Scheme, Window
from tracker.read.describe import scheme_lines
from tracker.read.timefmt import to_local

logger = logging.getLogger(__name__)

UID_DOMAIN = "subsidie-tracker"
SLOT = timedelta(minutes=30)
TZID = "Europe/Amsterdam"


def window_uid(window: Window, edge: str) -> str:
    return f"window-{window.id}-{edge}@{UID_DOMAIN}"


def build_calendar(*, title: str, rows: Sequence[tuple[Scheme, Window]], now: datetime) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Subsidie-tracker//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    for scheme, window in rows:
        if window.opens_at is not None:
            cal.add_component(_vevent(scheme, window, "opens", now))
        if window.closes_at is not None:
            cal.add_component(_vevent(scheme, window, "closes", now))
    _add_timezone(cal, rows)
    return cal


def _stated(moment: datetime) -> datetime:
    """Local time with TZID, or UTC for a time in the hour that repeats when clocks go back:
    a local time there means its first occurrence (RFC 5545 3.3.5), so the second is written
    as UTC."""
    local = to_local(moment)
    if local.replace(fold=0).astimezone(UTC) != moment.astimezone(UTC):
        return moment.astimezone(UTC)
    return local


def _add_timezone(cal: Calendar, rows: Sequence[tuple[Scheme, Window]]) -> None:
    """The VTIMEZONE for Europe/Amsterdam, reaching past the last event, without the English
    COMMENT icalendar puts in it ('This timezone only works from …'): calendar apps show it."""
    moments = [m for _, w in rows for m in (w.opens_at, w.closes_at) if m is not None]
    last = max([Timezone.DEFAULT_LAST_DATE, *(m.date() + timedelta(days=366) for m in moments)])
    cal.add_missing_timezones(last_date=last)
    if not cal.timezones:
        # no events (a filter matched none): a calendar needs one component (RFC 5545 3.6),
        # and clients reject an empty one; the time zone it would use will do
        cal.add_component(Timezone.from_tzid(TZID, last_date=last))
    for timezone in cal.timezones:
        timezone.pop("COMMENT", None)


def _vevent(scheme: Scheme, window: Window, edge: str, now: datetime) -> VEvent:
    opening = edge == "opens"
    moment = window.opens_at if opening else window.closes_at
    has_time = window.opens_has_time if opening else window.closes_has_time
    assert moment is not None
    event = VEvent()
    event.add("uid", window_uid(window, edge))
    event.add("dtstamp", window.updated_at)
    event.add("sequence", int(window.updated_at.timestamp()) // 60 % 2**31)
    label = "Aanvragen open" if opening else "Aanvraagtermijn sluit"
    event.add("summary", f"{label}: {scheme.title}")
    local = to_local(moment)
    if has_time:
        # the half hour is counted in UTC: a deadline at 03:15 on the night clocks go forward
        # then starts at 01:45 (CET), not at 02:45, a time that day does not have
        event.add("dtstart", _stated(moment if opening else moment - SLOT))
        event.add("dtend", _stated(moment + SLOT if opening else moment))
    else:
        event.add("dtstart", local.date())
        event.add("dtend", local.date() + timedelta(days=1))
    event.add("description", "\n".join(scheme_lines(scheme, [window], now)))
    # a stored link is cleaned again per event: one with a control character in it made
    # icalendar refuse the whole calendar (a 500 for every subscriber)
    link = http_url(window.url) or http_url(scheme.url)
    if link:
        event.add("url", link)
    event.add("transp", "TRANSPARENT")
    return event
