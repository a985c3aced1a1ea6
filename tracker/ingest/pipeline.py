"""One scrape cycle: fetch → parse → normalise → store → detect, each source on its own.

Fetching and parsing of all sources run concurrently (different hosts in parallel, politeness
per host in ``tracker.ingest.fetch``). A storing thread stores each source as soon as it and
the sources before it are collected, several sources per transaction, each in its own
savepoint. A source that fails in any step records a failed ScrapeRun and changes nothing
else. Cron (``tracker scrape``), the scheduler and the dashboard's "run now" all come through
here.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

import scrapers
from scrapers.base import Page, ParseError, RawScheme, Request, Scraper, SourceContext
from tracker import detect
from tracker.config import Config
from tracker.db import scheme_merge_lock, serialise, session_scope
from tracker.errors import FetchError
from tracker.ingest import parsecache, storeproc
from tracker.ingest.fetch import CacheEntry, Fetched, Fetcher, cache_key
from tracker.ingest.lease import LeaseKeeper, acquire_leases, new_owner, record_refused
from tracker.ingest.lease import release_leases as _release
from tracker.ingest.netguard import HopGuard, origin
from tracker.ingest.overrides import apply_source_overrides
from tracker.ingest.parsecache import ParseCache, parse_page
from tracker.ingest.sourcedigest import source_digest
from tracker.ingest.upsert import upsert
from tracker.models import (
    Event,
    HttpCacheEntry,
    Publication,
    RunStatus,
    Scheme,
    ScrapeRun,
    Source,
)
from tracker.read.timefmt import local_today

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from tracker.ingest.normalise import SchemeData
    from tracker.ingest.store import StoreOutcome


# Set when the process shuts down (``tracker run`` on SIGTERM or Ctrl-C): sources being fetched
# stop and are recorded as failed runs, their leases released; sources not started are skipped.
STOPPING = threading.Event()
STOPPED = "stopped: the scheduler shut down"
# how often a fetch looks at STOPPING (seconds)
STOP_POLL = 0.1
_T = TypeVar("_T")


def stop_runs() -> None:
    """Stop every run of this process at its next look (see ``STOPPING``)."""
    STOPPING.set()


async def _unless_stopped(work: Awaitable[_T]) -> _T:
    """``work``, cancelled with a FetchError once ``STOPPING`` is set."""
    task = asyncio.ensure_future(work)
    try:
        while not task.done():
            if STOPPING.is_set():
                raise FetchError(STOPPED)
            await asyncio.wait({task}, timeout=STOP_POLL)
        return task.result()
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


# Storing, normalising and event code is imported on first use: an all-unchanged cycle never
# needs it (issue 14: ~30 ms and 1.6 MB per start). Module-level names, so tests can patch them.
def store_scheme(*args: Any, **kwargs: Any) -> StoreOutcome:
    from tracker.ingest.store import store_scheme as store

    return store(*args, **kwargs)


def record_changes(*args: Any, **kwargs: Any) -> list[Event]:
    from tracker.alerts.events import record_changes as record

    return record(*args, **kwargs)


# A run's result is its ScrapeRun row (stored as is by _record_run); ``duration`` is derived.
RunResult = ScrapeRun


@dataclass
class _Collected:
    items: list[tuple[RawScheme, str]] = field(default_factory=list)
    cache: dict[str, CacheEntry] = field(default_factory=dict)
    # cache keys answered with exactly the stored entry: only their fetched_at is refreshed
    same: set[str] = field(default_factory=set)
    requests: int = 0
    not_modified: int = 0
    unchanged: bool = False
    # items left for the next run because the soft time budget ran out before their details
    deferred: int = 0
    # the max_pages cap cut the listing short (a silent cap is a defect: the run is degraded)
    capped: int = 0
    warnings: list[str] = field(default_factory=list)
    # (requests, items) after every response: the CLI shows live progress per source
    report: Callable[[int, int], None] | None = None
    # stored parse results read and new ones to store (issue 14: unchanged pages not re-parsed)
    parses: ParseCache = field(default_factory=lambda: ParseCache(None))
    # each item normalised (or why it can't be), by the collecting process when a store
    # process stores: it balances the work of the two (tracker.ingest.storeproc)
    normalised: list[SchemeData | Exception] | None = None


# how a run's error says that its time budget left items for the next run
DEFERRED_NOTE = "tijdsbudget op"

# Share of run_budget after which no new detail requests start: what was collected is stored
# and the rest continues on the next run (a first run of a large search, issue 12).
SOFT_BUDGET = 0.8


def make_scraper(config: Config, source_id: str, today: date | None) -> Scraper:
    source = config.sources[source_id]
    cls = scrapers.get(config.scraper_name(source_id))
    context = SourceContext(
        source_id=source_id,
        url=source.url,
        today=today,
        look_back_days=source.look_back_days or config.defaults.look_back_days,
        # one page more than allowed: the scraper asks for the page past the cap, so the
        # pipeline (_collect) sees the cut and marks the run degraded instead of a silent stop
        max_pages=(source.max_pages or config.defaults.max_pages) + 1,
        level=source.level,
        regions=tuple(source.regions),
        publisher=source.publisher,
    )
    return cls(cls.Options.model_validate(source.options), context)


async def _collect(
    scraper: Scraper,
    urls: Sequence[str],
    fetcher: Fetcher,
    max_pages: int,
    report: Callable[[int, int], None] | None = None,
    *,
    known: frozenset[str] = frozenset(),
    soft_deadline: float | None = None,
    parses: ParseCache | None = None,
    now: datetime | None = None,
) -> _Collected:
    """Fetch and parse everything; ``unchanged`` when every response was unchanged.

    Detail pages are requested (conditionally, so cheaply): a listing can stay the same while
    a document behind it changes. Items not stored yet (not in ``known``) go first; when
    ``soft_deadline`` (monotonic) passes, stored items keep their cached detail and new ones
    wait for the next run, so a first run of a large search stores what it collected.
    """
    out = _Collected(report=report, warnings=scraper.warnings)
    if parses is not None:
        out.parses = parses
    pending: list[Request] = [r for url in urls for r in scraper.start_requests(url)]
    pages = 0
    while pending:
        request = pending.pop(0)
        pages += 1
        if pages > max_pages:
            logger.warning("%s: page cap of %d reached", scraper.context.source_id, max_pages)
            out.capped = max_pages
            break
        fetched = await _fetch(fetcher, request, out)
        parsed = parse_page(
            scraper,
            out.parses,
            fetched.cache_key,
            fetched.entry.body_sha256,
            lambda f=fetched: (list(scraper.parse(f.page)), scraper.next_requests(f.page)),
        )
        out.items.extend((item, fetched.url) for item in parsed.items)
        pending.extend(parsed.next_requests)
    await _collect_details(scraper, fetcher, out, known, soft_deadline, now)
    if not out.items and not scraper.may_be_empty:
        raise ParseError("the source returned no items")
    out.unchanged = out.requests > 0 and out.not_modified == out.requests
    return out


async def _collect_details(
    scraper: Scraper,
    fetcher: Fetcher,
    out: _Collected,
    known: frozenset[str],
    soft_deadline: float | None,
    now: datetime | None = None,
) -> None:
    """Fetch detail pages: new items first, then a refresh of stored ones, within the budget.

    At ``soft_deadline`` unfinished requests are cancelled: a stored item keeps its cached
    detail body, a new item is left for the next run (``deferred``).
    """
    cached: dict[int, tuple[str, CacheEntry]] = {}
    phases: tuple[dict[int, Request], dict[int, Request]] = ({}, {})
    for index, (raw, _url) in enumerate(out.items):
        if not raw.detail_url:
            continue
        request = Request(raw.detail_url)
        entry = fetcher.cache.get(cache_key(request))
        if entry is not None and entry.has_body:
            cached[index] = (cache_key(request), entry)
        phases[int(raw.key in known and index in cached)][index] = request
    # how to get each page: a 304's stored body is read only if the page is parsed
    pages: dict[int, Callable[[], Page]] = {}
    for phase in phases:
        tasks = {i: asyncio.create_task(_fetch(fetcher, r, out)) for i, r in phase.items()}
        if not tasks:
            continue
        timeout = None if soft_deadline is None else max(0.0, soft_deadline - time.monotonic())
        _done, late = await asyncio.wait(tasks.values(), timeout=timeout)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        for index, task in tasks.items():
            if task not in late:
                fetched = task.result()  # re-raises a FetchError of that request
                pages[index] = partial(getattr, fetched, "page")
            elif index in cached:  # the stored detail body
                key, entry = cached[index]
                url = phase[index].url
                pages[index] = partial(_stored_page, fetcher, url, key, entry, now)
    dropped = {i for phase in phases for i in phase} - set(pages)
    if not dropped and out.requests and out.not_modified == out.requests:
        return  # nothing changed, so nothing is stored: no detail needs reading or parsing
    for index, make_page in pages.items():
        page = make_page()
        raw, _url = out.items[index]
        out.items[index] = (scraper.parse_detail(page, raw), page.url)
    if dropped:
        out.deferred = len(dropped)
        out.items = [item for i, item in enumerate(out.items) if i not in dropped]


def _stored_page(
    fetcher: Fetcher, url: str, key: str, entry: CacheEntry, now: datetime | None
) -> Page:
    headers = {"content-type": entry.content_type} if entry.content_type else {}
    return Page(url, 200, headers, fetcher.stored_body(key, entry), now or datetime.now(UTC))


async def _fetch(fetcher: Fetcher, request: Request, out: _Collected) -> Fetched:
    fetched = await fetcher.fetch(request)
    out.requests += 1
    out.not_modified += int(fetched.unchanged)
    if fetched.unchanged and fetcher.cache.get(fetched.cache_key) == fetched.entry:
        out.same.add(fetched.cache_key)  # do not write the same body back (issue 14)
    else:
        out.cache[fetched.cache_key] = fetched.entry
    if out.report:
        out.report(out.requests, len(out.items))
    return fetched


def run_sources(
    config: Config,
    engine: Engine,
    source_ids: Sequence[str] | None = None,
    *,
    now: datetime | None = None,
    on_done: Callable[[RunResult], None] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> list[RunResult]:
    """Run one cycle for the given (default: enabled) sources and return their results."""
    # issue 13: every hop is SSRF-checked (and its address pinned), except to origins of the
    # sources in the configuration file (the operator's choice); taken before the staff
    # overrides, so an origin staff typed is checked on every request (its DNS may change)
    trusted = frozenset(origin(u) for src in config.sources.values() for u in src.all_urls())
    config, refused = apply_source_overrides(config, engine)
    for source_id, reason in refused.items():
        logger.warning("%s: staff override not used: %s", source_id, reason)
    ids = list(source_ids) if source_ids else config.enabled_sources()
    for source_id in ids:
        if source_id not in config.sources and source_id not in refused:
            raise KeyError(f"unknown source {source_id!r}")
    moment = now or datetime.now(UTC)
    # a staff-added source whose URL the guard refuses now (its DNS changed): failed, not run
    unsafe = [
        _result(sid, RunStatus.FAILED, moment, error=refused[sid])
        for sid in ids
        if sid not in config.sources
    ]
    ids = [sid for sid in ids if sid in config.sources]
    for result in unsafe:
        if on_done is not None:
            on_done(result)
    owner = new_owner()
    locked = _acquire_all(engine, config, ids, moment, owner)
    held = set(locked)
    results: list[RunResult] = unsafe + [
        _result(sid, RunStatus.REFUSED, moment, error=record_refused(engine, sid, moment))
        for sid in ids
        if sid not in held
    ]
    keeper = LeaseKeeper(engine, locked, owner, moment).start()
    fork = config.defaults.store_process and storeproc.usable(engine, len(locked))
    try:
        results += asyncio.run(
            _run_locked(config, engine, locked, moment, on_done, on_progress, fork, trusted)
        )
    finally:
        keeper.stop()
        _release(engine, locked, owner)
    order = {sid: i for i, sid in enumerate(source_ids or ids)}
    return sorted(results, key=lambda r: order.get(r.source_id, len(order)))


async def _run_locked(
    config: Config,
    engine: Engine,
    ids: Sequence[str],
    now: datetime,
    on_done: Callable[[RunResult], None] | None,
    on_progress: Callable[[str, int, int], None] | None,
    fork: bool = False,
    trusted: frozenset[str] = frozenset(),
) -> list[RunResult]:
    """Collect every source and store each as soon as it (and every source before it) is in."""
    storer = _Storer(config, engine, ids, now, on_done, fork)
    try:
        await _collect_all(config, engine, ids, now, on_progress, sink=storer, trusted=trusted)
    finally:
        results = await storer.drain()
    return results


# A robots.txt stored this long ago (by the run's clock) is used without asking again; RFC 9309
# allows up to 24 hours, an hour keeps a changed robots.txt from waiting long (issue 14: one
# round trip per host before its first page in every run).
ROBOTS_FRESH = timedelta(hours=1)

# Sources stored per transaction (each in its own savepoint): a transaction per source cost
# more than storing an unchanged source itself (issue 14), a larger batch holds the merge
# lock longer for other instances.
STORE_BATCH = 100
# ... and for at most this long (seconds), after which the transaction commits
STORE_TRANSACTION = 0.5
# sources fetched or waiting to be stored at one time (they start in order, so the ones the
# store waits for always hold a slot)
IN_FLIGHT = 100


class _Storer:
    """Store collected sources in a worker thread while the others are still being fetched;
    with ``fork``, a batch with much to store starts a worker process that stores the rest
    of the run on another core (tracker.ingest.storeproc).

    Sources are stored in the order of ``ids`` (merge decisions between sources that publish
    about one scheme do not depend on which host answered first), a ready prefix at a time,
    one transaction per batch. A source's collected bodies and items are dropped once stored,
    so memory holds only what is in flight (issue 14).
    """

    def __init__(
        self,
        config: Config,
        engine: Engine,
        ids: Sequence[str],
        now: datetime,
        on_done: Callable[[RunResult], None] | None,
        fork: bool = False,
    ) -> None:
        self.config, self.engine, self.now, self.on_done = config, engine, now, on_done
        self.order = list(ids)
        self.next = 0
        self.ready: dict[str, tuple[float, _Collected | Exception]] = {}
        self.queue: list[tuple[str, float, _Collected | Exception]] = []
        self.results: list[RunResult] = []
        self.running: asyncio.Task[None] | None = None
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self.fork = fork
        self.worker: ProcessPoolExecutor | None = None
        self.robots_entries: dict[str, CacheEntry] = {}
        # sources collected or being collected but not stored yet: a lagging store makes
        # fetching wait instead of holding every body in memory (issue 14)
        self.slots = asyncio.Semaphore(IN_FLIGHT)
        self.error: Exception | None = None

    def add(self, source_id: str, started: float, outcome: _Collected | Exception) -> None:
        self.ready[source_id] = (started, outcome)
        while self.next < len(self.order) and self.order[self.next] in self.ready:
            sid = self.order[self.next]
            self.queue.append((sid, *self.ready.pop(sid)))
            self.next += 1
        self._kick()

    def _kick(self) -> None:
        if self.queue and (self.running is None or self.running.done()):
            batch, self.queue = self.queue[:STORE_BATCH], self.queue[STORE_BATCH:]
            if self.fork and storeproc.worth_a_worker(batch):
                # here no batch is being stored: the store thread holds nothing when we fork
                self.fork = False
                self.worker = storeproc.open_worker(self.config, self.engine, self.now)
            self.running = asyncio.get_running_loop().create_task(self._store(batch))

    async def _store(self, batch: list[tuple[str, float, _Collected | Exception]]) -> None:
        loop = asyncio.get_running_loop()
        try:
            if self.worker is not None:
                results = await loop.run_in_executor(
                    self.worker, storeproc.finish_batch, storeproc.portable(batch)
                )
            else:
                results = await loop.run_in_executor(
                    self.pool, _finish_batch, self.config, self.engine, batch, self.now
                )
        except Exception as exc:  # the database is gone: raised by drain, after the rest
            self.error = self.error or exc
            results = []
        finally:
            for _ in batch:
                self.slots.release()
        self.results += results
        if self.on_done:
            for result in results:
                self.on_done(result)
        self._kick()

    def robots(self, entries: dict[str, CacheEntry]) -> None:
        """New robots.txt copies, stored after the sources (so the next run asks for them
        conditionally)."""
        self.robots_entries = dict(entries)

    async def drain(self) -> list[RunResult]:
        """Wait until everything handed in is stored (a source never collected stays out)."""
        try:
            while self.queue or (self.running is not None and not self.running.done()):
                if self.running is not None and not self.running.done():
                    await self.running
                else:
                    self._kick()
            if self.error is not None:
                raise self.error  # storing itself failed (not one source): the run fails
            if self.robots_entries and self.worker is not None:
                await asyncio.get_running_loop().run_in_executor(
                    self.worker, storeproc.store_robots, self.robots_entries
                )
            elif self.robots_entries:
                await asyncio.get_running_loop().run_in_executor(
                    self.pool, _store_robots, self.engine, self.robots_entries, self.now
                )
        finally:
            self.pool.shutdown(wait=True)
            if self.worker is not None:
                self.worker.shutdown(wait=True, cancel_futures=True)
        return self.results


def run_source(
    config: Config, engine: Engine, source_id: str, *, now: datetime | None = None
) -> RunResult:
    return run_sources(config, engine, [source_id], now=now)[0]


async def _collect_all(
    config: Config,
    engine: Engine,
    ids: Sequence[str],
    now: datetime,
    on_progress: Callable[[str, int, int], None] | None = None,
    *,
    sink: _Storer,
    trusted: frozenset[str] = frozenset(),
) -> None:
    """Fetch and parse every source concurrently; hand each outcome to ``sink`` when done.
    ``trusted``: the origins of the file's sources, requested without the SSRF check."""
    with Session(engine) as session:
        table = HttpCacheEntry.__table__  # type: ignore[attr-defined]
        # validators only: a body is read when a 304's page is parsed (issue 14: memory)
        fresh_since = now - ROBOTS_FRESH
        cache = {
            row.url: CacheEntry(
                row.etag,
                row.last_modified,
                row.body_sha256,
                row.robots,  # a few hundred bytes per host, read with the validators
                row.content_type,
                stored=row.stored,
                fresh=row.url.endswith("/robots.txt") and fresh_since <= row.fetched_at <= now,
            )  # fmt: skip
            for row in session.execute(
                sa.select(
                    table.c.url,
                    table.c.etag,
                    table.c.last_modified,
                    table.c.body_sha256,
                    table.c.content_type,
                    table.c.body.is_not(None).label("stored"),
                    table.c.fetched_at,
                    sa.case((table.c.url.endswith("/robots.txt"), table.c.body)).label("robots"),
                )
            )
        }
        known_keys: dict[str, set[str]] = {}
        for sid, key in session.exec(
            select(Publication.source_id, Publication.key).where(
                col(Publication.source_id).in_(list(ids))
            )
        ).all():
            known_keys.setdefault(sid, set()).add(key)
    fetcher = Fetcher(
        config.http,
        cache,
        guard=HopGuard(config.http.allow_private_hosts, trusted),
        load_body=partial(_stored_body, engine),
    )
    today = local_today(now)

    preloaded = parsecache.preload(engine, _first_keys(config, ids, today))

    async def one(source_id: str) -> None:
        await sink.slots.acquire()  # released once the source is stored
        started = time.monotonic()
        source = config.sources[source_id]
        try:
            scraper = make_scraper(config, source_id, today)
            max_pages = source.max_pages or config.defaults.max_pages
            report = partial(on_progress, source_id) if on_progress else None
            soft = time.monotonic() + config.http.run_budget * SOFT_BUDGET
            outcome: _Collected | Exception = await asyncio.wait_for(
                _unless_stopped(
                    _collect(
                        scraper,
                        source.all_urls(),
                        fetcher,
                        max_pages,
                        report,
                        known=frozenset(known_keys.get(source_id, ())),
                        soft_deadline=soft,
                        parses=ParseCache(engine, preloaded),
                        now=now,
                    )
                ),
                config.http.run_budget,
            )
        except (FetchError, ParseError) as exc:
            outcome = exc
        except TimeoutError:
            outcome = FetchError(f"time budget of {config.http.run_budget:.0f}s exceeded")
        except Exception as exc:  # a scraper bug must not take other sources down
            logger.exception("%s: unexpected error", source_id)
            outcome = exc
        if sink.worker is not None and isinstance(outcome, _Collected) and not outcome.unchanged:
            outcome.normalised = _normalise_all(config, source_id, outcome, today)
        sink.add(source_id, started, outcome)

    try:
        await asyncio.gather(*(one(sid) for sid in ids))
    finally:
        await fetcher.aclose()
    # written by the storing thread: a write from the event loop would wait there for the
    # write lock of a store batch, stalling every fetch
    sink.robots(fetcher.robots_entries)


