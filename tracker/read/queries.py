"""Read-side queries shared by the web pages, feeds and notifications."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.detect.windows import distinct_windows
from tracker.models import Event, EventKind, Scheme, Window
from tracker.read.visible import visible_clause

BATCH = 500
UNDATED = datetime.max.replace(tzinfo=UTC)  # undated windows sort after every dated one


@dataclass(frozen=True)
class Filters:
    """The one filter model of feeds, the JSON API and the staff list.

    ``region`` is a province code or group name; ``region_codes`` its province codes
    (``tracker.regions.expand_region``); without them the region itself is the only code.
    A region includes schemes that apply everywhere (Rijk, EU-wide: no regions). ``status``
    is derived from windows, so only row queries (``tracker.read.schemes``) apply it;
    ``include_hidden`` is for staff only.
    """

    level: str | None = None
    region: str | None = None
    kind: str | None = None
    theme: str | None = None
    doelgroep: str | None = None
    q: str | None = None
    status: str | None = None
    publisher: str | None = None
    include_hidden: bool = False
    region_codes: tuple[str, ...] = ()

    def key(self) -> str:
        values = (self.level, self.region, self.kind, self.theme, self.doelgroep, self.q,
                  self.status, self.publisher, self.include_hidden)  # fmt: skip
        return "|".join(str(v) for v in values)


def scheme_matches(scheme: Scheme, filters: Filters) -> bool:
    """Whether a scheme matches the scheme filters (not ``kind``/``status``; not visibility)."""
    if filters.level and scheme.level != filters.level:
        return False
    if filters.theme and filters.theme not in scheme.themes:
        return False
    if filters.doelgroep and filters.doelgroep not in scheme.doelgroepen:
        return False
    if filters.publisher and filters.publisher.casefold() not in scheme.publisher.casefold():
        return False
    if filters.q and not _text_matches(scheme, filters.q):
        return False
    codes = set(filters.region_codes or ((filters.region,) if filters.region else ()))
    return not (codes and scheme.regions and not codes & set(scheme.regions))


def _text_matches(scheme: Scheme, q: str) -> bool:
    haystack = " ".join((scheme.title, scheme.summary, scheme.publisher, *scheme.identifiers))
    folded = haystack.casefold()
    return all(word in folded for word in q.casefold().split())


def recent_events(
    session: Session, filters: Filters, limit: int
) -> list[tuple[Event, Scheme, Window | None]]:
    """Published events of visible schemes matching the filters, newest first.

    Events of removed schemes stay: the removal is itself an alert (``tracker.read.visible``).
    """
    query = (
        select(Event, Scheme)
        .join(Scheme, col(Event.scheme_id) == col(Scheme.id))
        .where(col(Event.published).is_(True), visible_clause(removed=True))
        .order_by(col(Event.created_at).desc(), col(Event.id).desc())
    )
    if filters.level:
        query = query.where(Scheme.level == filters.level)
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    # scheme filters (regions, themes, text) are JSON/text matches that differ per backend, so
    # they run here; read in batches until the limit is filled or the events run out
    rows: list[tuple[Event, Scheme, Window | None]] = []
    offset = 0
    while len(rows) < limit:
        batch = session.exec(query.offset(offset).limit(BATCH)).all()
        for event, scheme in batch:
            if scheme_matches(scheme, filters):
                window = session.get(Window, event.window_id) if event.window_id else None
                rows.append((event, scheme, window))
                if len(rows) >= limit:
                    break
        if len(batch) < BATCH:
            break
        offset += BATCH
    return rows


def shown_windows(windows: Iterable[Window]) -> list[Window]:
    """The windows a reader sees: one per scheme and period, by opening moment (undated last).

    Windows are stored per publication, so two publications of one scheme that state the
    same period keep a window each; every display (pages, staff list and Overzicht, feeds,
    the calendar, the API) shows that period once, chosen by ``tracker.detect.distinct_windows``
    (the same choice alerts and tick make, rule in ``tracker.detect.same_period``: a full
    window over a half copy that only repeats its opening or closing day; among copies of
    one span a staff-locked one, else the oldest). Withdrawn windows are left out. Only the
    staff detail page lists each publication's own copy.
    """
    return sorted(distinct_windows(windows), key=_opening_order)


def _opening_order(window: Window) -> tuple[datetime, int]:
    return window.opens_at or UNDATED, window.id or 0


def scheme_windows(
    session: Session, scheme_ids: Sequence[int], *, withheld: Collection[int] = ()
) -> dict[int, list[Window]]:
    """The shown windows (``shown_windows``) of each scheme: the one window query of the
    read side. Public readers pass ``withheld`` (``withheld_windows``): those are left out
    before a span's copy is chosen."""
    result: dict[int, list[Window]] = {sid: [] for sid in scheme_ids}
    if not scheme_ids:
        return result
    stored: dict[int, list[Window]] = {}
    for start in range(0, len(scheme_ids), BATCH):
        chunk = list(scheme_ids[start : start + BATCH])
        query = select(Window).where(col(Window.scheme_id).in_(chunk))
        for window in session.exec(query).all():
            if window.id not in withheld:
                stored.setdefault(window.scheme_id, []).append(window)
    for scheme_id, windows in stored.items():
        result[scheme_id] = shown_windows(windows)
    return result


# the events that tell a window's dates: the ones held for review
_DATED = (EventKind.WINDOW_ANNOUNCED.value, EventKind.WINDOW_CHANGED.value)


def withheld_windows(session: Session) -> dict[int, int]:
    """Windows the public must not see yet, by id, with their scheme's id: those whose latest
    dated alert (announced or changed) is unpublished, i.e. held for staff review or rejected
    by staff, unless staff corrected the window since (it is locked with their dates).

    With ``[review] hold_low_confidence`` such dates reach no feed or mail; this keeps them
    out of the calendar, the scheme pages and the API as well, until approved or corrected.
    A later confident change of the window (a published alert) shows it again.
    """
    events = Event.__table__  # type: ignore[attr-defined]
    windows = Window.__table__  # type: ignore[attr-defined]
    latest = (
        sa.select(events.c.window_id, sa.func.max(events.c.id).label("last"))
        .where(events.c.window_id.is_not(None), events.c.kind.in_(_DATED))
        .group_by(events.c.window_id)
        .subquery()
    )
    query = (
        sa.select(windows.c.id, windows.c.scheme_id)
        .join(latest, latest.c.window_id == windows.c.id)
        .join(events, events.c.id == latest.c.last)
        .where(events.c.published.is_(False), windows.c.staff_locked.is_(False))
    )
    return {int(wid): int(sid) for wid, sid in session.connection().execute(query)}
