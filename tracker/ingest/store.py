"""Store normalised publications as schemes and windows, and detect what changed.

Runs inside the source run's transaction. It never deletes: a changed or shrinking source can
add and update, but windows and schemes only disappear through the removal rule in the
pipeline. Staff-locked windows are never overwritten by a scrape.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from tracker.alerts.events import emit_event
from tracker.alerts.lifecycle import exhausted_windows, mark_budget_exhausted
from tracker.ingest.merge import find_scheme, scheme_names, subject_title
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.tagging import Tagger, tag_scheme
from tracker.models import Event, EventKind, Publication, Scheme, SchemeOverride, Window

logger = logging.getLogger(__name__)


@dataclass
class StoreOutcome:
    scheme: Scheme
    publication: Publication
    scheme_new: bool = False
    windows_new: int = 0
    events: list[Event] = field(default_factory=list)


def slugify(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "regeling"


def unique_slug(session: Session, title: str) -> str:
    base = slugify(title)
    slug, n = base, 1
    while session.exec(select(Scheme.id).where(Scheme.slug == slug)).first() is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def window_state(window: Window) -> dict[str, str | None]:
    return {
        "opens_at": window.opens_at.isoformat() if window.opens_at else None,
        "closes_at": window.closes_at.isoformat() if window.closes_at else None,
        "budget_eur": str(window.budget_eur) if window.budget_eur is not None else None,
    }


def _digest(state: dict[str, str | None]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]


def store_scheme(
    session: Session,
    source_id: str,
    data: SchemeData,
    now: datetime,
    *,
    baseline: bool,
    tagger: Tagger | None = None,
) -> StoreOutcome:
    """Upsert one publication, its scheme and windows; emit the resulting events."""
    pub = session.exec(
        select(Publication).where(Publication.source_id == source_id, Publication.key == data.key)
    ).first()
    outcome: StoreOutcome
    if pub is None:
        scheme, reason = find_scheme(session, data)
        created = scheme is None
        if scheme is None:
            title = subject_title(data)
            scheme = Scheme(slug=unique_slug(session, title), title=title)
            scheme.created_at = now
            reason = "aangemaakt"
        pub = Publication(source_id=source_id, key=data.key, scheme_id=0, merge_reason=reason)
        _apply_scheme(scheme, data, primary=created, tagger=tagger)
        session.add(scheme)
        session.flush()
        assert scheme.id is not None
        pub.scheme_id = scheme.id
        pub.first_seen_at = now
        outcome = StoreOutcome(scheme, pub, scheme_new=created)
        if created:
            _add(
                outcome,
                session,
                EventKind.SCHEME_NEW,
                f"scheme_new:{scheme.id}",
                now,
                baseline,
                source_id,
                after={"title": scheme.title},
            )
    else:
        scheme = _live_scheme(session, pub.scheme_id)
        _apply_scheme(scheme, data, primary=pub.merge_reason == "aangemaakt", tagger=tagger)
        outcome = StoreOutcome(scheme, pub)
    pub.title, pub.url, pub.publisher = data.title, data.url, data.publisher
    pub.published_on = data.published_on
    pub.last_seen_at = now
    pub.missing_runs = 0
    pub.content_hash = data.content_hash()
    scheme.updated_at = now
    if (override := session.get(SchemeOverride, scheme.id)) is not None:
        # staff-set labels win over scrapes until staff release them (tracker.staff.corrections)
        scheme.themes = list(override.themes) if override.themes is not None else scheme.themes
        scheme.regions = list(override.regions) if override.regions is not None else scheme.regions
    if scheme.removed_at is not None:
        scheme.removed_at = None
    session.add(pub)
    session.flush()
    _store_windows(session, outcome, source_id, data, now, baseline)
    _detect_budget_exhausted(session, outcome, source_id, data, now, baseline)
    return outcome


def _detect_budget_exhausted(
    session: Session,
    outcome: StoreOutcome,
    source_id: str,
    data: SchemeData,
    now: datetime,
    baseline: bool,
) -> None:
    """Flag windows closed early by a "subsidieplafond bereikt" statement.

    A scheme-level statement only counts in a publication that is new and recent, so last
    year's announcement cannot close this year's window.
    """
    windows = session.exec(select(Window).where(Window.scheme_id == outcome.scheme.id)).all()
    recent = data.published_on is None or (now.date() - data.published_on).days <= 60
    news = outcome.publication.first_seen_at == now and recent
    hit = exhausted_windows(windows, (data.title, data.summary) if news else (), now)
    outcome.events += mark_budget_exhausted(
        session, outcome.scheme, hit, now, baseline=baseline, source_id=source_id
    )


def _live_scheme(session: Session, scheme_id: int) -> Scheme:
    """Follow staff merges to the scheme that survives."""
    scheme = session.get(Scheme, scheme_id)
    assert scheme is not None
    seen = {scheme.id}
    while scheme.merged_into_id is not None and scheme.merged_into_id not in seen:
        target = session.get(Scheme, scheme.merged_into_id)
        if target is None:
            break
        scheme = target
        seen.add(scheme.id)
    return scheme


def _apply_scheme(
    scheme: Scheme, data: SchemeData, *, primary: bool, tagger: Tagger | None = None
) -> None:
    if primary:
        scheme.title = subject_title(data)
        scheme.publisher = data.publisher or scheme.publisher
        scheme.url = data.url or scheme.url
        scheme.summary = data.summary or scheme.summary
        scheme.level = data.level
    elif not scheme.url:
        scheme.url = data.url
    scheme.regions = sorted(set(scheme.regions) | set(data.regions))
    scheme.identifiers = sorted(set(scheme.identifiers) | set(data.identifiers))
    scheme.aliases = sorted(set(scheme.aliases) | scheme_names(data))
    if data.themes:
        scheme.themes = sorted(set(scheme.themes) | set(data.themes))
    if tagger is not None:
        texts = [data.title, data.summary, *data.cited_titles, *(w.snippet for w in data.windows)]
        tag_scheme(scheme, tagger, texts)


def _store_windows(
    session: Session,
    outcome: StoreOutcome,
    source_id: str,
    data: SchemeData,
    now: datetime,
    baseline: bool,
) -> None:
    scheme, pub = outcome.scheme, outcome.publication
    existing = session.exec(
        select(Window).where(Window.publication_id == pub.id).order_by(Window.ordinal)  # type: ignore[arg-type]
    ).all()
    others = session.exec(
        select(Window).where(Window.scheme_id == scheme.id, Window.publication_id != pub.id)
    ).all()
    taken = {(w.opens_at, w.closes_at) for w in others if not w.withdrawn}
    matched = match_windows(list(existing), list(data.windows))
    next_ordinal = max((w.ordinal for w in existing), default=-1) + 1
    for index, wd in enumerate(data.windows):
        window = matched.get(index)
        if window is None:
            ordinal = next_ordinal
            next_ordinal += 1
            if (wd.opens_at, wd.closes_at) in taken:
                continue  # the same window, already known from another publication
            window = Window(scheme_id=scheme.id or 0, publication_id=pub.id, ordinal=ordinal)
            _apply_window(window, wd, source_id, pub.url, now)
            window.created_at = now
            session.add(window)
            session.flush()
            outcome.windows_new += 1
            if window.opens_at or window.closes_at or window.precision != "day":
                _add(
                    outcome,
                    session,
                    EventKind.WINDOW_ANNOUNCED,
                    f"window_announced:{window.id}",
                    now,
                    baseline,
                    source_id,
                    window=window,
                    after=window_state(window),
                )
            continue
        if window.staff_locked:
            continue
        before = window_state(window)
        if before != wd.fingerprint():
            _apply_window(window, wd, source_id, pub.url, now)
            after = window_state(window)
            key = f"window_changed:{window.id}:{_digest(before)}:{_digest(after)}"
            _add(
                outcome,
                session,
                EventKind.WINDOW_CHANGED,
                key,
                now,
                baseline,
                source_id,
                window=window,
                before=before,
                after=after,
            )
        else:
            window.snippet, window.confidence = wd.snippet, wd.confidence
        session.add(window)


def match_windows(existing: list[Window], found: list[WindowData]) -> dict[int, Window]:
    """Pair newly found windows with stored ones of the same publication.

    Exact spans first, then a shared opening or closing moment (a moved deadline), then the
    position in the text; what stays unpaired is new. Matching by position alone would turn
    one inserted tijdvak into a cascade of false "changed" alerts.
    """
    pairs: dict[int, Window] = {}
    free = list(existing)
    rules = (
        lambda w, d: (w.opens_at, w.closes_at) == (d.opens_at, d.closes_at),
        lambda w, d: (
            (w.opens_at is not None and w.opens_at == d.opens_at)
            or (w.closes_at is not None and w.closes_at == d.closes_at)
        ),
    )
    for rule in rules:
        for index, wd in enumerate(found):
            if index in pairs:
                continue
            hit = next((w for w in free if rule(w, wd)), None)
            if hit is not None:
                pairs[index] = hit
                free.remove(hit)
    for index, _wd in enumerate(found):
        if index not in pairs and free and len(found) == len(existing):
            pairs[index] = free.pop(0)
    return pairs


def _apply_window(window: Window, wd: WindowData, source_id: str, url: str, now: datetime) -> None:
    window.opens_at, window.closes_at = wd.opens_at, wd.closes_at
    window.opens_has_time, window.closes_has_time = wd.opens_has_time, wd.closes_has_time
    window.precision = wd.precision
    window.budget_eur = wd.budget_eur
    window.snippet, window.confidence = wd.snippet, wd.confidence
    window.status_text = wd.status_text
    window.source_id, window.url = source_id, url
    window.updated_at = now


def _add(
    outcome: StoreOutcome,
    session: Session,
    kind: EventKind,
    key: str,
    now: datetime,
    baseline: bool,
    source_id: str,
    *,
    window: Window | None = None,
    before: dict[str, str | None] | None = None,
    after: dict[str, str | None] | None = None,
) -> None:
    event = emit_event(
        session,
        kind=kind,
        scheme=outcome.scheme,
        dedupe_key=key,
        now=now,
        window=window,
        before=before,
        after=after,
        baseline=baseline,
        source_id=source_id,
    )
    if event is not None:
        outcome.events.append(event)