def _normalise_all(
    config: Config, source_id: str, got: _Collected, today: date
) -> list[SchemeData | Exception]:
    """What _store would make of each item: its data, the NormaliseError that skips it, or
    any other error as the message that fails the source (raised there, in its savepoint)."""
    from tracker.ingest.normalise import NormaliseError, normalise_scheme

    out: list[SchemeData | Exception] = []
    for raw, page_url in got.items:
        try:
            out.append(normalise_scheme(raw, config.sources[source_id], page_url, today))
        except NormaliseError as exc:
            out.append(exc)
        except Exception as exc:  # a bug: fails this source only, as it would in _store
            logger.exception("%s: normalising failed", source_id)
            out.append(storeproc.StoreFailure(storeproc.failure_message(exc)))
    return out


def _first_keys(config: Config, ids: Sequence[str], today: date) -> list[str]:
    """Cache keys of every source's first requests (a source whose scraper cannot be made
    is left out here and fails in its own run)."""
    keys: list[str] = []
    for source_id in ids:
        try:
            scraper = make_scraper(config, source_id, today)
            for url in config.sources[source_id].all_urls():
                keys += [cache_key(r) for r in scraper.start_requests(url)]
        except Exception:  # reported by the source's own run
            continue
    return keys


def _stored_body(engine: Engine, url: str) -> bytes | None:
    table = HttpCacheEntry.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        body = conn.execute(sa.select(table.c.body).where(table.c.url == url)).scalar()
    return bytes(body) if body is not None else None


