"""Crontab lines → APScheduler CronTriggers: the one parser that ``config check`` and ``run`` share.

No scheduling here; ``tracker.ops.schedule`` runs the triggers.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

logger = logging.getLogger(__name__)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def cron_trigger(expr: str) -> CronTrigger:
    """A CronTrigger for a crontab line, with crontab's day-of-week numbers.

    APScheduler 3 numbers weekdays from Monday = 0, so ``from_crontab("… 1-5")`` would run
    Tuesday to Saturday; numeric weekdays are therefore spelled out as names first. Raise
    ValueError (naming the problem) for anything that is not a five-field crontab line.
    """
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(
            f"{expr!r} is geen cron-regel: verwacht 5 velden (minuut uur dag maand weekdag), "
            f'bijvoorbeeld "0 6 * * 1-5"'
        )
    try:
        fields[4] = _weekday_names(fields[4])
        return OnceAtFoldCronTrigger.from_crontab(" ".join(fields), timezone=AMSTERDAM)
    except (ValueError, IndexError) as exc:
        raise ValueError(f"{expr!r} is geen geldige cron-regel: {exc}") from None


class OnceAtFoldCronTrigger(CronTrigger):  # type: ignore[misc]  # APScheduler 3 is untyped
    """A CronTrigger that runs a job with fixed hours once when autumn repeats an hour.

    On the night the clocks go back, 02:00–03:00 happens twice; APScheduler fires "30 2 * * *"
    at both 02:30s, so a nightly scrape ran twice. cron does not: a job whose hour field is not
    "*" runs in the first pass only, while hourly and finer jobs keep firing every real hour.
    """

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        fire: datetime | None = super().get_next_fire_time(previous_fire_time, now)
        if fire is None or not self._fixed_hours() or not _repeated_wall_time(fire):
            return fire
        # the same wall-clock time already came an hour earlier: look past this one (in UTC:
        # adding to an aware local time is wall-clock arithmetic and would lose the fold)
        return self.get_next_fire_time(fire, fire.astimezone(UTC) + timedelta(microseconds=1))

    def _fixed_hours(self) -> bool:
        return any(f.name == "hour" and str(f) != "*" for f in self.fields)


def _repeated_wall_time(moment: datetime) -> bool:
    """Say whether moment is the second pass of a wall-clock time (autumn's repeated hour)."""
    first = moment.replace(fold=0)
    return moment.fold == 1 and first.utcoffset() != moment.utcoffset()


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
        if not (0 <= first <= 7 and 0 <= last <= 7):
            raise ValueError(f"weekdag {part!r} buiten 0–7")
        days += range(first, last + 1, int(step or 1))
    return ",".join(dict.fromkeys(CRON_DAYS[d % 7] for d in days))
