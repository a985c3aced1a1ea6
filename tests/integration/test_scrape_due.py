"""``tracker scrape --due``: cron every 15 minutes runs each source on its own schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from tests.integration.test_cli import _config
from tracker.cli.main import app
from tracker.config import Config, DefaultsConfig, SourceConfig
from tracker.db import make_engine
from tracker.models import RunStatus, ScrapeRun
from tracker.ops.due import due_sources
from tracker.ops.replay import ReplayServer

# 06:10 in Amsterdam (winter time)
NOW = datetime(2026, 11, 27, 5, 10, tzinfo=UTC)


def _source(schedule: str | None = None) -> SourceConfig:
    return SourceConfig(scraper="html_page", url="https://a.example/", level="rijk",
                        schedule=schedule)  # fmt: skip


def _ran(engine: Engine, source_id: str, started: datetime, status: str = RunStatus.OK) -> None:
    with Session(engine) as s:
        s.add(ScrapeRun(source_id=source_id, started_at=started, status=status))
        s.commit()


def test_a_source_is_due_once_its_schedule_fired_since_its_last_run(engine: Engine) -> None:
    config = Config(
        defaults=DefaultsConfig(schedule="0 * * * *"),  # hourly
        sources={
            "daily": _source("0 6 * * *"),  # 06:00 Amsterdam = 05:00 UTC in November
            "ran_today": _source("0 6 * * *"),
            "hourly": _source(),  # the default schedule
            "never": _source("0 6 * * *"),
            "other": _source("0 6 * * *"),  # refused: another instance ran it for 06:00
        },
    )
    _ran(engine, "daily", NOW - timedelta(days=1))  # yesterday 06:10
    _ran(engine, "ran_today", NOW - timedelta(minutes=9))  # 06:01, after today's 06:00
    _ran(engine, "hourly", NOW - timedelta(minutes=30))  # 05:40, before 06:00
    _ran(engine, "other", NOW - timedelta(minutes=10), RunStatus.REFUSED)  # at 06:00:00
    ids = list(config.sources)
    assert due_sources(config, engine, ids, NOW) == ["daily", "hourly", "never"]
    # a quarter of an hour earlier (05:55) only the one that never ran was due
    assert due_sources(config, engine, ["daily", "never"], NOW - timedelta(minutes=15)) == ["never"]


def test_scrape_due_from_cron_runs_a_source_once_per_fire_time(
    tmp_path: Path, replay: ReplayServer
) -> None:
    config = _config(tmp_path, replay)
    text = config.read_text(encoding="utf-8")
    # yearly: the second invocation, moments after the first, finds nothing due
    config.write_text(text.replace('level = "rijk"', 'level = "rijk"\nschedule = "0 6 1 1 *"'))
    runner = CliRunner()
    first = runner.invoke(app, ["scrape", "--config", str(config), "--due", "-q"])
    assert (first.exit_code, first.output) == (0, "")
    second = runner.invoke(app, ["scrape", "--config", str(config), "--due"])
    assert second.exit_code == 0, second.output
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with Session(engine) as s:
        counts = dict(
            s.exec(select(ScrapeRun.source_id, func.count()).group_by(ScrapeRun.source_id)).all()
        )
    engine.dispose()
    # nl_stcrt (yearly) ran once; nl_prb_all (the default schedule) may have been due again
    assert counts["nl_stcrt"] == 1 and counts["nl_prb_all"] >= 1
