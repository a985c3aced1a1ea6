"""Scheme rows kept per database while the data generation stands still and no window opens
or closes.

Building the rows (every visible scheme with its windows and derived status) is the costly part
of the public list, the staff list and the JSON API at ten thousand schemes (about a second);
filtering, sorting and paging the built rows is cheap. A derived status changes only when the
clock passes a window's opening or closing moment, so a result carries the first such moment
after the clock it was built for (``Built.until``) and is reused until then: an idle server
does not rebuild every minute, and the first request of a quiet morning is as fast as the
next (issue 14). Rows are rebuilt when any Session changed schemes, windows, events or
publications (``tracker.generation``). Once a moment has passed, requests within the next
minute get the previous result while a background thread builds the new one, so a status
lags the clock by at most a minute plus one build; later than that, the request builds.

``RowWarmer`` runs in a web process: at start it builds what the first pages need, then it
watches the generation and builds the results requests used once a scrape's writes have
settled, so neither the first visitor after a restart nor the first staff request after a
scrape pays for a build. The rows are shared read-only.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker import generation
from tracker.pause import pause

logger = logging.getLogger(__name__)

# After a window moment passed: how long the previous result is still served while the new
# one is built in the background (the lag a status may have behind the clock).
LAG = timedelta(minutes=1)
# A result older than this (by the requests' clock) is rebuilt in the background even when
# nothing announced a change: bounds what a write that bypassed the generation leaves stale.
REFRESH = timedelta(minutes=10)
# RowWarmer builds only what requests asked for within this long (monotonic seconds).
WARM_KEPT_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class Built:
    """A built result and the first moment at which the clock may change it (None: never)."""

    value: Any
    until: datetime | None


Build = Callable[[Session, datetime], Built]


@dataclass(frozen=True)
class _Entry:
    generation: int
    at: datetime  # the clock it was built for
    until: datetime | None
    value: Any

    def fresh(self, gen: int, now: datetime) -> bool:
        return (
            self.generation == gen and self.at <= now and (self.until is None or now < self.until)
        )


@dataclass
class _Use:
    build: Build
    last_used: float  # time.monotonic()


_lock = threading.Lock()
_in_build = threading.local()  # .depth: builds running in this thread (one may use another)
_building: dict[tuple[int, Any], threading.Lock] = {}
_caches: weakref.WeakKeyDictionary[Engine, dict[Any, _Entry]] = weakref.WeakKeyDictionary()
_uses: weakref.WeakKeyDictionary[Engine, dict[Any, _Use]] = weakref.WeakKeyDictionary()


def cached(session: Session, now: datetime, key: Any, build: Build) -> Any:
    """``build(session, now)``'s value for this database and ``key`` while it holds.

    When the data changed (a new generation), the clock went back, or a window moment passed
    more than ``LAG`` ago, the first request builds and the others wait for it. Within
    ``LAG`` of a passed moment, or when the result is older than ``REFRESH``, every request
    gets the previous result at once and a background thread builds the new one.
    """
    engine = _engine_of(session)
    if engine is None:
        return build(session, now).value
    gen = generation.current(session.connection())
    with _lock:
        store = _caches.setdefault(engine, {})
        hit = store.get(key)
        building = _building.setdefault((id(engine), key), threading.Lock())
        _uses.setdefault(engine, {})[key] = _Use(build, time.monotonic())
    # a build that uses another result (sorted rows use the rows) must not get a stale one:
    # it would be kept as current for ``now``
    nested = getattr(_in_build, "depth", 0) > 0

    def usable(entry: _Entry | None) -> bool:
        return (
            entry is not None and entry.fresh(gen, now) and (not nested or now - entry.at < REFRESH)
        )

    if hit is not None and usable(hit):
        if now - hit.at >= REFRESH:
            _refresh_behind(engine, store, key, gen, now, build, building)
        return hit.value
    just_passed = (
        hit is not None
        and hit.generation == gen
        and hit.at <= now
        and hit.until is not None
        and now - hit.until < LAG
    )
    if hit is not None and just_passed and not nested:
        _refresh_behind(engine, store, key, gen, now, build, building)
        return hit.value
    with building:
        with _lock:
            hit = store.get(key)
        if hit is not None and usable(hit):
            return hit.value
        built = _run(build, session, now)
        with _lock:
            store[key] = _Entry(gen, now, built.until, built.value)
        return built.value


def _run(build: Build, session: Session, now: datetime) -> Built:
    _in_build.depth = getattr(_in_build, "depth", 0) + 1
    try:
        with _collector_paused():
            return build(session, now)
    finally:
        _in_build.depth -= 1


_paused = 0
_paused_lock = threading.Lock()
_was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while rows are built (any thread; on again after the
    last). A build makes tens of thousands of ORM objects, which set off full collections over
    everything the server holds, the previous rows included: at 10,000 schemes they were more
    than half of a build's second (1.05-1.25 s with, 0.43-0.48 s without). Whatever cyclic
    garbage a build leaves is collected once the collector is back on."""
    global _paused, _was_enabled
    with _paused_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def _engine_of(session: Session) -> Engine | None:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)
    return engine if isinstance(engine, Engine) else None


