"""Sources that fall due together scrape as one cycle in ``tracker run``.

Each source keeps its own scheduler job and schedule, but a job that ran ``run_sources`` for
its one source paid a whole cycle's set-up per source: an event loop, a fetcher with its TLS
context and connections, robots.txt, leases, staff overrides and cache reads. 500 unchanged
pages on one schedule took 19-25 s (19 s of CPU) as 500 such jobs, against 1.2 s as one cycle
(issue 14). A source's job now hands its id to the batcher; the ids handed in within
``GATHER`` seconds run as one ``run_sources`` in the batcher's own pool, so a slow batch never
holds up the scheduler's other jobs. An id already queued or still running is not queued again
(what ``max_instances=1`` did for the job when the job itself scraped).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine

from tracker.config import Config
from tracker.ingest.pipeline import STOPPING, RunResult, run_sources
from tracker.models import RunStatus
from tracker.pause import pause

logger = logging.getLogger(__name__)

# how long the first due source waits for the others of its minute (the scheduler hands over
# all jobs of one moment within milliseconds; a straggler only makes a second batch)
GATHER = 0.25
# batches scraping at once (each limits its own requests; hosts are shared: ingest.hostgate)
WORKERS = 8


def log_result(result: RunResult) -> None:
    trouble = result.status in (RunStatus.FAILED, RunStatus.DEGRADED)
    level = logging.WARNING if trouble else logging.INFO
    logger.log(level, "%s: %s %s", result.source_id, result.status, result.error)


class SourceBatcher:
    """Collects due source ids and scrapes each gathering as one cycle."""

    def __init__(
        self, config: Config, engine: Engine, *, gather: float = GATHER, workers: int = WORKERS
    ) -> None:
        self._config, self._engine, self._gather = config, engine, gather
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="scrape-batch")
        self._lock = threading.Lock()
        self._due: list[str] = []
        self._busy: set[str] = set()  # queued or running
        self._gathering = False
        self._closed = threading.Event()

    def add(self, source_id: str) -> bool:
        """Queue a due source; False when it is already queued or running, or when closing."""
        if STOPPING.is_set():  # due while the scheduler shuts down
            return False
        with self._lock:
            if self._closed.is_set() or source_id in self._busy:
                return False
            self._busy.add(source_id)
            self._due.append(source_id)
            first, self._gathering = not self._gathering, True
        if first:
            self._pool.submit(self._gather_and_run)
        return True

    def close(self) -> None:
        """Take no more ids; wait for the queued and running batches (after ``stop_runs``, as
        when ``tracker run`` stops, queued ones are dropped and running ones end early)."""
        self._closed.set()
        self._pool.shutdown(wait=True)

    def _gather_and_run(self) -> None:
        pause(STOPPING, self._gather)
        with self._lock:
            batch, self._due, self._gathering = self._due, [], False
        try:
            if not STOPPING.is_set():
                self._run(batch)
        finally:
            with self._lock:
                self._busy.difference_update(batch)

    def _run(self, batch: list[str]) -> None:
        try:
            results = run_sources(self._config, self._engine, batch)
        except KeyError:
            # a staff source removed since its job fired: run the others one by one, so one
            # stale id does not fail the whole gathering
            results = []
            for source_id in batch:
                try:
                    results += run_sources(self._config, self._engine, [source_id])
                except KeyError as exc:
                    logger.warning("%s: not scraped: %s", source_id, exc)
        except Exception:
            logger.exception("scrape of %d sources failed", len(batch))
            return
        for result in results:
            log_result(result)
