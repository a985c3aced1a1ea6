"""``tracker run``'s scheduler under load: slow sources must not hold up the other jobs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.local_site import Quiet, reply, serving
from tracker.config import Config, HttpConfig, SourceConfig
from tracker.models import Heartbeat
from tracker.ops.schedule import build_scheduler

NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)
SOURCES = 12  # more than apscheduler's default ten worker threads
RELEASE = threading.Event()


class _Hanging(Quiet):
    """Answers robots.txt at once and every page only once the test releases it."""

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        if self.path != "/robots.txt":
            while not RELEASE.is_set():
                time.sleep(0.05)  # not RELEASE.wait(): see tracker/pause.py
        reply(self, 200, b"<html><body><main><h1>Regeling</h1></main></body></html>", {})


@pytest.fixture
def hanging() -> Iterator[str]:
    RELEASE.clear()
    with serving(_Hanging) as base:
        try:
            yield base
        finally:
            RELEASE.set()


def _config(base: str) -> Config:
    http = HttpConfig(min_delay=0.0, retries=0, timeout=60.0, allow_private_hosts=True)
    sources = {
        f"s{n:02d}": SourceConfig(
            scraper="html_page", url=f"{base}/p{n}", level="rijk", schedule="* * * * *"
        )  # fmt: skip
        for n in range(SOURCES)
    }
    return Config(http=http, sources=sources)


def _submit(scheduler: BaseScheduler, job: Job) -> None:
    """Hand ``job`` to its executor as the scheduler's loop would when it is due."""
    # the scheduler's defaults, but run now whatever the clock says (it is not started)
    job._modify(max_instances=1, coalesce=True, misfire_grace_time=None)
    scheduler._lookup_executor(job.executor).submit_job(job, [NOW])


def _wait_for(check: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_slow_sources_never_hold_up_the_heartbeat_or_notify(engine: Engine, hanging: str) -> None:
    config = _config(hanging)
    scheduler = build_scheduler(config, engine)
    if "default" not in scheduler._executors:  # as start() would add it
        scheduler.add_executor(scheduler._create_default_executor(), "default")
    for alias, executor in scheduler._executors.items():
        executor.start(scheduler, alias)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        for n in range(SOURCES):
            _submit(scheduler, jobs[f"source:s{n:02d}"])
        time.sleep(0.5)  # every scrape has started and hangs on its page
        _submit(scheduler, jobs["heartbeat"])
        _submit(scheduler, jobs["notify"])

        def beaten() -> bool:
            with Session(engine) as s:
                return s.get(Heartbeat, "scheduler") is not None

        assert _wait_for(beaten, 10), "the heartbeat waited behind hung scrapes"
        notify_pool = scheduler._lookup_executor(jobs["notify"].executor)
        assert _wait_for(lambda: not notify_pool._instances.get("notify"), 10), (
            "notify waited behind hung scrapes"
        )
    finally:
        RELEASE.set()
        for executor in scheduler._executors.values():
            executor.shutdown(wait=True)
