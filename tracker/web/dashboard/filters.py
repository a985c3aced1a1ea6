"""Jinja filters and globals for the dashboard templates (all output is autoescaped)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi.templating import Jinja2Templates

from tracker.models import EventKind
from tracker.read.describe import KIND_NL, LEVEL_NL, format_money
from tracker.read.timefmt import END_OF_DAY, format_moment_nl, to_local
from tracker.read.timefmt import format_short as when
from tracker.web.csrf import FIELD

FIELD_NL = {
    "opens_at": "opent",
    "closes_at": "sluit",
    "budget_eur": "budget",
    "budget_exhausted": "budget uitgeput",
    "staff_locked": "vergrendeld",
    "themes": "thema's",
    "regions": "regio's",
    "hidden": "verborgen",
    "merged": "samengevoegd",
    "merged_into_id": "samengevoegd in",
    "title": "titel",
    "url": "URL",
}


def readable_value(value: Any, name: str = "") -> str:
    """A stored value in Dutch: local time (no clock for date-only moments), euros, ja/nee."""
    if value is None or value == "":
        return "leeg"
    text = str(value)
    if text in ("True", "False"):
        return "ja" if text == "True" else "nee"
    if name == "budget_eur":
        try:
            return format_money(Decimal(text))
        except InvalidOperation:
            return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if not moment.tzinfo:
        return text
    # a date without a time is stored as the start or end of that local day
    has_time = to_local(moment).time() not in (time(0, 0), END_OF_DAY)
    return format_moment_nl(moment, has_time)


def diff_pairs(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[list[str]]:
    """[field, before, after] for every field that differs between two event states."""
    old, new = before or {}, after or {}
    return [
        [FIELD_NL.get(k, k), readable_value(old.get(k), k), readable_value(new.get(k), k)]
        for k in sorted(set(old) | set(new))
        if old.get(k) != new.get(k)
    ]


def local_date_input(moment: datetime | None) -> str:
    return to_local(moment).strftime("%Y-%m-%d") if moment else ""


def local_time_input(moment: datetime | None, has_time: bool) -> str:
    return to_local(moment).strftime("%H:%M") if moment and has_time else ""


def at_day_end(moment: datetime | None, has_time: bool) -> bool:
    """A "24.00 uur" moment, which a time input can only show as 23:59."""
    return bool(moment and has_time and to_local(moment).time() >= END_OF_DAY)


def kind_label(kind: str) -> str:
    try:
        return KIND_NL.get(EventKind(kind), kind)
    except ValueError:
        return kind


def configure_templates(templates: Jinja2Templates) -> None:
    env = templates.env
    env.autoescape = True
    env.filters.update(
        when=when,
        readable=readable_value,
        date_input=local_date_input,
        time_input=local_time_input,
        at_day_end=at_day_end,
        kind_label=kind_label,
        field_nl=lambda name: FIELD_NL.get(name, name),
    )
    env.globals.update(diff_pairs=diff_pairs, level_nl=LEVEL_NL, csrf_field=FIELD)
