"""``tracker run``: APScheduler 3 BlockingScheduler driving the same functions as cron would.

One CronTrigger job per enabled source (its ``schedule``, else ``[defaults] schedule``) calls
``pipeline.run_sources``; ``tick`` runs hourly; ``notify`` runs every ``[alerts]
notify_minutes`` and builds the daily and weekly digests when their hour has come. Jobs do not
overlap themselves (``max_instances=1``) and missed runs are coalesced into one.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from tracker.alerts.lifecycle import tick
from tracker.alerts.notify import notify
from tracker.config import Config
from tracker.db import session_scope
from tracker.ingest.pipeline import run_sources
from tracker.read.timefmt import AMSTERDAM

logger = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def cron_trigger(expr: str) -> CronTrigger:
    """A CronTrigger for a crontab line, with crontab's day-of-week numbers.

    APScheduler 3 numbers weekdays from Monday = 0, so ``from_crontab("… 1-5")`` would run
    Tuesday to Saturday; numeric weekdays are therefore spelled out as names first.
    """
    fields = expr.split()
    if len(fields) == 5:
        fields[4] = _weekday_names(fields[4])
    return CronTrigger.from_crontab(" ".join(fields), timezone=AMSTERDAM)


def _weekday_names(field: str) -> str:
    if not any(ch.isdigit() for ch in field):
        return field
    days: list[int] = []
    for part in field.split(","):
        span, _slash, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        else:
            low, _dash, high = span.partition("-")
            first, last = int(low), int(high or (6 if step else low))
        days += range(first, last + 1, int(step or 1))
    return ",".join(dict.fromkeys(CRON_DAYS[d % 7] for d in days))


def run_source_job(config: Config, engine: Engine, source_id: str) -> None:
    for result in run_sources(config, engine, [source_id]):
        logger.info("%s: %s %s", result.source_id, result.status, result.error)


def tick_job(config: Config, engine: Engine) -> None:
    with session_scope(engine) as session:
        tick(session, config.alerts, datetime.now(UTC), config.review)


def notify_job(config: Config, engine: Engine) -> None:
    result = notify(config, engine)
    if result.error:
        logger.warning("notify: %s", result.error)


def build_scheduler(config: Config, engine: Engine) -> BlockingScheduler:
    """The scheduler with all jobs added, not started."""
    scheduler = BlockingScheduler(timezone=AMSTERDAM, job_defaults=JOB_DEFAULTS)
    for source_id in config.enabled_sources():
        cron = config.sources[source_id].schedule or config.defaults.schedule
        scheduler.add_job(
            run_source_job,
            cron_trigger(cron),
            args=(config, engine, source_id),
            id=f"source:{source_id}",
            name=f"scrape {source_id}",
        )
    scheduler.add_job(tick_job, CronTrigger(minute=5, timezone=AMSTERDAM),
                      args=(config, engine), id="tick", name="tick")  # fmt: skip
    scheduler.add_job(
        notify_job,
        IntervalTrigger(minutes=config.alerts.notify_minutes, timezone=AMSTERDAM),
        args=(config, engine),
        id="notify",
        name="notify",
    )
    return scheduler


def run_scheduler(config: Config, engine: Engine) -> None:
    """Catch up once (tick after downtime), then run until interrupted."""
    tick_job(config, engine)
    scheduler = build_scheduler(config, engine)
    logger.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        logger.info("scheduler stopped")
