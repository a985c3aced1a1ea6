"""A silent cap is a defect (issue 14): when max_pages cuts a listing short the run is
degraded with a message saying so, also when every page answered 304."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW, STCRT, make_config
from tracker.ingest.pipeline import run_source
from tracker.models import ScrapeRun, Source
from tracker.ops.replay import ReplayServer


def test_page_cap_marks_the_run_degraded(engine: Engine, replay: ReplayServer) -> None:
    config = make_config(replay, {"stcrt": {**STCRT, "max_pages": 1}})
    first = run_source(config, engine, "stcrt", now=NOW)
    assert first.status == "degraded"
    assert "paginalimiet van 1 bereikt" in first.error
    again = run_source(config, engine, "stcrt", now=NOW + timedelta(hours=6))
    assert again.not_modified == again.requests > 0
    assert again.status == "degraded" and "paginalimiet" in again.error
    with Session(engine) as s:
        runs = s.exec(select(ScrapeRun)).all()
        source = s.get(Source, "stcrt")
    assert [r.status for r in runs] == ["degraded", "degraded"]
    assert source is not None and source.flagged and "paginalimiet" in source.flag_reason


def test_without_the_cap_the_same_source_is_ok(engine: Engine, replay: ReplayServer) -> None:
    config = make_config(replay, {"stcrt": STCRT})
    assert run_source(config, engine, "stcrt", now=NOW).status == "ok"