def _store_robots(engine: Engine, entries: dict[str, CacheEntry], now: datetime) -> None:
    """Keep new robots.txt copies, so the next run asks for them conditionally."""
    if not entries:
        return
    with session_scope(engine) as session:
        _store_cache(session, entries, now)


def _store_cache(session: Session, entries: dict[str, CacheEntry], now: datetime) -> None:
    """The stored HTTP cache rows of fetched (or robots.txt) responses."""
    rows = [
        {
            "url": key,
            "etag": entry.etag,
            "last_modified": entry.last_modified,
            "body_sha256": entry.body_sha256,
            "body": entry.body,
            "content_type": entry.content_type,
            "fetched_at": now,
        }
        for key, entry in sorted(entries.items())
    ]
    upsert(session, HttpCacheEntry.__table__, rows, "url")  # type: ignore[attr-defined]


def _finish_batch(
    config: Config,
    engine: Engine,
    batch: Sequence[tuple[str, float, _Collected | Exception]],
    now: datetime,
) -> list[RunResult]:
    """Store a batch of sources, several per transaction, each in its own savepoint.

    A transaction takes sources until ``STORE_TRANSACTION`` seconds have passed, so the write
    lock (and the merge lock) is never held long for other writers: notifier, dashboard, the
    lease heartbeat. A source whose store fails is rolled back to its savepoint and recorded
    as failed; the others are kept. Should a transaction itself fail (a lost connection at
    commit), each of its sources is stored again in a transaction of its own.
    """
    results: list[RunResult] = []
    rest = list(batch)
    while rest:
        taken: list[tuple[str, float, _Collected | Exception]] = []
        try:
            with session_scope(engine) as session:
                scheme_merge_lock(session)  # issue 13: overlapping sources never split a scheme
                ids = [sid for sid, _started, _outcome in rest[:STORE_BATCH]]
                # held while the sources are stored, the rows answer each session.get
                rows = session.exec(select(Source).where(col(Source.id).in_(ids))).all()
                found = {row.id: row for row in rows}
                deadline = time.monotonic() + STORE_TRANSACTION
                done: list[RunResult] = []
                writes: list[_CacheWrites] = []
                book = _Bookkeeping(config, now)
                for sid, started, outcome in rest:
                    taken.append((sid, started, outcome))
                    if _plainly_unchanged(config, sid, outcome, found):
                        assert isinstance(outcome, _Collected)
                        done.append(book.unchanged(found[sid], outcome, started, writes))
                    else:
                        source = found.get(sid)
                        if source is None:  # removed since the run took its leases: made again
                            source = _source_row(session, config, sid)
                            session.flush()
                        done.append(
                            _finish_in(config, session, source, outcome, now, started, writes, book)
                        )
                    if time.monotonic() > deadline or len(taken) >= STORE_BATCH:
                        break
                book.write(session)
                _write_caches(session, writes, now)
                del rows, found
            results += done
        except Exception:
            logger.exception("storing %d sources failed; one by one now", len(taken))
            results += [_finish(config, engine, sid, o, now, started) for sid, started, o in taken]
            if not taken:
                raise
        rest = rest[len(taken) :]
    return results


