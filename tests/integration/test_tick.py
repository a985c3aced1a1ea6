"""`tick` over a simulated week with a frozen clock, including downtime, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from tests.integration._alerts import add_scheme
from tracker.alerts.lifecycle import tick
from tracker.config import AlertsConfig
from tracker.db import session_scope
from tracker.models import Event, Window

START = datetime(2027, 2, 27, 9, tzinfo=UTC)  # Saturday
OPENS = datetime(2027, 3, 1, 8, tzinfo=UTC)  # Monday 09:00 Amsterdam
CLOSES = datetime(2027, 3, 5, 16, tzinfo=UTC)  # Friday 17:00 Amsterdam
ALERTS = AlertsConfig(opening_soon_days=14, closing_soon_days=7)


def _tick(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return [e.kind for e in tick(session, ALERTS, datetime.now(UTC))]


def _kinds(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return [e.kind for e in s.exec(select(Event).order_by(col(Event.id))).all()]


def test_hourly_ticks_over_a_week_emit_each_event_once(engine: Engine) -> None:
    add_scheme(engine, "Regeling Vakmanschap", created=START - timedelta(days=30),
               opens=OPENS, closes=CLOSES)  # fmt: skip
    seen: dict[str, datetime] = {}
    with freeze_time(START) as clock:
        for _hour in range(24 * 7):
            for kind in _tick(engine):
                seen.setdefault(kind, datetime.now(UTC))
            clock.tick(timedelta(hours=1))
    assert _kinds(engine) == [
        "window_opening_soon", "window_opened", "window_closing_soon", "window_closed",
    ]  # fmt: skip
    assert seen["window_opening_soon"] == START
    assert seen["window_opened"] == OPENS  # the first hourly tick at or after the moment
    assert seen["window_closing_soon"] == OPENS  # closes within 7 days of opening
    assert seen["window_closed"] == CLOSES


def test_downtime_catches_up_once(engine: Engine) -> None:
    add_scheme(engine, "Regeling A", created=START, opens=OPENS, closes=CLOSES + timedelta(days=30))
    add_scheme(engine, "Regeling B", created=START, opens=OPENS, closes=CLOSES)
    with freeze_time(START):
        assert sorted(_tick(engine)) == ["window_opening_soon", "window_opening_soon"]
    # down from Saturday to Saturday: A opened meanwhile, B opened and closed
    with freeze_time(CLOSES + timedelta(days=1)):
        assert sorted(_tick(engine)) == ["window_closed", "window_opened"]
        assert _tick(engine) == [], "a second tick adds nothing"
    with Session(engine) as s:
        opened = s.exec(select(Event).where(Event.kind == "window_opened")).one()
        window = s.get(Window, opened.window_id)
        assert window is not None and window.closes_at is not None
        assert window.closes_at > CLOSES, "the opened event is for A, which is still open"


def test_moved_dates_give_new_events_and_budget_closes_early(engine: Engine) -> None:
    _sid, wid = add_scheme(engine, "Regeling C", created=START, opens=OPENS, closes=CLOSES)
    with freeze_time(OPENS + timedelta(hours=1)):
        assert _tick(engine) == ["window_opened", "window_closing_soon"]
        with session_scope(engine) as s:
            window = s.get(Window, wid)
            assert window is not None
            window.budget_exhausted = True
            s.add(window)
        assert _tick(engine) == ["budget_exhausted"]
    with freeze_time(CLOSES + timedelta(hours=1)):
        assert _tick(engine) == [], "closed early: no separate window_closed"


def test_cli_tick_uses_the_clock(engine: Engine, tmp_path: object, db_url: str) -> None:
    from pathlib import Path

    from tracker.cli.main import app

    add_scheme(engine, "Regeling D", created=START, opens=OPENS, closes=CLOSES)
    config = Path(str(tmp_path)) / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    with freeze_time(OPENS + timedelta(minutes=5)):
        result = CliRunner().invoke(app, ["tick", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "2 nieuwe signalen" in result.output
    assert _kinds(engine) == ["window_opened", "window_closing_soon"]


def test_tick_holds_events_of_windows_waiting_for_review(engine: Engine) -> None:
    from tracker.config import ReviewConfig

    _sid, window_id = add_scheme(engine, "Regeling Twijfel", created=START - timedelta(days=30),
                                 opens=OPENS, closes=CLOSES)  # fmt: skip
    with Session(engine) as s:
        window = s.get(Window, window_id)
        assert window is not None
        window.confidence = 0.3  # a vague extraction staff has not checked yet
        s.add(window)
        s.commit()
    review = ReviewConfig(hold_low_confidence=True, confidence_threshold=0.7)
    with freeze_time(OPENS + timedelta(hours=1)), session_scope(engine) as session:
        events = tick(session, ALERTS, datetime.now(UTC), review)
        assert [e.kind for e in events] == ["window_opened", "window_closing_soon"]
        assert all(not e.published for e in events)
