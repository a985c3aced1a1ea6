"""Crontab schedules across the Amsterdam clock changes: a nightly job runs once a night."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.ops.cron import cron_trigger


def fire_times(expr: str, start: datetime, count: int) -> list[datetime]:
    """Fire times as the scheduler asks for them: each after the run before it finished."""
    trigger = cron_trigger(expr)
    fire = trigger.get_next_fire_time(None, start)
    times: list[datetime] = []
    while fire is not None and len(times) < count:
        times.append(fire.astimezone(UTC))
        fire = trigger.get_next_fire_time(fire, fire.astimezone(UTC) + timedelta(seconds=1))
    return times


AUTUMN_EVE = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # clocks go back at 03:00 CEST on the 25th
SPRING_EVE = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)  # clocks go forward at 02:00 CET on the 29th


@pytest.mark.parametrize("expr", ["30 2 * * *", "0 2 * * 0", "15 2,14 * * *", "45 */2 * * *"])
def test_a_job_at_fixed_hours_runs_once_in_the_repeated_autumn_hour(expr: str) -> None:
    times = fire_times(expr, AUTUMN_EVE, 3)
    local = [t.astimezone(cron_trigger(expr).timezone) for t in times]
    repeated = [t for t in local if t.date().isoformat() == "2026-10-25" and t.hour == 2]
    assert len(repeated) == 1, times  # APScheduler alone fires both 02:xx passes
    assert repeated[0].utcoffset() == timedelta(hours=2)  # the first pass, as cron does
    assert times == sorted(set(times))


def test_a_nightly_job_moves_with_the_clock_and_keeps_one_run_a_night() -> None:
    autumn = fire_times("30 2 * * *", AUTUMN_EVE, 3)
    assert autumn == [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 26, 1, 30, tzinfo=UTC),
        datetime(2026, 10, 27, 1, 30, tzinfo=UTC),
    ]
    # in spring 02:30 does not exist that night: the job runs once, right after the jump
    spring = fire_times("30 2 * * *", SPRING_EVE, 2)
    assert spring == [
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC),
    ]


@pytest.mark.parametrize(("expr", "per_hour"), [("5 * * * *", 1), ("*/20 * * * *", 3)])
def test_hourly_and_finer_jobs_keep_firing_every_real_hour_of_the_autumn_night(
    expr: str, per_hour: int
) -> None:
    times = fire_times(expr, AUTUMN_EVE, 30)
    start, end = datetime(2026, 10, 24, 23, tzinfo=UTC), datetime(2026, 10, 25, 3, tzinfo=UTC)
    night = [t for t in times if start <= t < end]
    assert len(night) == 4 * per_hour  # 01:xx, 02:xx CEST, 02:xx CET, 03:xx: four real hours
    assert times == sorted(set(times))