def _plainly_unchanged(
    config: Config, source_id: str, outcome: _Collected | Exception, found: dict[str, Source]
) -> bool:
    """Whether a source's run is only bookkeeping: every response unchanged, nothing left
    over, no scraper warning, no removals to check, not flagged (a degraded verdict is judged
    again, so the same pages keep it), its row stored by an earlier run with the same config
    and code (``tracker.ingest.sourcedigest``)."""
    return (
        isinstance(outcome, _Collected)
        and outcome.unchanged
        and not outcome.deferred
        and not outcome.capped
        and not outcome.warnings  # a warned run is degraded, even when unchanged
        and source_id in found
        and not found[source_id].flagged
        and not scrapers.get(config.scraper_name(source_id)).tracks_removals
        and found[source_id].config_digest == source_digest(config, source_id)
    )


class _Bookkeeping:
    """Every source's run row and health of a store transaction, written at its end in one
    statement each, and last-seen times of unchanged sources' publications in one more:
    instead of a run row and a source row flushed as ORM objects per source, which in a first
    cycle was a third of storing (issue 14). Same rows as _record_run."""

    def __init__(self, config: Config, now: datetime) -> None:
        self.config, self.now = config, now
        self.runs: list[RunResult] = []
        self.sources: list[dict[str, object]] = []
        self.quiet: list[str] = []  # unchanged sources: their publications were seen

    def unchanged(
        self, source: Source, got: _Collected, started: float, writes: list[_CacheWrites]
    ) -> RunResult:
        result = _result(source.id, RunStatus.UNCHANGED, self.now, requests=got.requests,
                         not_modified=got.not_modified)  # fmt: skip
        result.items_found = source.last_healthy_items or 0
        result.finished_at = self.now + timedelta(seconds=time.monotonic() - started)
        writes.append(_CacheWrites(got.parses.pending, got.cache, got.same))
        self.quiet.append(source.id)
        self.record(source, result)
        return result

    def record(self, source: Source, result: RunResult) -> None:
        """What _record_run does to the run and the source's row, kept for ``write``."""
        self.sources.append(_health(self.config, source, result, self.now))
        result.error = result.error[:2000]
        self.runs.append(result)

    def write(self, session: Session) -> None:
        for start in range(0, len(self.quiet), 500):
            session.execute(
                sa.update(Publication)
                .where(col(Publication.source_id).in_(self.quiet[start : start + 500]))
                .where(col(Publication.missing_runs) == 0)
                .values(last_seen_at=self.now)
            )
        if not self.runs:
            return
        session.execute(sa.update(Source), self.sources)
        columns = ScrapeRun.__table__.columns.keys()  # type: ignore[attr-defined]
        session.execute(
            sa.insert(ScrapeRun),
            [{c: getattr(run, c) for c in columns if c != "id"} for run in self.runs],
        )


