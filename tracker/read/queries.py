"""Read-side queries shared by the web pages, feeds and notifications."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from tracker.models import Event, Scheme, Window

BATCH = 500


@dataclass(frozen=True)
class Filters:
    """``region`` is a province code or group name; ``region_codes`` its province codes
    (``tracker.regions.expand_region``); without them the region itself is the only code."""

    level: str | None = None
    region: str | None = None
    kind: str | None = None
    theme: str | None = None
    doelgroep: str | None = None
    q: str | None = None
    region_codes: tuple[str, ...] = ()

    def key(self) -> str:
        return "|".join(
            str(v) for v in (self.level, self.region, self.kind, self.theme, self.doelgroep, self.q)
        )


def scheme_matches(scheme: Scheme, filters: Filters) -> bool:
    if scheme.hidden or scheme.merged_into_id is not None:
        return False
    if filters.level and scheme.level != filters.level:
        return False
    if filters.theme and filters.theme not in scheme.themes:
        return False
    if filters.doelgroep and filters.doelgroep not in scheme.doelgroepen:
        return False
    if filters.q and not _text_matches(scheme, filters.q):
        return False
    codes = set(filters.region_codes or ((filters.region,) if filters.region else ()))
    # a region filter includes schemes that apply everywhere (rijk, EU-wide: no regions)
    return not (codes and scheme.regions and not codes & set(scheme.regions))


def _text_matches(scheme: Scheme, q: str) -> bool:
    haystack = " ".join((scheme.title, scheme.summary, scheme.publisher)).casefold()
    return all(word in haystack for word in q.casefold().split())


def recent_events(
    session: Session, filters: Filters, limit: int
) -> list[tuple[Event, Scheme, Window | None]]:
    """Published events matching the filters, newest first."""
    query = (
        select(Event, Scheme)
        .join(Scheme, col(Event.scheme_id) == col(Scheme.id))
        .where(col(Event.published).is_(True))
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


def scheme_windows(session: Session, scheme_ids: Sequence[int]) -> dict[int, list[Window]]:
    result: dict[int, list[Window]] = {sid: [] for sid in scheme_ids}
    if not scheme_ids:
        return result
    windows = session.exec(
        select(Window).where(col(Window.scheme_id).in_(scheme_ids)).order_by(col(Window.opens_at))
    ).all()
    for window in windows:
        result.setdefault(window.scheme_id, []).append(window)
    return result
