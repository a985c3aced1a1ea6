"""Window changes from a scrape or a staff edit: announced, changed, corrected; and the one
rule of which windows are one application period (``same_period``, ``periods``), shared by
the read side (``tracker.read.queries.shown_windows``), tick, announcements and review.

Pure functions of stored state, new state and the clock. A window that closed before ``now``
is history: it is stored, but never announced, and moving its dates is no news either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tracker.detect.change import Change, WindowState
from tracker.models import EventKind, Window
from tracker.read.timefmt import AMSTERDAM


def window_announced(window: Window, now: datetime, others: Iterable[Window] = ()) -> Change | None:
    """A window seen for the first time, unless it is undated, already over, or known.

    ``others`` are the scheme's other windows: a period another window states as fully (the
    same span, or a full window whose bound this half window repeats: ``same_period``) was
    announced with that window.
    """
    state = WindowState.of(window)
    undated = state.opens_at is None and state.closes_at is None and state.precision == "day"
    if undated or state.ended_before(now) or _stated_elsewhere(window, others):
        return None
    return Change(EventKind.WINDOW_ANNOUNCED, window.scheme_id, window.id, after=state.as_json())


def window_changed(
    window: Window,
    before: WindowState,
    after: WindowState,
    now: datetime,
    others: Iterable[Window] = (),
    since: datetime | None = None,
) -> Change | None:
    """A scraped window whose meaning changed (the same change twice is one event).

    ``since`` is when the stored meaning (``before``) was set: the window's ``updated_at``
    before this change. It is part of the key, so storing the same change again (a retry, a
    second process) is one event, but a change made again after it was undone (deadline moved
    to 15 March, back to 1 March, then to 15 March again) is news each time: a stakeholder's
    last alert must not say 1 March while the source says 15 March.

    When another window of the scheme already states the new period (``_stated_elsewhere``),
    that news was told with it (two pages moving the same deadline are one alert).
    """
    if before == after or (before.ended_before(now) and after.ended_before(now)):
        return None
    if _stated_elsewhere(window, others, after):
        return None
    occurrence = f"{before.digest()}:{after.digest()}"
    if since is not None:
        occurrence += f":{since.astimezone(UTC) if since.tzinfo else since:%Y%m%dT%H%M%S%f}"
    return Change(EventKind.WINDOW_CHANGED, window.scheme_id, window.id, occurrence,
                  before=before.as_json(), after=after.as_json())  # fmt: skip


def _stated_elsewhere(
    window: Window, others: Iterable[Window], state: WindowState | None = None
) -> bool:
    """True when another live window of the scheme states this (dated) period at least as
    fully: the same span, or a full window of which this one is a half (``same_period``).

    ``state`` is the window's new meaning when it differs from the stored row (a scrape).
    """
    mine = _Dates.of(window, state)
    if mine.undated:
        return False
    for other in others:
        if other.id == window.id or other.withdrawn or other.scheme_id != window.scheme_id:
            continue
        theirs = _Dates.of(other)
        if mine.same_period(theirs) and theirs.known >= mine.known:
            return True
    return False


def window_corrected(
    window: Window, before: WindowState, after: WindowState, now: datetime
) -> Change | None:
    """A staff correction: every correction that changes the meaning is its own event."""
    if before == after:
        return None
    occurrence = f"staff:{now:%Y%m%dT%H%M%S%f}"
    return Change(EventKind.WINDOW_CHANGED, window.scheme_id, window.id, occurrence,
                  before=before.as_json(), after=after.as_json())  # fmt: skip


@dataclass(frozen=True)
class _Bound:
    """An opening or closing moment (UTC, whole seconds) and whether the source gave a time."""

    moment: datetime
    timed: bool

    def same(self, other: _Bound) -> bool:
        """The same moment; when either is date-only, the same local day (a deadline of
        '15 februari 17:00' and one of '15 februari', stored at 23:59:59, are one)."""
        if self.timed and other.timed:
            return self.moment == other.moment
        return _local_day(self.moment) == _local_day(other.moment)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


@dataclass(frozen=True)
class _Dates:
    """The dates of a window, as ``same_period`` compares them."""

    scheme_id: int
    opens: _Bound | None
    closes: _Bound | None

    @classmethod
    def of(cls, window: Window, state: WindowState | None = None) -> _Dates:
        state = state or WindowState.of(window)
        opens = _Bound(state.opens_at, window.opens_has_time) if state.opens_at else None
        closes = _Bound(state.closes_at, window.closes_has_time) if state.closes_at else None
        return cls(window.scheme_id, opens, closes)

    @property
    def known(self) -> int:
        """How many of the two bounds are known: 2 full, 1 half, 0 undated."""
        return (self.opens is not None) + (self.closes is not None)

    @property
    def timed(self) -> int:
        """How many of the known bounds give a time."""
        return sum(bound.timed for bound in (self.opens, self.closes) if bound is not None)

    @property
    def undated(self) -> bool:
        return self.known == 0

    @property
    def span(self) -> tuple[datetime | None, datetime | None]:
        return (
            self.opens.moment if self.opens else None,
            self.closes.moment if self.closes else None,
        )

    def same_period(self, other: _Dates) -> bool:
        if self.scheme_id != other.scheme_id or self.undated or other.undated:
            return False
        if self.span == other.span:
            return True
        if self.known == other.known:
            # the same bounds, a bound that gives no time on the day of one that does
            # ('1 maart – 31 maart' beside '1 maart 9.00 – 31 maart 17.00 uur')
            pairs = ((self.opens, other.opens), (self.closes, other.closes))
            if any((a is None) != (b is None) for a, b in pairs):
                return False  # an opening-only and a closing-only window
            return all(a.same(b) for a, b in pairs if a is not None and b is not None)
        if {self.known, other.known} != {1, 2}:
            return False
        half, full = (self, other) if self.known == 1 else (other, self)
        if half.opens is not None and full.opens is not None:
            return half.opens.same(full.opens)
        if half.closes is not None and full.closes is not None:
            return half.closes.same(full.closes)
        return False


def same_period(a: Window, b: Window) -> bool:
    """Whether two windows of one scheme state the same application period: the one rule
    behind ``distinct_windows`` (read side, tick, budget alerts), announcements and review.

    - the same span (opening and closing moment) is one period;
    - a half window (only the opening or only the closing known) is the period of a full
      window whose corresponding bound is the same moment, or the same local day when
      either of the two gives no time ('tot en met 15 februari 2027' next to 'van 1 februari
      tot en met 15 februari 2027 17:00');
    - two full (or two half) windows are one period when each bound is the same in that
      sense: the same days, one source giving times and another not;
    - other full windows, other half windows, and undated windows are never one period.
      Withdrawn windows are not special here; callers leave them out.
    """
    return _Dates.of(a).same_period(_Dates.of(b))


@dataclass(frozen=True)
class Period:
    """One application period of a scheme as readers and alerts see it: ``shown`` is the
    window that speaks for it, ``copies`` every live window stating it (``shown`` first)."""

    shown: Window
    copies: tuple[Window, ...]


def periods(windows: Iterable[Window]) -> list[Period]:
    """The application periods of these windows (any number of schemes), by shown window id.

    Windows belong to their publication, news does not: two publications of one scheme that
    state the same period keep a window each (so neither loses it), and alerts and displays
    take one of them. A full window beats a half window of its period (it says more: the
    half copy is hidden and never alerted on its own, and status follows the full window);
    among copies of one span a staff-locked one wins, else the oldest. A half window that
    repeats a bound of two different full windows is a copy of both. Undated windows are
    each their own period. Withdrawn windows are left out.
    """
    ranked = sorted(
        (w for w in windows if not w.withdrawn),
        key=lambda w: (not w.staff_locked, w.id if w.id is not None else 0),
    )
    dates = {id(w): _Dates.of(w) for w in ranked}
    # one group per span (undated windows alone), the best-ranked copy first
    spans: dict[tuple[object, ...], list[Window]] = {}
    for window in ranked:
        mine = dates[id(window)]
        key = ("undated", id(window)) if mine.undated else (mine.scheme_id, *mine.span)
        spans.setdefault(key, []).append(window)
    groups = _same_days(list(spans.values()), dates)
    full = [g for g in groups if dates[id(g[0])].known == 2]
    shown: list[Period] = []
    halves: dict[int, list[Window]] = {id(g[0]): [] for g in full}
    for group in groups:
        head = dates[id(group[0])]
        if head.known == 1:
            owners = [f for f in full if head.same_period(dates[id(f[0])])]
            for owner in owners:
                halves[id(owner[0])] += group
            if owners:
                continue
        shown.append(Period(group[0], tuple(group)))
    result = [Period(p.shown, p.copies + tuple(halves.get(id(p.shown), ()))) for p in shown]
    return sorted(result, key=lambda p: p.shown.id if p.shown.id is not None else 0)


def _same_days(groups: list[list[Window]], dates: dict[int, _Dates]) -> list[list[Window]]:
    """Span groups of one scheme stating the same days, one giving times and another not,
    joined (``same_period``); the copy that gives the most times speaks for them, unless
    staff locked another. Undated windows stay alone."""
    joined: dict[int, list[list[Window]]] = {}
    out: list[list[Window]] = []
    for group in groups:
        head = dates[id(group[0])]
        mine = joined.setdefault(head.scheme_id, [])
        home = next(
            (g for g in mine if head.known and dates[id(g[0])].known == head.known
             and dates[id(g[0])].same_period(head)),
            None,
        )  # fmt: skip
        if home is None:
            mine.append(group)
            out.append(group)
        else:
            home.extend(group)
    for group in out:
        group.sort(key=lambda w: (not w.staff_locked, -dates[id(w)].timed, w.id or 0))
    return out


def distinct_windows(windows: Iterable[Window]) -> list[Window]:
    """One window per period (``periods``): what alerts and displays take, by id."""
    listed = list(windows)
    if len(listed) == 1:  # most schemes: one window is its own period (the list at scale)
        return [] if listed[0].withdrawn else listed
    return [period.shown for period in periods(listed)]
