"""RawScheme → SchemeData: clean text, absolute URLs, typed dates and money.

Every window of every source passes through ``tracker.windows`` here, so scrapers stay free of
date logic. Everything is untrusted: text is collapsed and capped, URLs must be http(s).
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from scrapers._url import http_url
from scrapers.base import RawScheme, RawWindow
from tracker import windows as extractor
from tracker.config import SourceConfig
from tracker.read.timefmt import AMSTERDAM, local_moment
from tracker.windows.dates import Mention, find_mentions

logger = logging.getLogger(__name__)

MAX_TITLE = 500
MAX_SUMMARY = 2000
MAX_SNIPPET = 400
MAX_TEXT = 200_000


class NormaliseError(ValueError):
    """One item is unusable; it is skipped and the run is marked degraded."""


@dataclass(frozen=True)
class WindowData:
    opens_at: datetime | None
    closes_at: datetime | None
    opens_has_time: bool
    closes_has_time: bool
    precision: str
    budget_eur: Decimal | None
    snippet: str
    confidence: float
    status_text: str = ""


@dataclass(frozen=True)
class SchemeData:
    key: str
    title: str
    url: str
    publisher: str
    summary: str
    level: str
    regions: tuple[str, ...]
    published_on: date | None
    identifiers: tuple[str, ...]
    cited_titles: tuple[str, ...]
    windows: tuple[WindowData, ...]
    status: str
    scheme_pin: str | None = None
    themes: tuple[str, ...] = field(default=())
    # the short scheme name the source gives (citeertitel, named regulation); '' if none
    name: str = ""
    # identifiers the publication only cites (not its own: ``identifiers`` are)
    cited_identifiers: tuple[str, ...] = ()

    def content_hash(self) -> str:
        # ``asdict`` without its deep copy of every value (the JSON, and so the hash, is the
        # same: both dataclasses hold only immutable values)
        fields = {**self.__dict__, "windows": [dict(w.__dict__) for w in self.windows]}
        if not self.cited_identifiers:
            # publications citing no identifier keep the hash they had before the field existed
            del fields["cited_identifiers"]
        payload = json.dumps(fields, default=str, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def clean_text(value: str, limit: int) -> str:
    """Unescape entities, drop tags, collapse whitespace and cap the length."""
    value = html.unescape(value or "")
    value = re.sub(r"<[^>]{0,500}>", " ", value)
    value = re.sub(r"[\u0000-\u0008\u000b-\u001f\u007f]", "", value)
    value = re.sub(r"\s+", " ", value).strip()
    return value[:limit]


def absolute_url(url: str, base: str) -> str:
    """An absolute http(s) URL, or '' for anything else (javascript:, data:, mailto: …, or a
    host with a control character); tab/CR/LF are dropped and other controls percent-encoded."""
    return http_url(url, base)


def normalise_scheme(
    raw: RawScheme, source: SourceConfig, page_url: str, today: date
) -> SchemeData:
    key = clean_text(raw.key, 500)
    title = clean_text(raw.title, MAX_TITLE)
    if not key or not title:
        raise NormaliseError(f"item without key or title ({raw.key!r}, {raw.title!r})")
    text = raw.text[:MAX_TEXT]
    published_on = _parse_day(raw.published_text)  # weekday words resolve against it
    found = extractor.extract_windows(text, today, published=published_on) if text.strip() else None
    structured = [w for raw_window in raw.windows for w in _from_raw(raw_window, today)]
    extracted = [_from_extracted(w) for w in (found.windows if found else ())]
    windows = structured + [w for w in extracted if not _overlaps(w, structured)]
    windows.sort(key=lambda w: (w.opens_at is None, w.opens_at or w.closes_at or _FAR))
    status = found.status if found else "unknown"
    if raw.status_text and not windows:
        status = extractor.extract_windows(raw.status_text, today, published=published_on).status
    ended = _parse_day(raw.in_force_until)
    if ended is not None and ended < today:
        # the regulation is no longer in force: a window after its end (recurring wording
        # projected onto this year) cannot be, and nothing can be applied for any more
        last = local_moment(ended, None, end_of_day=True)
        windows = [w for w in windows if (w.opens_at or w.closes_at or last) <= last]
        status = "closed"
    return SchemeData(
        key=key,
        title=title,
        url=absolute_url(raw.url, page_url) or absolute_url(page_url, page_url),
        publisher=clean_text(raw.publisher, 300),
        summary=clean_text(raw.summary, MAX_SUMMARY),
        level=raw.level or source.level,
        regions=tuple(raw.regions) or tuple(source.regions),
        published_on=published_on,
        identifiers=tuple(dict.fromkeys(clean_text(i, 100) for i in raw.identifiers if i)),
        cited_titles=tuple(dict.fromkeys(clean_text(t, MAX_TITLE) for t in raw.cited_titles)),
        windows=tuple(_dedupe(windows)),
        status=status,
        scheme_pin=source.scheme,
        themes=source.themes,
        name=clean_text(raw.name, MAX_TITLE),
        cited_identifiers=tuple(
            dict.fromkeys(
                c
                for i in raw.cited_identifiers
                if (c := clean_text(i, 100)) and c not in raw.identifiers
            )
        ),
    )


_FAR = local_moment(date(9999, 1, 1), None)


def _from_extracted(w: extractor.ExtractedWindow) -> WindowData:
    return WindowData(
        opens_at=local_moment(w.opens, w.opens_time) if w.opens else None,
        closes_at=local_moment(w.closes, w.closes_time, end_of_day=True) if w.closes else None,
        opens_has_time=w.opens_time is not None,
        closes_has_time=w.closes_time is not None,
        precision=w.precision,
        budget_eur=w.budget_eur,
        snippet=clean_text(w.snippet, MAX_SNIPPET),
        confidence=w.confidence,
    )


def _from_raw(raw: RawWindow, today: date) -> list[WindowData]:
    """A structured window: each field is one date, parsed as such (no sentence, no guessing).

    ISO values ('2027-04-08T17:00:00+02:00') and written dates ('8 april 2027 17:00 uur') are
    read directly. A field that holds no single clear date makes the window unusable; the
    page text, if any, still goes through the extractor.
    """
    opens = _parse_field(raw.opens_text, today)
    closes = _parse_field(raw.closes_text, today)
    if (raw.opens_text.strip() and not opens) or (raw.closes_text.strip() and not closes):
        logger.info("structured window not read: %r – %r", raw.opens_text, raw.closes_text)
        return []
    if not opens and not closes:
        return []
    if opens and closes and not _has_year(raw.opens_text) and not _has_year(raw.closes_text):
        # neither says its year: they are read together, as one window ("1 december" –
        # "31 januari" read in January is the window open now, not next winter's)
        if (years := _window_years(raw.opens_text, raw.closes_text, today)) is not None:
            opens, closes = (years[0], opens[1]), (years[1], closes[1])
    elif opens and closes and closes[0] < opens[0] and not _has_year(raw.closes_text):
        closes = (closes[0].replace(year=closes[0].year + 1), closes[1])
    snippet = clean_text(raw.snippet or f"{raw.opens_text} – {raw.closes_text}", MAX_SNIPPET)
    return [
        WindowData(
            opens_at=local_moment(opens[0], opens[1]) if opens else None,
            closes_at=local_moment(closes[0], closes[1], end_of_day=True) if closes else None,
            opens_has_time=bool(opens and opens[1]),
            closes_has_time=bool(closes and closes[1]),
            precision="day",
            budget_eur=extractor.parse_budget(raw.budget_text) if raw.budget_text else None,
            snippet=snippet,
            confidence=1.0,
            status_text=clean_text(raw.status_text, 200),
        )
    ]


def _parse_field(value: str, today: date) -> tuple[date, time | None] | None:
    """One structured date field: ISO, else exactly one written day-precise date."""
    value = clean_text(value, 200)
    if not value:
        return None
    if (iso := _parse_iso(value)) is not None:
        return iso
    days = [m for m in find_mentions(value) if m.precision == "day" and m.month is not None]
    if len(days) != 1:
        return None
    mention = days[0]
    year = mention.year or today.year
    day = mention.on(year)
    if day is not None and mention.year is None and (today - day).days > 183:
        day = mention.on(year + 1)  # a year-less date half a year back means next year's
    return (day, mention.time) if day is not None else None


def _window_years(opens_text: str, closes_text: str, today: date) -> tuple[date, date] | None:
    """The days of a window whose fields name no year: the one open today, else the first
    that closed less than half a year ago or closes later (the rule ``_parse_field`` applies
    to a single date), each closing on or after its opening."""
    found = [_day_mention(opens_text), _day_mention(closes_text)]
    if found[0] is None or found[1] is None:
        return None
    opening, closing = found[0], found[1]
    candidates: list[tuple[date, date]] = []
    for year in (today.year - 1, today.year, today.year + 1):
        opens = opening.on(year)
        closes = closing.on(year)
        if opens is None or closes is None:
            continue
        if closes < opens:
            closes = closing.on(year + 1)
            if closes is None:
                continue
        candidates.append((opens, closes))
    for opens, closes in candidates:
        if opens <= today <= closes:
            return opens, closes
    return next(((o, c) for o, c in candidates if (today - c).days <= 183), None)


def _day_mention(value: str) -> Mention | None:
    value = clean_text(value, 200)
    days = [m for m in find_mentions(value) if m.precision == "day" and m.month is not None]
    return days[0] if len(days) == 1 else None


def _has_year(value: str) -> bool:
    return re.search(r"\b(19|20)\d{2}\b", value) is not None


def _parse_iso(value: str) -> tuple[date, time | None] | None:
    """'2027-04-08T00:00:00.000+0000' or '2027-04-08' → local date (and time if not midnight)."""
    value = value.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date(), (moment.time() if moment.time() != time(0) else None)
    if moment.hour == 0 and moment.minute == 0:
        # date-only values serialised as midnight UTC: the calendar date is what is meant
        return moment.date(), None
    local = moment.astimezone(AMSTERDAM)
    return local.date(), local.time().replace(second=0, microsecond=0)


def _parse_day(value: str) -> date | None:
    parsed = _parse_iso(value or "")
    return parsed[0] if parsed else None


def _overlaps(window: WindowData, structured: list[WindowData]) -> bool:
    """True when a structured field already states this window (it wins: it is more exact).

    A half window read from the text whose one date is a day a structured field gives is
    that field's date read again (a listing's 'Open voor aanvragen … 31 december 2026' next
    to its closing-date field), not a second window.
    """
    half = (window.opens_at is None) != (window.closes_at is None)
    for known in structured:
        if window.opens_at is not None and window.opens_at == known.opens_at:
            return True
        if window.closes_at is not None and window.closes_at == known.closes_at:
            return True
        if half and _day(window.opens_at or window.closes_at) in {
            _day(known.opens_at),
            _day(known.closes_at),
        } - {None}:
            return True
    return False


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(AMSTERDAM).date() if moment is not None else None


def _dedupe(windows: list[WindowData]) -> list[WindowData]:
    seen: set[tuple[datetime | None, datetime | None]] = set()
    result = []
    for w in windows:
        ident = (w.opens_at, w.closes_at)
        if ident in seen and ident != (None, None):
            continue
        seen.add(ident)
        result.append(w)
    return result
