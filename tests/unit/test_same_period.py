"""The one rule of which windows are one application period (``tracker.detect.same_period``)
and the window that speaks for it (``periods``/``distinct_windows``), table-driven."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from tracker import detect
from tracker.config import AlertsConfig
from tracker.models import Window
from tracker.read.timefmt import local_moment

FEB1, FEB15 = date(2027, 2, 1), date(2027, 2, 15)
NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)


def _at(day: date, at: time | None = None, *, end: bool = False) -> datetime:
    return local_moment(day, at, end_of_day=end)


def _w(opens: datetime | None, closes: datetime | None, **kw: object) -> Window:
    """A window; ``opens_timed``/``closes_timed`` say the source gave a time of day."""
    timed = {"opens_has_time": kw.pop("opens_timed", False),
             "closes_has_time": kw.pop("closes_timed", False)}  # fmt: skip
    base: dict[str, object] = {"id": 1, "scheme_id": 1, "publication_id": 1}
    base |= {"created_at": NOW, "updated_at": NOW}  # known since NOW, whatever today is
    return Window.model_validate({**base, **timed, "opens_at": opens, "closes_at": closes, **kw})


FULL = _w(_at(FEB1), _at(FEB15, end=True))
FULL_TIMED = _w(_at(FEB1, time(9)), _at(FEB15, time(17)), opens_timed=True, closes_timed=True)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # the demo: 'van 1 februari tot en met 15 februari' and 'tot en met 15 februari'
        (FULL, _w(None, _at(FEB15, end=True)), True),
        (FULL, _w(_at(FEB1), None), True),
        # a time on one side, a date on the other: the same local day
        (FULL_TIMED, _w(None, _at(FEB15, end=True)), True),
        (FULL, _w(None, _at(FEB15, time(17)), closes_timed=True), True),
        (FULL_TIMED, _w(_at(FEB1), None), True),
        (FULL, _w(_at(FEB1, time(9)), None, opens_timed=True), True),
        # both timed: the same moment, not just the same day
        (FULL_TIMED, _w(None, _at(FEB15, time(17)), closes_timed=True), True),
        (FULL_TIMED, _w(None, _at(FEB15, time(12)), closes_timed=True), False),
        (FULL_TIMED, _w(_at(FEB1, time(10)), None, opens_timed=True), False),
        # another day, or the other bound
        (FULL, _w(None, _at(date(2027, 2, 16), end=True)), False),
        (FULL, _w(_at(date(2027, 1, 31)), None), False),
        (FULL, _w(None, _at(FEB1, end=True)), False),
        (FULL, _w(_at(FEB15), None), False),
        # the same days, one source giving times and the other not, are one period (they
        # were shown twice and alerted twice); other full windows never are
        (FULL, FULL_TIMED, True),
        (
            FULL_TIMED,
            _w(_at(FEB1, time(9)), _at(FEB15, time(12)), opens_timed=True, closes_timed=True),
            False,
        ),  # fmt: skip
        (FULL, _w(_at(FEB1), _at(date(2027, 3, 1), end=True)), False),
        # half windows likewise; an opening-only and a closing-only one never; the same span
        # always is
        (_w(_at(FEB1), None), _w(None, _at(FEB15, end=True)), False),
        (_w(None, _at(FEB15, end=True)), _w(None, _at(FEB15, time(17)), closes_timed=True), True),
        (
            _w(None, _at(FEB15, time(12)), closes_timed=True),
            _w(None, _at(FEB15, time(17)), closes_timed=True),
            False,
        ),  # fmt: skip
        (FULL, _w(_at(FEB1), _at(FEB15, end=True), id=2), True),
        (_w(None, _at(FEB15, end=True)), _w(None, _at(FEB15, end=True), id=2), True),
        # undated windows are each their own; other schemes never share a period
        (_w(None, None), _w(None, None, id=2), False),
        (FULL, _w(None, _at(FEB15, end=True), scheme_id=2), False),
    ],
)
def test_same_period(a: Window, b: Window, same: bool) -> None:
    assert detect.same_period(a, b) is same
    assert detect.same_period(b, a) is same, "symmetric"


def _ids(*windows: Window) -> list[int | None]:
    return [w.id for w in detect.distinct_windows(windows)]


@pytest.mark.parametrize(
    ("windows", "shown"),
    [
        # the full window wins over its half copy, whichever is older
        ((FULL.model_copy(update={"id": 2}), _w(None, _at(FEB15, end=True))), [2]),
        ((FULL, _w(_at(FEB1), None, id=2)), [1]),
        # ... even a staff-locked half: staff locks choose among copies of one span
        ((FULL, _w(None, _at(FEB15, end=True), id=2, staff_locked=True)), [1]),
        ((FULL, FULL.model_copy(update={"id": 2, "staff_locked": True})), [2]),
        # a half on another day stays; undated windows stay
        ((FULL, _w(None, _at(date(2027, 2, 14), end=True), id=2)), [1, 2]),
        # the same days with and without times are one period, shown with its times; two
        # full windows on other days stay two
        ((FULL, FULL_TIMED.model_copy(update={"id": 2})), [2]),
        (
            (
                FULL.model_copy(update={"staff_locked": True}),
                FULL_TIMED.model_copy(update={"id": 2}),
            ),
            [1],
        ),  # fmt: skip
        ((FULL, _w(_at(FEB1), _at(date(2027, 3, 1), end=True), id=2)), [1, 2]),
        ((FULL, _w(None, None, id=2), _w(None, None, id=3)), [1, 2, 3]),
        # a half copy of two full windows is hidden once; a withdrawn full hides nothing
        (
            (
                FULL,
                _w(_at(date(2027, 1, 20)), _at(FEB15, end=True), id=2),
                _w(None, _at(FEB15, end=True), id=3),
            ),
            [1, 2],
        ),
        ((FULL.model_copy(update={"withdrawn": True}), _w(None, _at(FEB15, end=True), id=2)), [2]),
    ],
)
def test_distinct_windows_show_the_full_window_of_a_period(
    windows: tuple[Window, ...], shown: list[int]
) -> None:
    assert _ids(*windows) == shown


def test_periods_list_every_copy_with_the_shown_one_first() -> None:
    half = _w(None, _at(FEB15, end=True), id=1)
    full, copy = FULL.model_copy(update={"id": 2}), FULL.model_copy(update={"id": 3})
    [period] = detect.periods([copy, half, full])
    assert period.shown is full
    assert [w.id for w in period.copies] == [2, 3, 1]


def test_a_half_copy_is_no_news_but_the_full_window_is() -> None:
    half = _w(None, _at(FEB15, end=True), id=2, publication_id=2)
    assert detect.window_announced(half, NOW, [FULL]) is None
    assert detect.window_announced(FULL, NOW, [half]) is not None, "the opening is news"
    assert not detect.windows_conflict(FULL, half), "one period stated twice agrees"
    other = _w(None, _at(date(2027, 2, 14), end=True), id=3, publication_id=2)
    assert detect.window_announced(other, NOW, [FULL]) is not None


def test_a_moment_is_keyed_for_each_copy_at_its_own_moment() -> None:
    half = _w(None, _at(FEB15, end=True), id=2)
    due = detect.due_changes(FULL_TIMED, _at(date(2027, 2, 16)), AlertsConfig())
    [closed] = [c for c in due if c.kind == "window_closed"]
    told = detect.as_told_for(closed, half)
    assert told is not None and told.window_id == 2
    assert told.dedupe_key == "window_closed:2:20270215T2259", "its own date-only deadline"
    assert detect.as_told_for(closed, _w(_at(FEB1), None, id=3)) is None, "it has no deadline"
