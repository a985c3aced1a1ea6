"""Which time-based events are due for a window at a moment (pure, table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.alerts.lifecycle import due_events, exhausted_windows, says_budget_exhausted
from tracker.config import AlertsConfig
from tracker.models import Window

KNOWN = datetime(2027, 1, 1, tzinfo=UTC)
OPENS = datetime(2027, 3, 1, 8, tzinfo=UTC)
CLOSES = datetime(2027, 3, 31, 15, tzinfo=UTC)
ALERTS = AlertsConfig()


def _window(**kw: object) -> Window:
    base: dict[str, object] = {"id": 1, "scheme_id": 1, "opens_at": OPENS, "closes_at": CLOSES,
                               "created_at": KNOWN}  # fmt: skip
    return Window.model_validate({**base, **kw})


@pytest.mark.parametrize(
    ("now", "kinds"),
    [
        (OPENS - timedelta(days=15), []),
        (OPENS - timedelta(days=14), ["window_opening_soon"]),
        (OPENS - timedelta(seconds=1), ["window_opening_soon"]),
        (OPENS, ["window_opened"]),
        (CLOSES - timedelta(days=8), ["window_opened"]),
        (CLOSES - timedelta(days=7), ["window_opened", "window_closing_soon"]),
        # downtime over the whole window: the stale "opened" is skipped, "closed" still comes
        (CLOSES + timedelta(days=3), ["window_closed"]),
    ],
)
def test_due_events_follow_the_clock(now: datetime, kinds: list[str]) -> None:
    assert [d.kind for d in due_events(_window(), now, ALERTS)] == kinds


def test_history_before_the_window_was_known_is_not_news() -> None:
    window = _window(created_at=OPENS + timedelta(days=1))
    assert [d.kind for d in due_events(window, OPENS + timedelta(days=2), ALERTS)] == []
    later = CLOSES + timedelta(hours=1)
    assert [d.kind for d in due_events(window, later, ALERTS)] == ["window_closed"]


def test_configurable_horizons_and_budget_closes_early() -> None:
    alerts = AlertsConfig(opening_soon_days=3, closing_soon_days=1)
    assert due_events(_window(), OPENS - timedelta(days=4), alerts) == []
    exhausted = _window(budget_exhausted=True)
    assert [d.kind for d in due_events(exhausted, CLOSES + timedelta(days=1), ALERTS)] == []
    assert due_events(_window(withdrawn=True), OPENS, ALERTS) == []


def test_dedupe_keys_carry_the_moment() -> None:
    now = OPENS + timedelta(hours=1)
    [opened] = due_events(_window(), now, ALERTS)
    moved = _window(opens_at=OPENS - timedelta(minutes=30))
    [opened_moved] = due_events(moved, now, ALERTS)
    assert opened.key(_window()) != opened_moved.key(moved)


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("Het subsidieplafond is bereikt.", True),
        ("subsidieplafond bereikt", True),
        ("Het budget is uitgeput; aanvragen worden afgewezen.", True),
        ("Vaststelling subsidieplafond 2027: € 2.000.000", False),
        ("Aanvragen indienen van 1 maart tot en met 31 maart", False),
    ],
)
def test_budget_exhausted_wording(text: str, hit: bool) -> None:
    assert says_budget_exhausted(text) is hit


def test_scheme_statement_closes_only_the_open_window() -> None:
    now = OPENS + timedelta(days=2)
    open_w, next_w = _window(id=1), _window(id=2, opens_at=OPENS + timedelta(days=365),
                                             closes_at=CLOSES + timedelta(days=365))  # fmt: skip
    assert exhausted_windows([open_w, next_w], ["Subsidieplafond bereikt"], now) == [open_w]
    own = _window(id=3, status_text="Plafond bereikt")
    assert exhausted_windows([open_w, own], [], now) == [own]
    assert exhausted_windows([open_w], ["Openstelling"], now) == []
