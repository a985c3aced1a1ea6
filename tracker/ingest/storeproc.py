"""Storing in a second process, so a large cycle uses two cores (issue 14).

Fetching and parsing run on the event loop; storing (normalising, windows, merge, events,
run bookkeeping) ran in a thread beside it, and both shared one interpreter lock: a first
cycle of 500 sources was the sum of the two. A forked worker process runs the very same
``pipeline._finish_batch`` on its own core. Batches go to it in ids order, one at a time, as
before, so merge decisions and failure isolation (a savepoint per source) are unchanged.

The worker is forked by the run's event loop thread between two batches, the first time a
batch has much to store; it holds no state between batches but its own database connection,
and dies with the run: on Linux the kernel kills it when the thread that forked it dies
(``PR_SET_PDEATHSIG``), so a killed scrape never leaves a transaction behind it running on.
It is used only where it can pay: several sources, more than one core, ``fork`` available, a
database another process can open, and much to store (a cycle of unchanged pages never
forks: the worker would cost memory and save nothing).
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import signal
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from scrapers.base import ParseError
from tracker.config import Config
from tracker.db import sqlite_path
from tracker.errors import FetchError
from tracker.ingest.fetch import CacheEntry

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from tracker.ingest.pipeline import RunResult, _Collected

logger = logging.getLogger(__name__)

# a run of fewer sources is stored in a thread: the scheduler and the dashboard run one
# source at a time
MIN_SOURCES = 16
# ... and so is a run until a batch holds this many sources with something to store: a
# worker costs its run ~20 MB (the pages it copies from the run), which only pays when there
# is much to store (a first run, many changed pages), not in a cycle of unchanged ones
MIN_CHANGED = 32

_PR_SET_PDEATHSIG = 1

# the run's config, engine and clock in the worker (set by _start, inherited through fork)
_state: tuple[Config, Engine, datetime] | None = None
# the parent's connection pool as the worker inherited it: kept referenced, so its
# connections are never closed here (closing a SQLite connection opened before a fork
# releases locks the parent holds); the worker ends with os._exit, no finaliser runs
_inherited: list[object] = []


class StoreFailure(Exception):
    """A source's failure as the worker records it: the message only (an exception a scraper
    raised may not survive pickling)."""


def usable(engine: Engine, sources: int) -> bool:
    """Whether storing this run in a worker process can pay and can work."""
    url = engine.url
    in_memory = url.get_backend_name() == "sqlite" and sqlite_path(str(url)) is None
    return sources >= MIN_SOURCES and not in_memory and usable_here()


def worth_a_worker(batch: Sequence[tuple[str, float, object]]) -> bool:
    """Whether a batch has enough to store (collected, not all unchanged) for a worker."""
    from tracker.ingest.pipeline import _Collected

    changed = sum(1 for _s, _t, o in batch if isinstance(o, _Collected) and not o.unchanged)
    return changed >= MIN_CHANGED


def usable_here() -> bool:
    """More than one core to use, and ``fork`` to start the worker with (multiprocessing is
    imported only when a worker is started: ~20 ms of every start otherwise)."""
    return _cores() >= 2 and hasattr(os, "fork")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def open_worker(config: Config, engine: Engine, now: datetime) -> ProcessPoolExecutor | None:
    """The forked worker, started now; None if it can't be.

    Forked from the event loop's thread between two batches: the store thread waits for work
    then and the lease heartbeat never holds what the worker uses (its connection pool is
    replaced; logging's locks are reset at fork by Python)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # objects made so far move to the permanent generation: the worker's collections then
    # don't write to (and so copy) the pages it shares with the run (~5 MB). In the run they
    # stay out of the cyclic collector too, as main() does with everything imported: a run
    # that forks is a `tracker scrape` or `tracker demo` of many sources, which forks once
    gc.freeze()
    try:
        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start,
            initargs=(config, engine, now, os.getpid()),
        )
        pool.submit(os.getpid)  # forks here, from this thread (without waiting for it)
    except Exception:  # no fork, no memory: the thread does the storing
        logger.exception("no store process; storing in a thread")
        return None
    return pool


def _start(config: Config, engine: Engine, now: datetime, parent: int) -> None:
    global _state
    if os.uname().sysname == "Linux":
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the run died before the line above took effect
        os._exit(1)
    # Ctrl-C reaches the whole process group: the run decides, this worker finishes its batch
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _inherited.append(engine.pool)
    engine.dispose(close=False)  # new connections for the worker, the parent's stay his
    _state = (config, engine, now)


def portable(
    batch: Sequence[tuple[str, float, _Collected | Exception]],
) -> list[tuple[str, float, _Collected | Exception]]:
    """The batch as the worker needs it: no progress callback, no database handle, and
    failures as their messages."""
    from tracker.ingest.parsecache import ParseCache

    out: list[tuple[str, float, _Collected | Exception]] = []
    for source_id, started, outcome in batch:
        if isinstance(outcome, Exception):
            outcome = StoreFailure(failure_message(outcome))
        else:
            parses = ParseCache(None)
            parses.pending = outcome.parses.pending
            outcome = dataclasses.replace(outcome, report=None, parses=parses)
        out.append((source_id, started, outcome))
    return out


def failure_message(exc: Exception) -> str:
    """The message a failed run records."""
    if isinstance(exc, FetchError | ParseError | StoreFailure):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def worker_pid() -> int:
    return os.getpid()


def finish_batch(batch: list[tuple[str, float, _Collected | Exception]]) -> list[RunResult]:
    """In the worker: ``pipeline._finish_batch`` with the run's config, engine and clock."""
    from tracker.ingest import pipeline

    assert _state is not None, "not in a store worker"
    config, engine, now = _state
    return pipeline._finish_batch(config, engine, batch, now)


def store_robots(entries: dict[str, CacheEntry]) -> None:
    """In the worker: the run's new robots.txt copies."""
    from tracker.ingest import pipeline

    assert _state is not None, "not in a store worker"
    _config, engine, now = _state
    pipeline._store_robots(engine, entries, now)
