"""Source health for the Bronnen page, the overview and the API: last run and problems."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from tracker.config import Config
from tracker.ingest.lease import LEASE_TTL
from tracker.ingest.overrides import orphaned
from tracker.models import RunStatus, ScrapeRun, Source, SourceOverride
from tracker.read.errors_nl import message_nl

HISTORY = 6


@dataclass
class SourceHealth:
    id: str
    title: str
    level: str
    configured: bool
    enabled: bool
    url: str
    last_run: ScrapeRun | None
    consecutive_failures: int
    running: bool = False
    override: SourceOverride | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float | None:
        run = self.last_run
        if run is None or run.finished_at is None:
            return None
        return (run.finished_at - run.started_at).total_seconds()

    @property
    def flagged(self) -> bool:
        return bool(self.problems)

    @property
    def last_error(self) -> str:
        """The last run's error as the fetch or parse layer stated it (English, technical)."""
        return self.last_run.error if self.last_run is not None else ""

    @property
    def last_error_nl(self) -> str:
        """The last run's error for staff, in Dutch (``tracker.read.errors_nl``)."""
        return message_nl(self.last_error)


def run_problems(runs: list[ScrapeRun], failures: int, config: Config) -> list[str]:
    """Why a source needs attention, judged from its recent runs (newest first).

    A refused run (another run held the lease) fetched nothing: it says nothing about the
    source, so the item counts are judged on the runs that really ran.
    """
    problems = []
    runs = [r for r in runs if r.status != RunStatus.REFUSED]
    if failures >= config.defaults.max_failures:
        problems.append(f"{failures} mislukte runs op rij")
    elif failures:
        problems.append("laatste run mislukt")
    if runs and runs[0].status != RunStatus.FAILED:
        healthy = [r.items_found for r in runs[1:] if r.status == RunStatus.OK and r.items_found]
        if healthy:
            usual = statistics.median(healthy)
            # the run's own rule (tracker.ingest.pipeline._judge_count): at most the share
            if runs[0].items_found <= usual * config.defaults.degraded_ratio:
                problems.append(f"veel minder items: {runs[0].items_found} (gewoonlijk {usual:g})")
    return problems


def source_health(
    session: Session, config: Config, running: set[str], now: datetime | None = None
) -> list[SourceHealth]:
    """``running``: sources with a "run now" thread in this process; a source whose run lease
    is older than ``LEASE_TTL`` (its run died without releasing it) is not running."""
    moment = now or datetime.now(UTC)
    rows = {s.id: s for s in session.exec(select(Source)).all()}
    overrides = {o.source_id: o for o in session.exec(select(SourceOverride)).all()}
    ids = list(config.sources) + sorted((set(rows) | set(overrides)) - set(config.sources))
    result = []
    for sid in ids:
        cfg = config.sources.get(sid)
        row, override = rows.get(sid), overrides.get(sid)
        runs = list(
            session.exec(
                select(ScrapeRun)
                .where(ScrapeRun.source_id == sid)
                .order_by(col(ScrapeRun.started_at).desc(), col(ScrapeRun.id).desc())
                .limit(HISTORY)
            ).all()
        )
        failures = row.consecutive_failures if row else 0
        health = SourceHealth(
            id=sid,
            title=(cfg.title if cfg else "")
            or (row.title if row else "")
            or (override.title if override else "")
            or sid,
            level=cfg.level if cfg else (override.level if override else ""),
            configured=cfg is not None,
            enabled=bool(cfg and cfg.enabled),
            url=cfg.url if cfg else (override.url if override else ""),
            last_run=runs[0] if runs else None,
            consecutive_failures=failures,
            running=sid in running
            or bool(row and row.locked_at and row.locked_at >= moment - LEASE_TTL),
            override=override,
            problems=run_problems(runs, failures, config),
        )
        if override is not None and orphaned(config, override):
            health.problems.append(
                "niet meer in de configuratie: de URL uit het beheer wordt niet gebruikt"
            )
        if row and row.flagged and row.flag_reason and not health.problems:
            health.problems.append(message_nl(row.flag_reason))
        result.append(health)
    return result
