"""Store normalised publications as schemes and windows, and return what changed.

Runs inside the source run's transaction. It writes rows only: what is news is decided by
``tracker.detect`` and recorded by the caller through ``tracker.alerts.events`` (this module
imports nothing from the alert side). It never deletes: a changed or shrinking source can add
and update, but windows and schemes only disappear through the removal rule in the pipeline.
Every window belongs to its publication, so two publications with the same dates keep a
window each. Staff-locked windows are never overwritten by a scrape.

A scheme is named by its short name (``scheme_title``: the citeertitel or regulation name the
source gives), never by a Staatscourant heading or a page title with its site suffix; the
publication keeps its full title.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from scrapers._names import is_poor_name, name_from_heading
from tracker import detect
from tracker.detect import Change, WindowState
from tracker.ingest.merge import (
    find_scheme,
    index_publication,
    live_scheme,
    propose_merge,
    scheme_names,
    subject_title,
)
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.tagging import Tagger, tag_scheme
from tracker.models import MergeReason, Publication, Scheme, SchemeOverride, Window

logger = logging.getLogger(__name__)

# a scheme-level "plafond bereikt" counts only in a publication this recent
EXHAUSTED_NEWS_DAYS = 60


@dataclass
class StoreOutcome:
    scheme: Scheme
    publication: Publication
    scheme_new: bool = False
    publication_new: bool = False
    windows_new: int = 0
    changes: list[Change] = field(default_factory=list)
    # the publication's windows this store wrote or matched
    windows: list[Window] = field(default_factory=list)


def slugify(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "regeling"


def scheme_title(data: SchemeData) -> str:
    """The scheme's name as one publication gives it.

    The short name the source states or derives (``SchemeData.name``), else the regulation the
    publication claims as its subject, else its title without heading parts and page suffixes.
    """
    if data.name:
        return data.name
    subject = subject_title(data)
    if subject != data.title:
        return subject
    return name_from_heading(data.title) or data.title


def _better_title(current: str, offered: str, *, primary: bool) -> bool:
    """Whether ``offered`` should replace the scheme's ``current`` title.

    The publication that created the scheme names it, unless it only offers a heading where
    the scheme already has a real name; another publication replaces a heading or a suffixed
    page title with a real name, and nothing else. Staff cannot set a scheme title (there is
    no title in ``SchemeOverride``), so no staff choice is overwritten here.
    """
    if offered == current or not offered:
        return False
    if primary:
        return not is_poor_name(offered) or is_poor_name(current)
    return is_poor_name(current) and not is_poor_name(offered)


def unique_slug(session: Session, title: str) -> str:
    base = slugify(title)
    slug, n = base, 1
    while session.exec(select(Scheme.id).where(Scheme.slug == slug)).first() is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def store_scheme(
    session: Session,
    source_id: str,
    data: SchemeData,
    now: datetime,
    *,
    tagger: Tagger | None = None,
) -> StoreOutcome:
    """Upsert one publication, its scheme and windows; return the outcome and its changes.

    Flushes happen where ids are needed (a new scheme, a new publication, new windows) and
    once at the end, not before every query: what is pending when it starts is flushed first,
    and nothing it reads depends on rows it wrote before the last flush.
    """
    session.flush()
    with session.no_autoflush:
        outcome = _store(session, source_id, data, now, tagger)
    session.flush()
    return outcome


def _store(
    session: Session, source_id: str, data: SchemeData, now: datetime, tagger: Tagger | None
) -> StoreOutcome:
    pub = session.exec(
        select(Publication).where(Publication.source_id == source_id, Publication.key == data.key)
    ).first()
    if pub is None:
        outcome = _new_publication(session, source_id, data, now, tagger)
        pub = outcome.publication
    else:
        scheme = live_scheme(session, pub.scheme_id)
        primary = pub.merge_kind in (MergeReason.CREATED, MergeReason.DETACHED)
        named = scheme.title
        _apply_scheme(scheme, data, primary=primary, tagger=tagger)
        outcome = StoreOutcome(scheme, pub)
        if (renamed := detect.scheme_renamed(scheme, named)) is not None:
            outcome.changes.append(renamed)
    scheme = outcome.scheme
    content_hash = data.content_hash()
    changed_text = pub.content_hash != content_hash
    pub.title, pub.url, pub.publisher = data.title, data.url, data.publisher
    pub.published_on = data.published_on
    pub.last_seen_at = now
    pub.missing_runs = 0
    pub.content_hash = content_hash
    scheme.updated_at = now
    # a scheme made just now has no staff override yet
    override = None if outcome.scheme_new else session.get(SchemeOverride, scheme.id)
    if override is not None:
        # staff-set labels win over scrapes until staff release them (tracker.staff.corrections)
        scheme.themes = list(override.themes) if override.themes is not None else scheme.themes
        scheme.regions = list(override.regions) if override.regions is not None else scheme.regions
    if scheme.removed_at is not None:
        scheme.removed_at = None
    session.add(pub)
    if outcome.publication_new:
        session.flush()  # its id, for its keys and windows
    if changed_text:
        index_publication(session, pub, data, fresh=outcome.publication_new)
    _store_windows(session, outcome, source_id, data, now)
    _mark_budget_exhausted(session, outcome, data, now)
    return outcome


def _new_publication(
    session: Session, source_id: str, data: SchemeData, now: datetime, tagger: Tagger | None
) -> StoreOutcome:
    match = find_scheme(session, source_id, data)
    scheme = match.scheme
    created = scheme is None
    named = scheme.title if scheme is not None else ""
    if scheme is None:
        title = scheme_title(data)
        scheme = Scheme(slug=unique_slug(session, title), title=title, created_at=now,
                        updated_at=now)  # fmt: skip
    _apply_scheme(scheme, data, primary=created, tagger=tagger)
    session.add(scheme)
    session.flush()
    assert scheme.id is not None
    pub = Publication(source_id=source_id, key=data.key, scheme_id=scheme.id,
                      merge_kind=match.kind, merge_reason=match.reason,
                      first_seen_at=now)  # fmt: skip
    outcome = StoreOutcome(scheme, pub, scheme_new=created, publication_new=True)
    if created:
        outcome.changes.append(detect.scheme_new(scheme))
        if propose_merge(session, scheme, match, now) is not None:
            logger.info("%s: merge proposed: %s", data.key, match.proposal_reason)
    elif (renamed := detect.scheme_renamed(scheme, named)) is not None:
        outcome.changes.append(renamed)  # a new publication gave the scheme a real name
    return outcome


def _mark_budget_exhausted(
    session: Session, outcome: StoreOutcome, data: SchemeData, now: datetime
) -> None:
    """Flag windows closed early by a "subsidieplafond bereikt" statement.

    A scheme-level statement only counts in a publication that is new and recent, so last
    year's announcement cannot close this year's window.
    """
    if outcome.scheme_new:
        windows = list(outcome.windows)  # a scheme made just now has this publication's only
    else:
        windows = list(session.exec(select(Window).where(Window.scheme_id == outcome.scheme.id)))
    recent = data.published_on is None or (
        (now.date() - data.published_on).days <= EXHAUSTED_NEWS_DAYS
    )
    news = outcome.publication.first_seen_at == now and recent
    texts = (data.title, data.summary) if news else ()
    for window in detect.exhausted_windows(windows, texts, now):
        if not window.budget_exhausted:
            window.budget_exhausted = True
            window.updated_at = now
            session.add(window)
    # one alert per span: a window stated by two publications is flagged twice, told once
    for window in detect.distinct_windows(windows):
        if (change := detect.budget_exhausted(window, now)) is not None:
            outcome.changes.append(change)


def _apply_scheme(
    scheme: Scheme, data: SchemeData, *, primary: bool, tagger: Tagger | None = None
) -> None:
    if _better_title(scheme.title, offered := scheme_title(data), primary=primary):
        scheme.title = offered
    if primary:
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
    session: Session, outcome: StoreOutcome, source_id: str, data: SchemeData, now: datetime
) -> None:
    scheme, pub = outcome.scheme, outcome.publication
    # a publication made just now has no windows yet, a scheme made just now no other ones
    existing: list[Window] = []
    if not outcome.publication_new:
        existing = list(
            session.exec(
                select(Window).where(Window.publication_id == pub.id).order_by(Window.ordinal)  # type: ignore[arg-type]
            )
        )
    others: list[Window] = []
    if not outcome.scheme_new:
        others = list(
            session.exec(
                select(Window).where(Window.scheme_id == scheme.id, Window.publication_id != pub.id)
            )
        )
    matched = match_windows(existing, list(data.windows))
    next_ordinal = max((w.ordinal for w in existing), default=-1) + 1
    # changes in the order of the publication's windows; a new window's waits for its id
    found: list[Change | Window | None] = []
    for index, wd in enumerate(data.windows):
        window = matched.get(index)
        if window is None:
            window = Window(scheme_id=scheme.id or 0, publication_id=pub.id, ordinal=next_ordinal)
            next_ordinal += 1
            _apply_window(window, wd, source_id, pub.url, now)
            window.created_at = now
            session.add(window)
            outcome.windows.append(window)
            outcome.windows_new += 1
            found.append(window)
            continue
        outcome.windows.append(window)
        if window.staff_locked:
            continue
        before, after = WindowState.of(window), WindowState.of(wd)
        if before != after:
            _apply_window(window, wd, source_id, pub.url, now)
            found.append(detect.window_changed(window, before, after, now, others))
        else:
            # same meaning: keep the stored values, refresh only the provenance text
            window.snippet, window.confidence = wd.snippet, wd.confidence
            window.status_text = wd.status_text
        session.add(window)
    if outcome.windows_new:
        session.flush()  # the new windows' ids, which their changes carry
    for item in found:
        change = detect.window_announced(item, now, others) if isinstance(item, Window) else item
        if change is not None:
            outcome.changes.append(change)


def match_windows(existing: list[Window], found: list[WindowData]) -> dict[int, Window]:
    """Pair newly found windows with stored ones of the same publication.

    Exact spans first, then a shared opening or closing moment (a moved deadline), then the
    position in the text; what stays unpaired is new. Matching by position alone would turn
    one inserted tijdvak into a cascade of false "changed" alerts.
    """
    pairs: dict[int, Window] = {}
    free = list(existing)
    states = {id(w): WindowState.of(w) for w in existing}
    wanted = [WindowState.of(d) for d in found]
    rules = (
        lambda w, d: (w.opens_at, w.closes_at) == (d.opens_at, d.closes_at),
        lambda w, d: (
            (w.opens_at is not None and w.opens_at == d.opens_at)
            or (w.closes_at is not None and w.closes_at == d.closes_at)
        ),
    )
    for rule in rules:
        for index, state in enumerate(wanted):
            if index in pairs:
                continue
            hit = next((w for w in free if rule(states[id(w)], state)), None)
            if hit is not None:
                pairs[index] = hit
                free.remove(hit)
    for index in range(len(found)):
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
