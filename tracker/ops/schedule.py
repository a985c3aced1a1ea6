"""``tracker run``: an APScheduler 3 scheduler driving the same functions as cron would.

One CronTrigger job per enabled source (its ``schedule``, else ``[defaults] schedule``) hands
the source to ``batch.SourceBatcher``, which scrapes the sources due together as one
``pipeline.run_sources`` cycle; ``tick`` runs hourly; ``notify`` runs every ``[alerts]
notify_minutes`` and builds the daily and weekly digests when their hour has come. Jobs do not
overlap themselves (``max_instances=1``) and missed runs are coalesced into one. Several
instances may run on one PostgreSQL database: runs take leases, notify claims rows and tick is
serialised, so nothing happens twice. A heartbeat every minute tells GET /readyz it is alive;
at 03:35 old raw HTTP bodies are pruned (``[http] body_retention_days``).

Scrapes run in the batcher's own bounded thread pool: many slow sources due at once fill only
that pool, so the heartbeat, notify, tick, retention and the staff-sources sync (in the
``default`` pool, one thread each) never queue behind them.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.alerts.lifecycle import tick
from tracker.alerts.notify import notify
from tracker.config import Config
from tracker.db import serialise, session_scope
from tracker.ingest.overrides import staff_source_ids
from tracker.ingest.pipeline import STOPPING, run_sources, stop_runs
from tracker.models import Heartbeat
from tracker.ops.batch import SourceBatcher, log_result
from tracker.ops.cron import cron_trigger
from tracker.ops.retention import prune_http_bodies
from tracker.read.timefmt import AMSTERDAM

logger = logging.getLogger(__name__)

SOURCE_JOB = "source:"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
SOURCE_EXECUTOR = "sources"
# the source jobs only hand their source to the batcher, whose own pool scrapes; they keep a
# pool of their own all the same, so hundreds due at once never queue the other jobs (five
# at most, in their own pool)
SOURCE_WORKERS = 8
OTHER_WORKERS = 6


def run_source_job(
    config: Config, engine: Engine, source_id: str, now: datetime | None = None
) -> None:
    if STOPPING.is_set():  # queued when the scheduler began to shut down
        return
    for result in run_sources(config, engine, [source_id], now=now):
        log_result(result)


def tick_job(config: Config, engine: Engine, now: datetime | None = None) -> None:
    moment = now or datetime.now(UTC)
    with session_scope(engine) as session:
        serialise(session, "tick")  # several instances: one tick at a time, none twice
        tick(session, config.alerts, moment, config.review)
        record_heartbeat(session, "tick", moment)


def notify_job(config: Config, engine: Engine, now: datetime | None = None) -> None:
    result = notify(config, engine, now=now)
    if result.error:
        logger.warning("notify: %s", result.error)


def retention_job(config: Config, engine: Engine, now: datetime | None = None) -> None:
    """Drop old raw HTTP bodies (``[http] body_retention_days``); validators are kept."""
    with session_scope(engine) as session:
        serialise(session, "retention")
        prune_http_bodies(session, now or datetime.now(UTC), config.http.body_retention_days)


def heartbeat_job(engine: Engine, now: datetime | None = None) -> None:
    with session_scope(engine) as session:
        serialise(session, "heartbeat")
        record_heartbeat(session, "scheduler", now or datetime.now(UTC))


def record_heartbeat(session: Session, name: str, now: datetime) -> None:
    """Note that ``name`` (scheduler, tick) is alive; GET /readyz reads it."""
    beat = session.get(Heartbeat, name) or Heartbeat(name=name)
    beat.owner, beat.beat_at = f"{socket.gethostname()}:{os.getpid()}", now
    session.add(beat)


# how often the scheduler looks for sources staff added or removed on the dashboard
STAFF_SOURCES_MINUTES = 5


def _add_source_job(
    scheduler: BaseScheduler, batcher: SourceBatcher, source_id: str, cron: str
) -> None:
    scheduler.add_job(
        batcher.add,
        cron_trigger(cron),
        args=(source_id,),
        id=f"{SOURCE_JOB}{source_id}",
        name=f"scrape {source_id}",
        executor=SOURCE_EXECUTOR,
    )


def sync_staff_sources(
    scheduler: BaseScheduler, config: Config, engine: Engine, batcher: SourceBatcher
) -> None:
    """Give each source staff added on the dashboard a job on ``[defaults] schedule``, and
    drop the jobs of ones no longer there: they run without a restart of ``tracker run``."""
    wanted = set(staff_source_ids(config, engine))
    have = {
        job.id.removeprefix(SOURCE_JOB)
        for job in scheduler.get_jobs()
        if job.id.startswith(SOURCE_JOB) and job.id.removeprefix(SOURCE_JOB) not in config.sources
    }
    for source_id in sorted(wanted - have):
        logger.info("scheduling staff-added source %s", source_id)
        _add_source_job(scheduler, batcher, source_id, config.defaults.schedule)
    for source_id in sorted(have - wanted):
        logger.info("unscheduling removed staff source %s", source_id)
        scheduler.remove_job(f"{SOURCE_JOB}{source_id}")


def build_scheduler(
    config: Config, engine: Engine, batcher: SourceBatcher | None = None
) -> BackgroundScheduler:
    """The scheduler with all jobs added, not started; its source jobs hand their sources to
    ``batcher`` (a new one when none is given; ``run_scheduler`` closes its own)."""
    batcher = batcher or SourceBatcher(config, engine)
    executors = {
        "default": ThreadPoolExecutor(OTHER_WORKERS),
        SOURCE_EXECUTOR: ThreadPoolExecutor(SOURCE_WORKERS),
    }
    scheduler = BackgroundScheduler(
        timezone=AMSTERDAM, job_defaults=JOB_DEFAULTS, executors=executors
    )
    for source_id in config.enabled_sources():
        cron = config.sources[source_id].schedule or config.defaults.schedule
        _add_source_job(scheduler, batcher, source_id, cron)
    sync_staff_sources(scheduler, config, engine, batcher)
    scheduler.add_job(
        sync_staff_sources,
        IntervalTrigger(minutes=STAFF_SOURCES_MINUTES, timezone=AMSTERDAM),
        args=(scheduler, config, engine, batcher),
        id="staff-sources",
        name="staff-sources",
    )
    scheduler.add_job(tick_job, CronTrigger(minute=5, timezone=AMSTERDAM),
                      args=(config, engine), id="tick", name="tick")  # fmt: skip
    if config.http.body_retention_days:
        scheduler.add_job(retention_job, CronTrigger(hour=3, minute=35, timezone=AMSTERDAM),
                          args=(config, engine), id="retention", name="retention")  # fmt: skip
    scheduler.add_job(heartbeat_job, IntervalTrigger(minutes=1, timezone=AMSTERDAM),
                      args=(engine,), id="heartbeat", name="heartbeat")  # fmt: skip
    scheduler.add_job(
        notify_job,
        IntervalTrigger(minutes=config.alerts.notify_minutes, timezone=AMSTERDAM),
        args=(config, engine),
        id="notify",
        name="notify",
    )
    return scheduler


# how often the main thread looks whether SIGTERM or Ctrl-C asked it to stop
STOP_POLL_SECONDS = 0.2


class _StopRequest:
    """Set by SIGTERM (systemd, docker stop, kill) and SIGINT (Ctrl-C).

    The handler only sets a flag: an exception raised from a signal handler lands wherever the
    main thread happens to be (inside the scheduler's start-up, a lock, a library's
    ``except BaseException``), and a stop lost there left ``tracker run`` running until killed."""

    def __init__(self) -> None:
        self.asked = False

    def __call__(self, signum: int, frame: object) -> None:
        self.asked = True


def run_scheduler(config: Config, engine: Engine, stop: _StopRequest | None = None) -> None:
    """Catch up once (tick after downtime), then run until interrupted (Ctrl-C or SIGTERM).

    On the way out, scrapes still fetching stop and are recorded as failed runs ("gestopt"),
    their leases released, and the other running jobs finish."""
    stop = stop or _StopRequest()
    before = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        tick_job(config, engine)
        heartbeat_job(engine)
        batcher = SourceBatcher(config, engine)
        scheduler = build_scheduler(config, engine, batcher)
        logger.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
        scheduler.start()
        try:
            while not stop.asked:
                time.sleep(STOP_POLL_SECONDS)
        finally:
            logger.info("scheduler stopping: running scrapes are stopped")
            stop_runs()
            scheduler.shutdown(wait=True)
            batcher.close()
            logger.info("scheduler stopped")
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
