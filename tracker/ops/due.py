"""``tracker scrape --due``: the sources whose schedule fired since their last run began.

Cron runs ``tracker scrape`` every few minutes; without this every source would be fetched
each time, whatever its ``schedule`` (a daily source 96 times a day at ``*/15``). A source is
due when its cron line (the one ``tracker run`` uses, in Europe/Amsterdam) fired after the
start of its last recorded run, or when it never ran. A run another instance started for that
fire time counts, so two instances on one database do not both run it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from tracker.config import Config
from tracker.models import ScrapeRun
from tracker.ops.cron import cron_trigger


def source_schedule(config: Config, source_id: str) -> str:
    """The source's cron line; a source staff added on the dashboard has the default one."""
    source = config.sources.get(source_id)
    return (source.schedule if source else "") or config.defaults.schedule


def last_started(engine: Engine, ids: Sequence[str]) -> dict[str, datetime]:
    """When each source's last run (of any outcome) began."""
    found: dict[str, datetime] = {}
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            rows = conn.execute(
                sa.select(col(ScrapeRun.source_id), sa.func.max(col(ScrapeRun.started_at)))
                .where(col(ScrapeRun.source_id).in_(chunk))
                .group_by(col(ScrapeRun.source_id))
            )
            found.update((sid, started) for sid, started in rows)
    return found


def due_sources(config: Config, engine: Engine, ids: Sequence[str], now: datetime) -> list[str]:
    """The ``ids`` whose schedule fired after their last run began (and at or before ``now``)."""
    started = last_started(engine, ids)
    due = []
    for sid in ids:
        last = started.get(sid)
        if last is None:
            due.append(sid)
            continue
        fire = cron_trigger(source_schedule(config, sid)).get_next_fire_time(
            None, last + timedelta(microseconds=1)
        )
        if fire is not None and fire <= now:
            due.append(sid)
    return due
