"""Dutch, human-readable wording of events, windows and schemes for feeds, mail and pages.

Returns plain text only; every output format escapes it itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from tracker.models import Event, EventKind, Scheme, Window
from tracker.read.status import LABELS_NL, window_status
from tracker.read.timefmt import format_moment_nl, to_local

LEVEL_NL = {"rijk": "Rijk", "provincie": "Provincie", "eu": "EU"}

KIND_NL = {
    EventKind.SCHEME_NEW: "Nieuwe regeling",
    EventKind.WINDOW_ANNOUNCED: "Aanvraagperiode bekend",
    EventKind.WINDOW_CHANGED: "Aanvraagperiode gewijzigd",
    EventKind.WINDOW_OPENING_SOON: "Gaat binnenkort open",
    EventKind.WINDOW_OPENED: "Nu open",
    EventKind.WINDOW_CLOSING_SOON: "Sluit binnenkort",
    EventKind.WINDOW_CLOSED: "Gesloten",
    EventKind.BUDGET_EXHAUSTED: "Subsidieplafond bereikt",
    EventKind.SCHEME_REMOVED: "Regeling verdwenen",
}

PRECISION_NL = {
    "quarter": "kwartaal",
    "season": "seizoen",
    "year": "jaar",
    "month": "maand",
    "approximate": "ongeveer",
}


def format_money(amount: Decimal | None) -> str:
    """'€ 8.000.000.000' or '€ 2.800,50' in Dutch notation."""
    if amount is None:
        return ""
    whole = int(amount)
    cents = int((amount - whole) * 100)
    text = f"{whole:,}".replace(",", ".")
    return f"€ {text}" + (f",{cents:02d}" if cents else "")


def window_phrase(window: Window) -> str:
    """'van 1 maart 2027 09:00 tot en met 31 maart 2027 17:00'."""
    opens = format_moment_nl(window.opens_at, window.opens_has_time) if window.opens_at else ""
    closes = format_moment_nl(window.closes_at, window.closes_has_time) if window.closes_at else ""
    if opens and closes:
        text = f"van {opens} tot en met {closes}"
    elif opens:
        text = f"vanaf {opens}"
    elif closes:
        text = f"tot en met {closes}"
    else:
        vague = PRECISION_NL.get(window.precision, "")
        text = (
            f"datum nog niet bekend ({vague}: {window.snippet[:80]})" if vague else "datum onbekend"
        )
    if window.budget_eur is not None:
        text += f", budget {format_money(window.budget_eur)}"
    return text


def event_title(event: Event, scheme: Scheme, window: Window | None) -> str:
    label = KIND_NL.get(EventKind(event.kind), event.kind)
    if window is not None and event.kind != EventKind.SCHEME_NEW:
        return f"{label}: {scheme.title} {window_phrase(window)}"
    return f"{label}: {scheme.title}"


def scheme_header_lines(scheme: Scheme) -> list[str]:
    """Title, publisher, level and regions, themes and target groups."""
    lines = [f"Regeling: {scheme.title}"]
    if scheme.publisher:
        lines.append(f"Uitgever: {scheme.publisher}")
    regions = ", ".join(scheme.regions) or "heel Nederland"
    lines.append(f"Niveau: {LEVEL_NL.get(scheme.level, scheme.level)} ({regions})")
    if scheme.themes:
        lines.append(f"Thema's: {', '.join(scheme.themes)}")
    if scheme.doelgroepen:
        lines.append(f"Doelgroepen: {', '.join(scheme.doelgroepen)}")
    return lines


def state_phrase(state: dict[str, Any]) -> str:
    """A stored window state (``store.window_state``) in Dutch: 'opent …, sluit …, budget …'."""
    parts = []
    for key, label in (("opens_at", "opent"), ("closes_at", "sluit")):
        value = state.get(key)
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        if moment is not None:
            local = to_local(moment)
            has_time = (local.hour, local.minute) not in ((0, 0), (23, 59))
            parts.append(f"{label} {format_moment_nl(moment, has_time)}")
        else:
            parts.append(f"{label} onbekend")
    budget = state.get("budget_eur")
    if budget:
        parts.append(f"budget {format_money(Decimal(str(budget)))}")
    return ", ".join(parts)


def event_lines(event: Event, scheme: Scheme, window: Window | None, now: datetime) -> list[str]:
    """The body of an alert as plain-text lines (feeds and mail render them)."""
    lines = scheme_header_lines(scheme)
    if window is not None:
        lines.append(f"Aanvraagperiode: {window_phrase(window)}")
        lines.append(f"Status: {LABELS_NL[window_status(window, now)]}")
    if event.kind == EventKind.WINDOW_CHANGED and event.before:
        lines.append(f"Was: {state_phrase(event.before)}")
    link = (window.url if window and window.url else "") or scheme.url
    if link:
        lines.append(f"Officiële bron: {link}")
    return lines


def scheme_lines(scheme: Scheme, windows: Sequence[Window], now: datetime) -> list[str]:
    """A scheme with all its windows and their current status, as plain-text lines."""
    lines = scheme_header_lines(scheme)
    for window in windows:
        if not window.withdrawn:
            status = LABELS_NL[window_status(window, now)]
            lines.append(f"Aanvraagperiode: {window_phrase(window)} ({status})")
    if not windows:
        lines.append("Aanvraagperiode: nog niet bekend")
    if scheme.url:
        lines.append(f"Officiële bron: {scheme.url}")
    return lines