def _finish_in(
    config: Config,
    session: Session,
    source: Source,
    outcome: _Collected | Exception,
    now: datetime,
    started: float,
    writes: list[_CacheWrites],
    book: _Bookkeeping,
) -> RunResult:
    """Store one source in its savepoint; its run row and health go to ``book``."""
    if not isinstance(outcome, Exception):
        try:
            mine: list[_CacheWrites] = []
            with session.begin_nested():
                result = _store(config, session, source.id, outcome, now, mine)
                result.finished_at = now + timedelta(seconds=time.monotonic() - started)
            book.record(source, result)
            writes.extend(mine)  # only a source whose savepoint held
            return result
        except sa.exc.OperationalError:
            raise  # the connection or the database, not this source: the batch fails
        except Exception as exc:  # rolled back to the savepoint: nothing of this source
            logger.exception("%s: storing failed", source.id)
            outcome = exc
    result = _failure_result(source.id, outcome, now, started)
    book.record(source, result)
    return result


def _finish(
    config: Config,
    engine: Engine,
    source_id: str,
    outcome: _Collected | Exception,
    now: datetime,
    started: float,
) -> RunResult:
    if isinstance(outcome, Exception):
        return _record_failure(config, engine, source_id, outcome, now, started)
    try:
        with session_scope(engine) as session:
            scheme_merge_lock(session)  # issue 13: overlapping sources never split a scheme
            result = _store(config, session, source_id, outcome, now)
            result.finished_at = now + timedelta(seconds=time.monotonic() - started)
            _record_run(session, config, source_id, result, now)
            return result
    except Exception as exc:  # the transaction rolled back: nothing of this run is stored
        logger.exception("%s: storing failed", source_id)
        return _record_failure(config, engine, source_id, exc, now, started)


