"""Pairing found windows with stored ones: identity survives inserts and moved deadlines."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.ingest.normalise import WindowData
from tracker.ingest.store import match_windows
from tracker.models import Window


def _at(month: int, day: int) -> datetime:
    return datetime(2027, month, day, 8, tzinfo=UTC)


def _stored(ordinal: int, opens: datetime, closes: datetime) -> Window:
    return Window(id=ordinal + 1, scheme_id=1, ordinal=ordinal, opens_at=opens, closes_at=closes)


def _found(opens: datetime | None, closes: datetime | None) -> WindowData:
    return WindowData(opens, closes, True, True, "day", None, "", 1.0)


def test_inserted_window_does_not_shift_identities() -> None:
    march = _stored(0, _at(3, 1), _at(3, 31))
    june = _stored(1, _at(6, 1), _at(8, 31))
    found = [
        _found(_at(1, 5), _at(1, 20)),
        _found(_at(3, 1), _at(3, 31)),
        _found(_at(6, 1), _at(8, 31)),
    ]
    pairs = match_windows([march, june], found)
    assert pairs == {1: march, 2: june}


def test_moved_deadline_pairs_by_opening() -> None:
    march = _stored(0, _at(3, 1), _at(3, 31))
    pairs = match_windows([march], [_found(_at(3, 1), _at(4, 14))])
    assert pairs == {0: march}


def test_everything_moved_pairs_by_overlap_then_by_position_when_counts_agree() -> None:
    a, b = _stored(0, _at(3, 1), _at(3, 31)), _stored(1, _at(6, 1), _at(6, 30))
    moved = [_found(_at(3, 8), _at(4, 7)), _found(_at(6, 8), _at(7, 7))]
    assert match_windows([a, b], moved) == {0: a, 1: b}
    # one period left, overlapping March where it was: March moved (June is no longer said)
    assert match_windows([a, b], moved[:1]) == {0: a}
    # far from both, and fewer than stored: new, not a guess by position
    assert match_windows([a, b], [_found(_at(10, 1), _at(10, 31))]) == {}


def test_a_period_that_moved_both_dates_beside_a_new_one_keeps_its_identity() -> None:
    """Both dates moved two weeks and a tijdvak was added: one change and one new window,
    not two new ones with the old period left on."""
    march = _stored(0, _at(3, 1), _at(3, 31))
    found = [_found(_at(3, 15), _at(4, 14)), _found(_at(9, 1), _at(9, 30))]
    assert match_windows([march], found) == {0: march}


def test_a_corrected_period_keeps_its_place_when_a_tijdvak_is_added() -> None:
    """Staff corrected the page's 1-31 March to 15 March-14 April (a typo on the page); the
    page adds September: its old March dates must not come back as a new window."""
    corrected = _stored(0, _at(3, 15), _at(4, 14))
    corrected.staff_locked = True
    found = [_found(_at(3, 1), _at(3, 31)), _found(_at(9, 1), _at(9, 30))]
    assert match_windows([corrected], found) == {0: corrected}


def test_windows_that_do_not_overlap_are_not_paired() -> None:
    march = _stored(0, _at(3, 1), _at(3, 31))
    found = [_found(_at(5, 1), _at(5, 31)), _found(_at(9, 1), _at(9, 30))]
    assert match_windows([march], found) == {}
