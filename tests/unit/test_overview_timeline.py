"""Overzicht timeline: one deadline of a scheme is listed once (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from tracker.models import Scheme, Window
from tracker.read.schemes import SchemeRow
from tracker.read.timefmt import local_moment
from tracker.web.dashboard.overview import upcoming_marks

NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)


def _row(scheme: Scheme, *windows: Window) -> SchemeRow:
    return SchemeRow(scheme, list(windows), "open", None, None)


def test_a_deadline_carried_by_two_windows_is_one_mark() -> None:
    slim = Scheme(id=1, slug="slim", title="SLIM-regeling")
    other = Scheme(id=2, slug="andere", title="Andere regeling")
    day = datetime(2027, 1, 15).date()
    timed = Window(
        id=10, scheme_id=1, closes_at=local_moment(day, time(16, 0)), closes_has_time=True
    )
    dated = Window(id=11, scheme_id=1, closes_at=local_moment(day, None, end_of_day=True))
    also = Window(id=12, scheme_id=1, closes_at=local_moment(day, None, end_of_day=True))
    same_day_other_scheme = Window(
        id=20, scheme_id=2, closes_at=local_moment(day, None, end_of_day=True)
    )
    marks = upcoming_marks(
        [_row(slim, dated, timed, also), _row(other, same_day_other_scheme)], NOW
    )
    assert [(m.scheme.title, m.kind, m.day) for m in marks] == [
        ("SLIM-regeling", "sluit", day),
        ("Andere regeling", "sluit", day),
    ]
    assert marks[0].window.id == 10  # the copy with a stated time wins


def test_opening_and_deadline_of_one_window_are_two_marks() -> None:
    scheme = Scheme(id=3, slug="x", title="X")
    window = Window(
        id=30,
        scheme_id=3,
        opens_at=local_moment(datetime(2027, 1, 5).date(), None),
        closes_at=local_moment(datetime(2027, 2, 5).date(), None, end_of_day=True),
    )
    withdrawn = Window(id=31, scheme_id=3, opens_at=window.opens_at, withdrawn=True)
    marks = upcoming_marks([_row(scheme, window, withdrawn)], NOW)
    assert [m.kind for m in marks] == ["opent", "sluit"]
