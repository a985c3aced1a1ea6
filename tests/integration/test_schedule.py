"""``tracker run``'s scheduler under load: slow sources must not hold up the other jobs."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import REPO_ROOT
from tests.local_site import Quiet, reply, serving
from tracker.config import Config, HttpConfig, SourceConfig
from tracker.ingest.hostgate import HostGate
from tracker.ingest.lease import LEASE_TTL
from tracker.ingest.pipeline import STOPPING, RunResult, _result, run_sources, stop_runs
from tracker.models import Heartbeat, RunStatus, ScrapeRun, Source
from tracker.ops import batch, schedule
from tracker.ops.batch import SourceBatcher
from tracker.ops.schedule import build_scheduler, run_source_job
from tracker.read.errors_nl import message_nl
from tracker.read.health import source_health

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
    batcher = SourceBatcher(config, engine, gather=0.1)
    scheduler = build_scheduler(config, engine, batcher)
    if "default" not in scheduler._executors:  # as start() would add it
        scheduler.add_executor(scheduler._create_default_executor(), "default")
    for alias, executor in scheduler._executors.items():
        executor.start(scheduler, alias)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        for n in range(SOURCES):
            _submit(scheduler, jobs[f"source:s{n:02d}"])

        def scraping() -> bool:  # the batch holds the sources' leases while it hangs
            with Session(engine) as s:
                row = s.get(Source, "s00")
                return row is not None and row.locked_at is not None

        assert _wait_for(scraping, 10), "the due sources did not start scraping"
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
        batcher.close()  # the scrapes end before the engine is disposed


PAGE = (
    b"<html><body><main><h1>Subsidie scholing</h1><p>Aanvragen kan van 1 maart 2027 tot en met"
    b" 31 maart 2027.</p></main></body></html>"
)


class _Counting(Quiet):
    """Notes when every request starts and how many pages are in flight at once."""

    lock = threading.Lock()
    in_flight = 0
    most = 0
    starts: list[float] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        cls = type(self)
        with cls.lock:
            cls.starts.append(time.monotonic())
        if self.path == "/robots.txt":
            reply(self, 200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
            return
        with cls.lock:
            cls.in_flight += 1
            cls.most = max(cls.most, cls.in_flight)
        time.sleep(0.2)
        with cls.lock:  # before the answer leaves: the client may then send its next request
            cls.in_flight -= 1
        reply(self, 200, PAGE, {})


def _jobs_at_once(engine: Engine, http: HttpConfig, jobs: int) -> None:
    """Run ``jobs`` scrapes of sources on one host at once in one process, each with its own
    event loop and fetcher: what ``tracker run`` did for sources sharing a schedule before its
    batcher, and still does for batches of different schedules whose moments meet."""
    _Counting.in_flight, _Counting.most, _Counting.starts = 0, 0, []
    with serving(_Counting) as base:
        sources = {
            f"s{n:02d}": SourceConfig(scraper="html_page", url=f"{base}/p{n}", level="rijk")
            for n in range(jobs)
        }
        config = Config(http=http, sources=sources)
        threads = [
            threading.Thread(target=run_source_job, args=(config, engine, sid, NOW))
            for sid in sources
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    with Session(engine) as s:
        runs = s.exec(select(ScrapeRun)).all()
    assert sorted(r.status for r in runs) == [RunStatus.OK] * jobs


def test_scrapes_at_once_on_one_host_share_its_concurrency_limit(engine: Engine) -> None:
    """Fault injection: six scrapes of one host's sources run at once. With limits kept per
    fetcher, each had its own slot and the host got six pages at a time."""
    http = HttpConfig(min_delay=0.0, retries=0, timeout=30.0, allow_private_hosts=True,
                      per_host_concurrency=1)  # fmt: skip
    _jobs_at_once(engine, http, 6)
    assert _Counting.most == 1


def test_scrapes_at_once_on_one_host_keep_its_spacing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same with ``min_delay``: every request to the host (robots.txt included) leaves
    that long after the one before, whichever scrape sends it; per fetcher, the first
    requests of all scrapes left together. Timed where a request leaves the gate, not where
    it arrives: the local server shares the process with the busy scrapes and sometimes
    reads several arrivals at once (seen on PostgreSQL: three within 5 ms)."""
    left: list[float] = []
    real_space = HostGate.space

    async def timed(gate: HostGate) -> None:
        await real_space(gate)
        left.append(time.monotonic())

    monkeypatch.setattr(HostGate, "space", timed)
    http = HttpConfig(min_delay=0.3, retries=0, timeout=30.0, allow_private_hosts=True,
                      per_host_concurrency=2)  # fmt: skip
    _jobs_at_once(engine, http, 3)
    assert len(left) == len(_Counting.starts) >= 4  # every request the host got passed the gate
    starts = sorted(left)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.29  # asyncio may wake a timer up to a clock tick early


