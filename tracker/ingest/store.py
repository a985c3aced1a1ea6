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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlmodel import Session, SQLModel, select

from scrapers._names import is_poor_name, name_from_heading
from tracker import detect, generation
from tracker.detect import Change, WindowState
from tracker.ingest.merge import (
    Match,
    find_scheme,
    index_publication,
    insert_keys,
    live_scheme,
    propose_merge,
    scheme_names,
    subject_title,
)
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.tagging import Tagger, tag_scheme
from tracker.models import (
    Event,
    MergeProposal,
    MergeReason,
    Publication,
    Scheme,
    SchemeKey,
    SchemeOverride,
    Window,
)

logger = logging.getLogger(__name__)

# a scheme-level "plafond bereikt" counts only in a publication this recent
EXHAUSTED_NEWS_DAYS = 60


@dataclass
class StoreOutcome:
    """What one store did. ``scheme``, ``publication`` and ``windows`` are read from the
    session on first use when the store wrote them as plain rows (a new publication: the
    pipeline never asks for them, issue 14)."""

    session: Session
    scheme_id: int
    publication_id: int
    scheme_new: bool = False
    publication_new: bool = False
    windows_new: int = 0
    changes: list[Change] = field(default_factory=list)
    # the publication's windows this store wrote or matched, by id
    window_ids: list[int] = field(default_factory=list)
    _scheme: Scheme | None = None
    _publication: Publication | None = None
    _windows: list[Window] | None = None

    @property
    def scheme(self) -> Scheme:
        if self._scheme is None:
            self._scheme = self.session.get_one(Scheme, self.scheme_id)
        return self._scheme

    @property
    def publication(self) -> Publication:
        if self._publication is None:
            self._publication = self.session.get_one(Publication, self.publication_id)
        return self._publication

    @property
    def windows(self) -> list[Window]:
        if self._windows is None:
            self._windows = [self.session.get_one(Window, i) for i in self.window_ids]
        return self._windows


class _Columns:
    """A row about to be inserted, as attributes: what ``_apply_scheme``, ``_apply_window``
    and ``tracker.detect`` read and set on a ``Scheme`` or ``Window``, without building an ORM
    object (its construction and flush cost more than the whole insert, issue 14)."""

    id: int | None

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "id"}


def _defaults(model: type[SQLModel]) -> Callable[[], dict[str, Any]]:
    """The model's field defaults as one row's values (factories called per row), which an
    ORM insert would write and a plain ``INSERT`` must state."""
    fixed: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is not None:
            factories[name] = cast(Callable[[], Any], info.default_factory)
        elif info.default is not PydanticUndefined:
            fixed[name] = info.default
    return lambda: {**fixed, **{name: make() for name, make in factories.items()}}


_SCHEME_ROW = _defaults(Scheme)
_PUBLICATION_ROW = _defaults(Publication)
_WINDOW_ROW = _defaults(Window)
_SCHEMES: Any = Scheme.__table__  # type: ignore[attr-defined]
_PUBLICATIONS: Any = Publication.__table__  # type: ignore[attr-defined]
_WINDOWS: Any = Window.__table__  # type: ignore[attr-defined]
_INSERT_SCHEME = _SCHEMES.insert()
_INSERT_PUBLICATION = _PUBLICATIONS.insert()
_INSERT_WINDOW = _WINDOWS.insert()
_SLUG_TAKEN = sa.select(_SCHEMES.c.id).where(_SCHEMES.c.slug == sa.bindparam("slug"))
# the id only: a new publication (every one in a first run) then costs no ORM load set-up
_PUBLICATION_ID = sa.select(_PUBLICATIONS.c.id).where(
    _PUBLICATIONS.c.source_id == sa.bindparam("source_id"),
    _PUBLICATIONS.c.key == sa.bindparam("key"),
)