def _refresh_behind(
    engine: Engine,
    store: dict[Any, _Entry],
    key: Any,
    gen: int,
    now: datetime,
    build: Build,
    building: threading.Lock,
) -> None:
    """Build off the request path in a thread of its own, unless a build of ``key`` is
    running (``building`` is then held); when it fails the previous result stays and the next
    request tries again."""
    if not building.acquire(blocking=False):
        return

    def refresh() -> None:
        try:
            _build_and_keep(engine, store, key, gen, now, build)
        except Exception:
            logger.exception("refreshing cached rows failed")
        finally:
            building.release()

    threading.Thread(target=refresh, daemon=True).start()


def _build_and_keep(
    engine: Engine, store: dict[Any, _Entry], key: Any, gen: int, now: datetime, build: Build
) -> None:
    """Build with a session of its own and keep the result unless a newer one came first."""
    with Session(engine, expire_on_commit=False) as session:
        built = _run(build, session, now)
    with _lock:
        current = store.get(key)
        if current is None or current.generation <= gen:
            store[key] = _Entry(gen, now, built.until, built.value)


def warm(engine: Engine, now: datetime) -> list[Any]:
    """Build, for the current generation, every result requests used within
    ``WARM_KEPT_SECONDS`` that is not current, most recently used first; the keys built. A
    request meanwhile waits for the build of its key instead of building it again."""
    gen = generation.current(engine)
    recent = time.monotonic() - WARM_KEPT_SECONDS
    with _lock:
        store = _caches.setdefault(engine, {})
        uses = sorted(_uses.get(engine, {}).items(), key=lambda kv: -kv[1].last_used)
        wanted = [(k, u.build) for k, u in uses if u.last_used >= recent]
    done: list[Any] = []
    for key, build in wanted:
        with _lock:
            building = _building.setdefault((id(engine), key), threading.Lock())
        with building:
            with _lock:
                hit = store.get(key)
            if hit is not None and hit.fresh(gen, now):
                continue
            _build_and_keep(engine, store, key, gen, now, build)
            done.append(key)
    return done


class RowWarmer:
    """Polls the data generation every ``interval`` seconds in a daemon thread; once it has
    changed and then held still for one interval (a scrape commits many times), it builds
    what requests used (``warm``). One per web process; ``stop`` ends it."""

    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime],
        interval: float = 1.0,
        prime: Callable[[Session, datetime], object] | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.interval = interval
        self.prime = prime  # run once at start: what the first requests will want
        self.primed = threading.Event()
        self.warmed: list[tuple[int, list[Any]]] = []  # (generation, keys): what was built
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="row-warmer", daemon=True)

    def start(self) -> RowWarmer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        seen: int | None = None
        warmed: int | None = None
        if self.prime is not None:
            try:
                with Session(self.engine, expire_on_commit=False) as session:
                    self.prime(session, self.clock())
            except Exception:  # requests build what they need
                logger.exception("building the first lists failed")
        self.primed.set()
        while pause(self._stop, self.interval):
            try:
                gen = generation.current(self.engine)
                if gen == seen and gen != warmed:
                    keys = warm(self.engine, self.clock())
                    warmed = gen
                    self.warmed.append((gen, keys))
                seen = gen
            except Exception:  # a database hiccup: requests still build what they need
                logger.exception("warming cached rows failed")