@dataclass
class _CacheWrites:
    """A source's HTTP cache rows and parse results, written for a whole store transaction in
    one statement each (issue 14) once the source's savepoint succeeded."""

    parses: dict[str, tuple[str, str]]
    cache: dict[str, CacheEntry]
    same: set[str]

    def write(self, session: Session, now: datetime) -> None:
        _write_caches(session, [self], now)


def _write_caches(session: Session, writes: Sequence[_CacheWrites], now: datetime) -> None:
    parses = {url: v for w in writes for url, v in w.parses.items()}
    cache = {key: entry for w in writes for key, entry in w.cache.items()}
    same = sorted({key for w in writes for key in w.same} - set(cache))
    parsecache.store(session, parses, now)
    for start in range(0, len(same), 500):
        session.execute(
            sa.update(HttpCacheEntry)
            .where(col(HttpCacheEntry.url).in_(same[start : start + 500]))
            .values(fetched_at=now)
        )
    _store_cache(session, cache, now)


def _store(
    config: Config,
    session: Session,
    source_id: str,
    got: _Collected,
    now: datetime,
    later: list[_CacheWrites] | None = None,
) -> RunResult:
    source_cfg = config.sources[source_id]
    # read, not set: title and level were written from config when the run took its leases
    source = session.get(Source, source_id) or _source_row(session, config, source_id)
    baseline = source.last_ok_at is None
    result = _result(
        source_id, RunStatus.OK, now, requests=got.requests, not_modified=got.not_modified
    )
    writes = _CacheWrites(got.parses.pending, got.cache, got.same)
    if later is None:
        writes.write(session, now)
    else:
        later.append(writes)  # written with the other sources of the transaction
    tracks_removals = scrapers.get(config.scraper_name(source_id)).tracks_removals
    current = source.config_digest == source_digest(config, source_id)
    # a scraper warning (an SRU query part ignored) makes even an unchanged run degraded
    if got.unchanged and not got.deferred and not got.capped and not got.warnings and current:
        result.status = RunStatus.UNCHANGED
        # the pages the last run read: its count, judged again against the baseline (the same
        # halved listing stays degraded; one held long enough becomes the baseline)
        result.items_found = _last_count(session, source)
        healthy, drop = _judge_count(config, session, source, result.items_found, now)
        _touch_publications(session, source_id, now)
        if drop:
            result.status, result.error = RunStatus.DEGRADED, drop
            return result
        source.last_healthy_items = healthy
        if tracks_removals:
            # nothing new was learnt of the items already absent: none counts again, but one
            # absent long enough by now is removed
            result.events_created += _detect_removals(
                config, session, source_id, set(), now, count=False
            )
        return result
    today = local_today(now)
    from tracker.ingest.normalise import NormaliseError, normalise_scheme
    from tracker.ingest.tagging import Tagger

    tagger = Tagger.from_config(config)
    seen: set[str] = set()
    suspects: list[str] = []
    for index, (raw, page_url) in enumerate(got.items):
        if raw.suspect:
            # a parking page or a redesign: store nothing of it, so no title or alias is learnt
            suspects.append(f"{raw.url or raw.key}: {raw.suspect}")
            result.items_skipped += 1
            continue
        try:
            if got.normalised is None:
                data = normalise_scheme(raw, source_cfg, page_url, today)
            elif isinstance(done := got.normalised[index], Exception):
                raise done
            else:
                data = done
        except NormaliseError as exc:
            logger.warning("%s: skipped item: %s", source_id, exc)
            result.items_skipped += 1
            continue
        if data.key in seen:
            continue
        seen.add(data.key)
        outcome = store_scheme(session, source_id, data, now, tagger=tagger)
        events = record_changes(session, outcome.changes, now, baseline=baseline,
                                source_id=source_id, review=config.review)  # fmt: skip
        result.schemes_new += int(outcome.scheme_new)
        result.windows_new += outcome.windows_new
        result.events_created += len(events)
    result.items_found = len(seen)
    if result.items_skipped:
        result.status = RunStatus.DEGRADED
    healthy, drop = _judge_count(config, session, source, result.items_found, now)
    if drop:
        result.status, result.error = RunStatus.DEGRADED, drop
    notes = [*suspects]
    # the scraper's own warnings (an SRU "query part ignored"): the run read the source, but
    # not as asked, so it is not fully healthy; a suspect item's warning is noted once
    reasons = tuple(f": {raw.suspect}" for raw, _url in got.items if raw.suspect)
    notes.extend(w for w in got.warnings if not (reasons and w.endswith(reasons)))
    if got.capped:
        notes.append(f"paginalimiet van {got.capped} bereikt: de bron is niet helemaal gelezen")
    if got.deferred:
        notes.append(
            f"{DEFERRED_NOTE}: {got.deferred} items zonder details, de volgende run gaat verder"
        )
    if notes:
        result.status = RunStatus.DEGRADED
        result.error = "; ".join([*notes, *([result.error] if result.error else [])])
    if result.status == RunStatus.OK:
        source.last_healthy_items = healthy  # written with the run's health (_health)
        if tracks_removals:
            result.events_created += _detect_removals(config, session, source_id, seen, now)
    return result