def test_sources_due_together_scrape_as_one_cycle(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduler's jobs of sources due at one moment hand them to the batcher, which runs
    them as one ``run_sources``: 500 unchanged pages took 19-25 s as 500 one-source cycles
    and 1.2 s as one (issue 14). A source still queued is not queued twice."""
    calls: list[list[str]] = []

    def recorded(config: Config, engine: Engine, ids: list[str]) -> list[RunResult]:
        calls.append(list(ids))
        return run_sources(config, engine, ids)

    monkeypatch.setattr(batch, "run_sources", recorded)
    http = HttpConfig(min_delay=0.0, retries=0, timeout=30.0, allow_private_hosts=True)
    with serving(_Counting) as base:
        sources = {
            f"s{n:02d}": SourceConfig(
                scraper="html_page", url=f"{base}/p{n}", level="rijk", schedule="0 6 * * *"
            )  # fmt: skip
            for n in range(6)
        }
        config = Config(http=http, sources=sources)
        batcher = SourceBatcher(config, engine, gather=0.5)
        scheduler = build_scheduler(config, engine, batcher)
        jobs = [job for job in scheduler.get_jobs() if job.id.startswith("source:")]
        assert len(jobs) == 6
        for job in jobs:  # what the scheduler's loop runs when their moment comes
            job.func(*job.args)
        assert not batcher.add("s00")  # already queued
        batcher.close()
    assert calls == [sorted(sources)]
    with Session(engine) as s:
        runs = s.exec(select(ScrapeRun)).all()
    assert sorted((r.source_id, r.status) for r in runs) == [
        (sid, RunStatus.OK) for sid in sorted(sources)
    ]


def test_a_source_removed_before_its_batch_runs_does_not_fail_the_others(
    engine: Engine,
) -> None:
    """A staff-added source deleted between its job and its batch is an unknown id for
    ``run_sources``; the batch's other sources still scrape."""
    http = HttpConfig(min_delay=0.0, retries=0, timeout=30.0, allow_private_hosts=True)
    with serving(_Counting) as base:
        config = Config(http=http, sources={
            "s00": SourceConfig(scraper="html_page", url=f"{base}/p0", level="rijk")})  # fmt: skip
        batcher = SourceBatcher(config, engine, gather=0.2)
        assert batcher.add("nl_staff_gone") and batcher.add("s00")
        batcher.close()
    with Session(engine) as s:
        runs = s.exec(select(ScrapeRun)).all()
    assert [(r.source_id, r.status) for r in runs] == [("s00", RunStatus.OK)]


@pytest.fixture
def stopping() -> Iterator[None]:
    """``tracker run`` shutting down; the flag is this process's, so it is cleared after."""
    yield
    STOPPING.clear()


def test_sources_queued_when_tracker_run_stops_are_not_scraped(
    engine: Engine, stopping: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def recorded(config: Config, engine: Engine, ids: list[str]) -> list[RunResult]:
        calls.append(ids)
        return []

    monkeypatch.setattr(batch, "run_sources", recorded)
    batcher = SourceBatcher(Config(), engine, gather=0.5)
    assert batcher.add("s00")
    stop_runs()  # SIGTERM within the gathering second
    assert not batcher.add("s01")
    batcher.close()
    assert calls == []


def test_a_stopped_scheduler_records_its_running_scrape_and_releases_the_lease(
    engine: Engine, hanging: str, stopping: None
) -> None:
    config = _config(hanging)
    job = threading.Thread(target=run_source_job, args=(config, engine, "s00", NOW))
    job.start()

    def leased() -> bool:
        with Session(engine) as s:
            row = s.get(Source, "s00")
            return row is not None and row.locked_at is not None

    assert _wait_for(leased, 10)
    time.sleep(0.3)  # the page is being fetched (and hangs)
    stop_runs()  # what SIGTERM or Ctrl-C does in ``tracker run``
    job.join(timeout=10)
    assert not job.is_alive(), "the scrape did not stop"
    with Session(engine) as s:
        row = s.get(Source, "s00")
        runs = s.exec(select(ScrapeRun).where(ScrapeRun.source_id == "s00")).all()
        assert row is not None and row.locked_at is None and not row.locked_by
        assert [(r.status, message_nl(r.error)) for r in runs] == [
            (RunStatus.FAILED, "gestopt: de planner werd afgesloten")
        ]
    run_source_job(config, engine, "s01", NOW)  # due while stopping: not started at all
    with Session(engine) as s:
        assert s.get(Source, "s01") is None


def test_sigterm_stops_tracker_run_with_a_log_line(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{db}"\n')
    env = {**os.environ, "TRACKER_CONFIG": str(cfg), "TRACKER_SECRET_KEY": "x"}
    tracker = [sys.executable, "-m", "tracker"]
    subprocess.run(
        [*tracker, "db", "upgrade"], cwd=REPO_ROOT, env=env, check=True, capture_output=True
    )
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*tracker, "-v", "run"], cwd=REPO_ROOT, env=env, stdout=out, stderr=out
        )
        try:
            assert _wait_for(lambda: "scheduler started" in log.read_text(), 30), log.read_text()
            proc.send_signal(signal.SIGTERM)
            for _ in range(300):
                if proc.poll() is not None:
                    break
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, log.read_text()
    assert "scheduler stopped" in log.read_text()


def test_sigterm_during_the_catch_up_tick_still_stops_cleanly(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    stopping: None,
) -> None:
    """Fault injection: SIGTERM arrives while the catch-up tick runs, before the scheduler
    does. Raised there as an exception, it escaped the clean shutdown (no "scheduler stopped",
    scrapes not marked stopped); inside the scheduler's start-up it could be lost altogether."""

    real_tick = schedule.tick_job

    def tick_then_sigterm(config: Config, engine: Engine) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        real_tick(config, engine)

    monkeypatch.setattr(schedule, "tick_job", tick_then_sigterm)
    before = signal.getsignal(signal.SIGTERM)
    caplog.set_level(logging.INFO, logger="tracker.ops.schedule")
    schedule.run_scheduler(Config(), engine)
    assert "scheduler stopped" in caplog.text
    assert signal.getsignal(signal.SIGTERM) is before  # the test process's own handler is back


def test_a_lease_past_its_ttl_is_not_a_running_source(engine: Engine) -> None:
    config = Config(sources={"a": SourceConfig(scraper="html_page", url="https://a.example/",
                                                level="rijk")})  # fmt: skip
    with Session(engine) as s:
        s.add(Source(id="a", title="a", level="rijk", locked_by="h:1", locked_at=NOW))
        s.commit()
        (fresh,) = source_health(s, config, set(), NOW + LEASE_TTL - timedelta(seconds=1))
        (dead,) = source_health(s, config, set(), NOW + LEASE_TTL + timedelta(seconds=1))
    assert fresh.running and not dead.running


@pytest.mark.parametrize(
    ("status", "level"),
    [
        (RunStatus.FAILED, logging.WARNING),
        (RunStatus.DEGRADED, logging.WARNING),
        (RunStatus.OK, logging.INFO),
        (RunStatus.UNCHANGED, logging.INFO),
    ],
)
def test_a_failed_or_degraded_scheduled_scrape_is_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, status: str, level: int
) -> None:
    result = _result("s00", RunStatus(status), NOW, error="HTTP 500 from https://a.example/")
    monkeypatch.setattr(batch, "run_sources", lambda *a, **k: [result])
    with caplog.at_level(logging.INFO, logger=batch.__name__):
        batcher = SourceBatcher(Config(), cast(Engine, None), gather=0.0)
        assert batcher.add("s00")
        batcher.close()
    assert [(r.levelno, r.getMessage().split()[1]) for r in caplog.records] == [(level, status)]