def _insert(session: Session, statement: Any, row: _Columns) -> int:
    """Insert one row without the ORM; its new id. The data generation is bumped at commit
    as for an ORM write (``tracker.generation`` only sees flushed objects)."""
    done = cast("sa.CursorResult[Any]", session.execute(statement, row.values()))
    assert done.inserted_primary_key is not None
    new_id = done.inserted_primary_key[0]
    generation.touch(session)
    row.id = int(new_id)
    return row.id


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
    while session.execute(_SLUG_TAKEN, {"slug": slug}).first() is not None:
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

    Flushes happen where ids are needed (new windows of a stored publication) and once at the
    end, not before every query: what is pending when it starts is flushed first (but changed
    rows it neither reads nor refers to), and nothing it reads depends on rows it wrote before
    the last flush. A new publication's rows are written as plain inserts.
    """
    _flush_for_reads(session)
    with session.no_autoflush:
        outcome = _store(session, source_id, data, now, tagger)
    _flush_for_reads(session)
    return outcome


# what a store reads or refers to; other pending changes (the pipeline's source row) wait for
# the next flush, instead of costing one of their own before and after every item (issue 14)
_READ = (Scheme, Publication, Window, SchemeKey, SchemeOverride, MergeProposal, Event)


def _flush_for_reads(session: Session) -> None:
    if session.new or session.deleted or any(isinstance(o, _READ) for o in session.dirty):
        session.flush()


def _store(
    session: Session, source_id: str, data: SchemeData, now: datetime, tagger: Tagger | None
) -> StoreOutcome:
    pub_id = session.execute(_PUBLICATION_ID, {"source_id": source_id, "key": data.key}).scalar()
    if pub_id is None:
        return _new_publication(session, source_id, data, now, tagger)
    pub = session.get_one(Publication, pub_id)
    scheme = live_scheme(session, pub.scheme_id)
    primary = pub.merge_kind in (MergeReason.CREATED, MergeReason.DETACHED)
    named = scheme.title
    shown = _shown(scheme)
    _apply_scheme(scheme, data, primary=primary, tagger=tagger)
    assert scheme.id is not None and pub.id is not None
    outcome = StoreOutcome(session, scheme.id, pub.id, _scheme=scheme, _publication=pub,
                           _windows=[])  # fmt: skip
    if (renamed := detect.scheme_renamed(scheme, named)) is not None:
        outcome.changes.append(renamed)
    content_hash = data.content_hash()
    changed_text = pub.content_hash != content_hash
    pub.title, pub.url, pub.publisher = data.title, data.url, data.publisher
    pub.published_on = data.published_on
    pub.last_seen_at = now
    pub.missing_runs, pub.missing_since = 0, None
    pub.content_hash = content_hash
    _refresh_scheme(session, scheme, now, shown)
    session.add(pub)
    if changed_text:
        index_publication(session, pub, data)
    _store_windows(session, outcome, source_id, data, now)
    _mark_budget_exhausted(session, outcome, data, now)
    return outcome


# what readers see of a scheme: a change to one of these is a change of the scheme
_SHOWN = ("title", "publisher", "level", "regions", "url", "summary", "themes", "doelgroepen",
          "identifiers", "removed_at")  # fmt: skip


def _shown(scheme: Scheme) -> tuple[object, ...]:
    return tuple(tuple(v) if isinstance(v := getattr(scheme, name), list) else v for name in _SHOWN)


def _refresh_scheme(
    session: Session, scheme: Scheme, now: datetime, shown: tuple[object, ...]
) -> None:
    """A stored scheme seen again: staff-set labels win, and it is no longer removed.

    ``updated_at`` moves only when what readers see changed (``shown``: as it was before this
    publication was applied): a re-scrape that finds the same scheme is no change, and feeds
    sort and cut by it."""
    override = session.get(SchemeOverride, scheme.id)
    if override is not None:
        # staff-set labels win over scrapes until staff release them (tracker.staff.corrections)
        scheme.themes = list(override.themes) if override.themes is not None else scheme.themes
        scheme.regions = list(override.regions) if override.regions is not None else scheme.regions
    if scheme.removed_at is not None:
        scheme.removed_at = None
    if _shown(scheme) != shown:
        scheme.updated_at = now
    session.add(scheme)


def _new_publication(
    session: Session, source_id: str, data: SchemeData, now: datetime, tagger: Tagger | None
) -> StoreOutcome:
    """A publication seen for the first time: its rows (and a new scheme's) are inserted as
    plain rows, in one statement each, not as ORM objects flushed one by one (issue 14)."""
    match = find_scheme(session, source_id, data)
    scheme = match.scheme
    changes: list[Change] = []
    if scheme is None:
        title = scheme_title(data)
        row = _Columns({**_SCHEME_ROW(), "slug": unique_slug(session, title), "title": title,
                        "created_at": now, "updated_at": now})  # fmt: skip
        made = cast(Scheme, row)  # read and set like a Scheme; nothing else is asked of it
        _apply_scheme(made, data, primary=True, tagger=tagger)
        scheme_id = _insert(session, _INSERT_SCHEME, row)
        changes.append(detect.scheme_new(made))
        _propose(session, made, match, now, data)
    else:
        named, shown = scheme.title, _shown(scheme)
        _apply_scheme(scheme, data, primary=False, tagger=tagger)
        if (renamed := detect.scheme_renamed(scheme, named)) is not None:
            changes.append(renamed)  # a new publication gave the scheme a real name
        _refresh_scheme(session, scheme, now, shown)
        assert scheme.id is not None
        scheme_id = scheme.id
    pub = _Columns({**_PUBLICATION_ROW(), "source_id": source_id, "key": data.key,
                    "scheme_id": scheme_id, "merge_kind": match.kind,
                    "merge_reason": match.reason, "title": data.title, "url": data.url,
                    "publisher": data.publisher, "published_on": data.published_on,
                    "content_hash": data.content_hash(), "missing_runs": 0,
                    "first_seen_at": now, "last_seen_at": now})  # fmt: skip
    pub_id = _insert(session, _INSERT_PUBLICATION, pub)
    outcome = StoreOutcome(session, scheme_id, pub_id, scheme_new=scheme is None,
                           publication_new=True, changes=changes, _scheme=scheme)  # fmt: skip
    insert_keys(session, pub_id, scheme_id, data)
    _new_windows(session, outcome, source_id, data, now)
    return outcome


def _propose(
    session: Session, scheme: Scheme, match: Match, now: datetime, data: SchemeData
) -> None:
    for proposal in propose_merge(session, scheme, match, now):
        logger.info("%s: merge proposed: %s", data.key, proposal.reason)


def _new_windows(
    session: Session, outcome: StoreOutcome, source_id: str, data: SchemeData, now: datetime
) -> None:
    """The windows of a new publication, all new; their changes."""
    # a scheme made just now has no other windows
    others: list[Window] = []
    if not outcome.scheme_new:
        others = list(session.exec(select(Window).where(Window.scheme_id == outcome.scheme_id)))
    rows: list[_Columns] = []
    for ordinal, wd in enumerate(data.windows):
        row = _Columns({**_WINDOW_ROW(), "scheme_id": outcome.scheme_id,
                        "publication_id": outcome.publication_id, "ordinal": ordinal,
                        "created_at": now})  # fmt: skip
        _apply_window(cast(Window, row), wd, source_id, data.url, now)
        rows.append(row)
    windows = [cast(Window, row) for row in rows]  # read like Windows by tracker.detect
    if outcome.scheme_new:
        # the publication's windows are the scheme's only ones: flagged before they are written
        _flag_exhausted(windows, data, now, news=_recent(data, now))
    for row in rows:
        outcome.window_ids.append(_insert(session, _INSERT_WINDOW, row))
    outcome.windows_new = len(rows)
    for window in windows:
        if (change := detect.window_announced(window, now, others)) is not None:
            outcome.changes.append(change)
    if outcome.scheme_new:
        _budget_changes(outcome, windows, now)
    else:
        _mark_budget_exhausted(session, outcome, data, now)


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
        windows = list(session.exec(select(Window).where(Window.scheme_id == outcome.scheme_id)))
    first_seen = now if outcome.publication_new else outcome.publication.first_seen_at
    for window in _flag_exhausted(
        windows, data, now, news=first_seen == now and _recent(data, now)
    ):
        session.add(window)
    _budget_changes(outcome, windows, now)


def _recent(data: SchemeData, now: datetime) -> bool:
    return data.published_on is None or (
        (now.date() - data.published_on).days <= EXHAUSTED_NEWS_DAYS
    )


def _flag_exhausted(
    windows: list[Window], data: SchemeData, now: datetime, *, news: bool
) -> list[Window]:
    """Set ``budget_exhausted`` on the windows the publication says are out of money; the
    windows set."""
    texts = (data.title, data.summary) if news else ()
    flagged = []
    for window in detect.exhausted_windows(windows, texts, now):
        if not window.budget_exhausted:
            window.budget_exhausted = True
            window.updated_at = now
            flagged.append(window)
    return flagged


def _budget_changes(outcome: StoreOutcome, windows: list[Window], now: datetime) -> None:
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
    """The windows of a stored publication: matched with what it says now, new ones added."""
    scheme, pub = outcome.scheme, outcome.publication
    existing = list(
        session.exec(
            select(Window).where(Window.publication_id == pub.id).order_by(Window.ordinal)  # type: ignore[arg-type]
        )
    )
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
            since = window.updated_at  # when the stored meaning was set: part of the key
            _apply_window(window, wd, source_id, pub.url, now)
            found.append(detect.window_changed(window, before, after, now, others, since))
        else:
            # same meaning: keep the stored values, refresh only the provenance text
            window.snippet, window.confidence = wd.snippet, wd.confidence
            window.status_text = wd.status_text
        session.add(window)
    if outcome.windows_new:
        session.flush()  # the new windows' ids, which their changes carry
    outcome.window_ids = [w.id for w in outcome.windows if w.id is not None]
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
    # a period that moved both its dates still overlaps where it was (most overlap first):
    # with a tijdvak added beside it, it was announced as new and the old one stayed on,
    # and a staff-corrected copy lost its place to the page's old dates
    for index, state in enumerate(wanted):
        if index in pairs or not free:
            continue
        best = max(free, key=lambda w: _overlap(states[id(w)], state))
        if _overlap(states[id(best)], state) > timedelta(0):
            pairs[index] = best
            free.remove(best)
    for index in range(len(found)):
        if index not in pairs and free and len(found) == len(existing):
            pairs[index] = free.pop(0)
    return pairs


def _overlap(a: WindowState, b: WindowState) -> timedelta:
    """How long two full windows overlap (zero when either lacks a bound)."""
    if a.opens_at and a.closes_at and b.opens_at and b.closes_at:
        return max(timedelta(0), min(a.closes_at, b.closes_at) - max(a.opens_at, b.opens_at))
    return timedelta(0)


def _apply_window(window: Window, wd: WindowData, source_id: str, url: str, now: datetime) -> None:
    window.opens_at, window.closes_at = wd.opens_at, wd.closes_at
    window.opens_has_time, window.closes_has_time = wd.opens_has_time, wd.closes_has_time
    window.precision = wd.precision
    window.budget_eur = wd.budget_eur
    window.snippet, window.confidence = wd.snippet, wd.confidence
    window.status_text = wd.status_text
    window.source_id, window.url = source_id, url
    window.updated_at = now