# runs that read the source's pages (a failed or refused one read nothing to count)
_READING = (RunStatus.OK, RunStatus.UNCHANGED, RunStatus.DEGRADED)


def _last_count(session: Session, source: Source) -> int:
    """Items found by the last run that parsed the source's pages (an unchanged run's count
    is that run's); the baseline if there is none."""
    found = session.execute(
        sa.select(col(ScrapeRun.items_found))
        .where(col(ScrapeRun.source_id) == source.id)
        .where(col(ScrapeRun.status).in_([RunStatus.OK, RunStatus.DEGRADED]))
        .order_by(col(ScrapeRun.started_at).desc(), col(ScrapeRun.id).desc())
        .limit(1)
    ).scalar()
    return found if found is not None else source.last_healthy_items or 0


def _judge_count(
    config: Config, session: Session, source: Source, count: int, now: datetime
) -> tuple[int, str]:
    """The source's healthy baseline after a run that found ``count`` items, and why the run
    is degraded ("" when it is not).

    The baseline (``Source.last_healthy_items``) rises with a higher count at once, but a
    drop never lowers it: only a lower count held by every run for ``baseline_days``
    (``_held_lower``) becomes the baseline. Until then a count of at most
    ``degraded_ratio`` × the baseline is a sharp drop: a lost page or a redesign, not half
    the schemes withdrawn. Such a run is degraded, so it counts no item absent.
    """
    defaults = config.defaults
    last = source.last_healthy_items
    if not last or count >= last:
        return max(count, last or 0), ""
    held = _held_lower(config, session, source.id, last, count, now)
    if held is not None:
        logger.info("%s: %d items held for %g days: the new baseline (was %d)", source.id,
                    held, defaults.baseline_days, last)  # fmt: skip
        return held, ""
    if defaults.degraded_ratio and count <= last * defaults.degraded_ratio:
        return last, (
            f"sterke daling: {count} items, tegen {last} in gezonde runs (grens "
            f"{defaults.degraded_ratio:.0%}); geen regeling als verdwenen geteld"
        )
    return last, ""


def _held_lower(
    config: Config, session: Session, source_id: str, last: int, count: int, now: datetime
) -> int | None:
    """The most items of a lower count held since at least ``baseline_days`` ago, or None.

    Held: every run that read the pages in those days, and the last one before them, found
    fewer than ``last`` items, in at least ``removal_runs`` runs with this one (an unchanged
    run repeats the count of the run before it).
    """
    defaults = config.defaults
    start = now - timedelta(days=defaults.baseline_days)
    runs = (
        sa.select(col(ScrapeRun.status), col(ScrapeRun.items_found))
        .where(col(ScrapeRun.source_id) == source_id)
        .where(col(ScrapeRun.status).in_(_READING))
    )
    before = session.execute(
        runs.where(col(ScrapeRun.started_at) <= start)
        .where(col(ScrapeRun.status) != RunStatus.UNCHANGED)
        .order_by(col(ScrapeRun.started_at).desc(), col(ScrapeRun.id).desc())
        .limit(1)
    ).first()
    if before is None:
        return None
    recent = session.execute(
        runs.where(col(ScrapeRun.started_at) > start, col(ScrapeRun.started_at) < now)
    ).all()
    counts = [int(items) for status, items in recent if status != RunStatus.UNCHANGED]
    counts += [int(before.items_found), count]
    if len(recent) + 2 < defaults.removal_runs or max(counts) >= last:
        return None
    return max(counts)


def _touch_publications(session: Session, source_id: str, now: datetime) -> None:
    session.execute(
        sa.update(Publication)
        .where(col(Publication.source_id) == source_id, col(Publication.missing_runs) == 0)
        .values(last_seen_at=now)
    )


def _detect_removals(
    config: Config,
    session: Session,
    source_id: str,
    seen: set[str],
    now: datetime,
    *,
    count: bool = True,
) -> int:
    """Count absences in a healthy run that read changed pages; remove a scheme once every
    publication of it was absent from ``removal_runs`` such runs and first absent at least
    ``removal_days`` ago (runs in quick succession never remove).

    An unchanged run (``count`` false) learnt nothing new of the items already absent, so it
    counts one of them again only once a day has passed per absence counted (a listing that
    never changes again still loses its item after a few days, but a cron every five
    minutes does not count hundreds); it removes what has waited long enough."""
    defaults = config.defaults
    changes: list[detect.Change] = []
    query = select(Publication).where(Publication.source_id == source_id)
    if not count:
        query = (
            query.join(Scheme, col(Scheme.id) == col(Publication.scheme_id))
            .where(col(Publication.missing_runs) >= 1)
            .where(col(Scheme.removed_at).is_(None))
        )
    pubs = session.exec(query).all()
    for pub in pubs:
        if pub.key in seen:
            continue
        if count or _absent_for_another_day(pub, now):
            pub.missing_runs += 1
            if pub.missing_since is None:  # also an absence counted before missing_since was
                pub.missing_since = now
            session.add(pub)
        if pub.missing_runs < defaults.removal_runs:
            continue
        scheme = session.get(Scheme, pub.scheme_id)
        if scheme is None:
            continue
        missing = session.exec(
            select(Publication.missing_runs, Publication.missing_since).where(
                Publication.scheme_id == scheme.id
            )
        ).all()
        change = detect.scheme_removed(
            scheme,
            [runs for runs, _since in missing],
            defaults.removal_runs,
            now,
            missing_since=[since for _runs, since in missing],
            removal_days=defaults.removal_days,
        )
        if change is not None:
            scheme.removed_at = now
            session.add(scheme)
            changes.append(change)
    return len(record_changes(session, changes, now, source_id=source_id))


