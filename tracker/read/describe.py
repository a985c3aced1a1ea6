"""Dutch, human-readable wording of events, windows and schemes for feeds, mail and pages.

Returns plain text only; every output format escapes it itself.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from scrapers._url import http_url
from tracker.models import Event, EventKind, Scheme, Window
from tracker.read.status import LABELS_NL, window_status
from tracker.read.timefmt import MONTHS_NL, format_moment_nl, to_local
from tracker.regions import PROVINCES, province_of

# the one label map of levels: start page, subscribe form, mail, feeds and the dashboard
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
    EventKind.BUDGET_RESTORED: "Budget weer beschikbaar",
    EventKind.SCHEME_REMOVED: "Regeling verdwenen",
    EventKind.SCHEME_RENAMED: "Naam gewijzigd",
}


def count_nl(n: int, one: str, many: str) -> str:
    """'1 abonnement', '2 abonnementen', '0 abonnementen': a count with its noun in Dutch."""
    return f"{n} {one if n == 1 else many}"


def format_money(amount: Decimal | None) -> str:
    """'€ 8.000.000.000' or '€ 2.800,50' in Dutch notation."""
    if amount is None:
        return ""
    whole = int(amount)
    cents = int((amount - whole) * 100)
    text = f"{whole:,}".replace(",", ".")
    return f"€ {text}" + (f",{cents:02d}" if cents else "")


_MONTH = "|".join(MONTHS_NL)
_YEAR = r"(?:van\s+|in\s+)?20\d\d"
# the vague moment a window was announced with: 'oktober 2026', 'tweede kwartaal 2027',
# 'najaar 2026', 'begin 2027'; the snippet around it is source text, not a moment
VAGUE_PERIOD = {
    "month": re.compile(rf"\b(?:begin\s+|medio\s+|eind\s+)?(?:{_MONTH})(?:\s+{_YEAR})?\b", re.I),
    "quarter": re.compile(
        rf"\b(?:(?:eerste|tweede|derde|vierde|[1-4]e)\s+kwartaal|Q[1-4])(?:\s+{_YEAR})?\b", re.I
    ),
    "season": re.compile(
        rf"\b(?:voorjaar|zomer|najaar|winter|lente|herfst)(?:\s+{_YEAR})?\b", re.I
    ),
    "year": re.compile(r"\b(?:begin|medio|eind|halverwege|in de loop van)\s+20\d\d\b", re.I),
}


def vague_period(window: Window) -> str:
    """The vague moment of a window without dates ('oktober 2026'), or '' when unknown."""
    pattern = VAGUE_PERIOD.get(window.precision)
    found = pattern.search(window.snippet) if pattern else None
    return " ".join(found.group(0).split()) if found else ""


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
        period = vague_period(window)
        text = f"datum nog niet bekend (verwacht: {period})" if period else "datum nog niet bekend"
    if window.budget_eur is not None:
        text += f", budget {format_money(window.budget_eur)}"
    return text


def window_then(event: Event, window: Window | None) -> Window | None:
    """The window with the dates and budget its event announced (``Event.after``), when it
    has changed since: an alert in a feed or a digest tells what it told then, not today's
    dates beside a 'Was' of its own. A copy that is never stored; else ``window`` itself."""
    after = event.after or {}
    if window is None or "opens_at" not in after or "closes_at" not in after:
        return window
    opens, closes = _moment_of(after["opens_at"]), _moment_of(after["closes_at"])
    budget = Decimal(str(after["budget_eur"])) if after.get("budget_eur") else None
    if (opens, closes, budget) == (window.opens_at, window.closes_at, window.budget_eur):
        return window
    then = Window(scheme_id=window.scheme_id, opens_at=opens, closes_at=closes,
                  opens_has_time=window.opens_has_time, closes_has_time=window.closes_has_time,
                  precision=window.precision, budget_eur=budget, snippet=window.snippet,
                  url=window.url)  # fmt: skip
    return window if window_phrase(then) == window_phrase(window) else then


def _moment_of(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def event_title(
    event: Event, scheme: Scheme, window: Window | None, *, limit: int | None = None
) -> str:
    """'Aanvraagperiode bekend: <regeling> van … tot en met …, budget …'; with ``limit``
    (a mail subject) a long scheme name is shortened at a word with '…', never the dates or
    the amount after it."""
    label = KIND_NL.get(EventKind(event.kind), event.kind)
    phrase = ""
    shown = window_then(event, window)
    if shown is not None and event.kind != EventKind.SCHEME_NEW:
        phrase = " " + window_phrase(shown)
    title = " ".join(scheme.title.split())
    if limit is not None and len(label) + 2 + len(title) + len(phrase) > limit:
        room = max(limit - len(label) - 2 - len(phrase), 20)
        title = textwrap.shorten(title, room, placeholder=" …")
    return f"{label}: {title}{phrase}"


# bodies behind sites that do not name themselves, by host (issue 15: RVO schemes showed none)
PUBLISHER_BY_HOST = {
    "rvo.nl": "Rijksdienst voor Ondernemend Nederland",
    "dus-i.nl": "Dienst Uitvoering Subsidies aan Instellingen",
    "uitvoeringvanbeleidszw.nl": "Ministerie van Sociale Zaken en Werkgelegenheid",
}


# bodies that sources name in English; stored as the source gives them, shown in Dutch
PUBLISHER_NL = {
    "european commission": "Europese Commissie",
    "european union": "Europese Unie",
}


def publisher_label(scheme: Scheme) -> str:
    """'provincie Gelderland' for a province (by any of its names), the body's own name
    (in Dutch where a source gives it in English) otherwise, the body behind the scheme's
    site when none was given, else ''."""
    name = scheme.publisher.strip()
    code = province_of(name) if name else None
    if code is None and not name and scheme.level == "provincie" and len(scheme.regions) == 1:
        code = scheme.regions[0]
    if code in PROVINCES:
        return f"provincie {PROVINCES[code]}"
    if name:
        return PUBLISHER_NL.get(name.casefold(), name)
    host = re.sub(r"^[a-z]+://(?:www\.)?([^/:?#]+).*$", r"\1", scheme.url.lower())
    return next((body for h, body in PUBLISHER_BY_HOST.items() if host.endswith(h)), "")


def region_names(regions: Sequence[str]) -> str:
    """'Gelderland, Overijssel' for province codes; 'heel Nederland' for none."""
    return ", ".join(PROVINCES.get(code, code) for code in regions) or "heel Nederland"


def scheme_header_lines(scheme: Scheme) -> list[str]:
    """Title, publisher, level and regions, themes and target groups."""
    lines = [f"Regeling: {scheme.title}"]
    publisher = publisher_label(scheme)
    if publisher:
        lines.append(f"Uitgever: {publisher}")
    level = LEVEL_NL.get(scheme.level, scheme.level)
    lines.append(f"Niveau: {level} ({region_names(scheme.regions)})")
    if scheme.themes:
        lines.append(f"Thema's: {', '.join(scheme.themes)}")
    if scheme.doelgroepen:
        lines.append(f"Doelgroepen: {', '.join(scheme.doelgroepen)}")
    return lines


def moment_phrase(moment: datetime | None) -> str:
    """A stored moment in Dutch; local midnight and 23:59 are date-only deadlines."""
    if moment is None:
        return "onbekend"
    local = to_local(moment)
    return format_moment_nl(moment, (local.hour, local.minute) not in ((0, 0), (23, 59)))


def state_phrase(state: dict[str, Any]) -> str:
    """A stored window state (``store.window_state``) in Dutch: 'opent …, sluit …, budget …'."""
    parts = []
    for key, label in (("opens_at", "opent"), ("closes_at", "sluit")):
        value = state.get(key)
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        if moment is not None:
            parts.append(f"{label} {moment_phrase(moment)}")
        else:
            parts.append(f"{label} onbekend")
    budget = state.get("budget_eur")
    if budget:
        parts.append(f"budget {format_money(Decimal(str(budget)))}")
    return ", ".join(parts)


def event_lines(event: Event, scheme: Scheme, window: Window | None, now: datetime) -> list[str]:
    """The body of an alert as plain-text lines (feeds and mail render them)."""
    lines = scheme_header_lines(scheme)
    shown = window_then(event, window)
    if shown is not None and window is not None:
        lines.append(f"Aanvraagperiode: {window_phrase(shown)}")
        if shown is not window:
            lines.append(f"Inmiddels gewijzigd in: {window_phrase(window)}")
        lines.append(f"Status: {LABELS_NL[window_status(window, now)]}")
    if event.kind == EventKind.WINDOW_CHANGED and event.before:
        lines.append(f"Was: {state_phrase(event.before)}")
    if event.kind == EventKind.SCHEME_RENAMED and event.before:
        lines.append(f"Vorige naam: {event.before.get('title', '')}")
    link = http_url(window.url if window else "") or http_url(scheme.url)
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
    if link := http_url(scheme.url):
        lines.append(f"Officiële bron: {link}")
    return lines