def _absent_for_another_day(pub: Publication, now: datetime) -> bool:
    """An item absent from unchanged pages for a further day since its absences so far."""
    since = pub.missing_since
    if since is None:
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return now - since >= timedelta(days=pub.missing_runs)


def _source_row(
    session: Session, config: Config, source_id: str, found: dict[str, Source] | None = None
) -> Source:
    """The source's row, made or updated from config; ``found``: rows already read (a
    session.get of a row that does not exist yet queries the database every time)."""
    source = found.get(source_id) if found is not None else session.get(Source, source_id)
    cfg = config.sources[source_id]
    if source is None:
        source = Source(id=source_id)
    source.title = cfg.title or source_id
    source.level = cfg.level
    session.add(source)
    return source


def _record_run(
    session: Session, config: Config, source_id: str, result: RunResult, now: datetime
) -> None:
    source = _source_row(session, config, source_id)
    for key, value in _health(config, source, result, now).items():
        if key != "id":
            setattr(source, key, value)
    result.error = result.error[:2000]
    session.add(result)


def _health(config: Config, source: Source, result: RunResult, now: datetime) -> dict[str, Any]:
    """The source's row after this run: title and level from config, failures counted (and
    flagged from ``max_failures`` on), a healthy run's time and item count, degraded flagged."""
    cfg = config.sources[source.id]
    row: dict[str, Any] = {
        "id": source.id, "title": cfg.title or source.id, "level": cfg.level,
        "last_run_at": now, "consecutive_failures": source.consecutive_failures,
        "last_ok_at": source.last_ok_at, "last_healthy_items": source.last_healthy_items,
        "flagged": source.flagged, "flag_reason": source.flag_reason,
        "config_digest": source.config_digest,
    }  # fmt: skip
    if result.status == RunStatus.FAILED:
        row["consecutive_failures"] = failures = source.consecutive_failures + 1
        if failures >= config.defaults.max_failures:
            row["flagged"] = True
            row["flag_reason"] = f"{failures} mislukte runs op rij: {result.error}"
    else:
        row["consecutive_failures"] = 0
        # a first run cut short by the time budget is no baseline yet: the items it left for
        # the next run are as old as the rest and must not go out as new
        if not (source.last_ok_at is None and DEFERRED_NOTE in result.error):
            row["last_ok_at"] = now
        if result.status != RunStatus.UNCHANGED:  # its items were stored with this config
            row["config_digest"] = source_digest(config, source.id)
        # last_healthy_items: set on the row by _store (_judge_count), never lowered by a drop
        row["flagged"] = result.status == RunStatus.DEGRADED
        row["flag_reason"] = result.error if row["flagged"] else ""
    return row


def _result(
    source_id: str,
    status: RunStatus,
    now: datetime,
    *,
    error: str = "",
    requests: int = 0,
    not_modified: int = 0,
) -> ScrapeRun:
    """A run's row, not yet stored; ``finished_at`` is set when the run ends."""
    return ScrapeRun(source_id=source_id, status=status, started_at=now, finished_at=now,
                     error=error, requests=requests, not_modified=not_modified)  # fmt: skip


def _failure_result(source_id: str, exc: Exception, now: datetime, started: float) -> RunResult:
    result = _result(source_id, RunStatus.FAILED, now, error=storeproc.failure_message(exc))
    result.finished_at = now + timedelta(seconds=time.monotonic() - started)
    return result


def _record_failure(
    config: Config, engine: Engine, source_id: str, exc: Exception, now: datetime, started: float
) -> RunResult:
    result = _failure_result(source_id, exc, now, started)
    with session_scope(engine) as session:
        _record_run(session, config, source_id, result, now)
    return result


def _acquire_all(
    engine: Engine, config: Config, ids: Sequence[str], now: datetime, owner: str
) -> list[str]:
    """Make the source rows and take their run leases (tracker.ingest.lease) in one
    transaction; the ids this run holds, in order (a live run elsewhere keeps the others)."""
    if not ids:
        return []
    with session_scope(engine) as session:
        serialise(session, "source-rows")  # two instances never insert one source row twice
        # the columns config sets, read and written without ORM objects (issue 14: 500 rows
        # loaded into the identity map and flushed cost ~20 ms before the first request)
        table = Source.__table__  # type: ignore[attr-defined]
        stored: dict[str, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            stored.update(
                (sid, (title, level))
                for sid, title, level in session.execute(
                    sa.select(table.c.id, table.c.title, table.c.level).where(table.c.id.in_(chunk))
                )
            )
        changed: list[dict[str, str]] = []
        for source_id in ids:
            cfg = config.sources[source_id]
            wanted = (cfg.title or source_id, cfg.level)
            if source_id not in stored:
                session.add(Source(id=source_id, title=wanted[0], level=wanted[1]))
            elif stored[source_id] != wanted:
                changed.append({"id": source_id, "title": wanted[0], "level": wanted[1]})
        if changed:
            session.execute(sa.update(Source), changed)
        session.flush()
        held = acquire_leases(session, ids, now, owner)
    return [sid for sid in ids if sid in held]
