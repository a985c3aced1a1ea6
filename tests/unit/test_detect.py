"""Change detection as pure functions: meaning, not formatting; clock; keys (table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tracker import detect
from tracker.config import AlertsConfig
from tracker.detect import WindowState
from tracker.ingest.normalise import WindowData
from tracker.models import Scheme, Window

KNOWN = datetime(2027, 1, 1, tzinfo=UTC)
OPENS = datetime(2027, 3, 1, 8, tzinfo=UTC)
CLOSES = datetime(2027, 3, 31, 15, tzinfo=UTC)
NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)
ALERTS = AlertsConfig()


def _window(**kw: object) -> Window:
    base: dict[str, object] = {"id": 1, "scheme_id": 1, "opens_at": OPENS, "closes_at": CLOSES,
                               "created_at": KNOWN, "publication_id": 1}  # fmt: skip
    return Window.model_validate({**base, **kw})


def _found(budget: Decimal | None = None, **kw: object) -> WindowData:
    values: dict[str, object] = {
        "opens_at": OPENS, "closes_at": CLOSES, "opens_has_time": True, "closes_has_time": True,
        "precision": "day", "budget_eur": budget, "snippet": "", "confidence": 1.0,
    }  # fmt: skip
    return WindowData(**{**values, **kw})  # type: ignore[arg-type]


# --- meaning, not formatting


@pytest.mark.parametrize(
    ("stored", "scraped"),
    [
        (Decimal("117000000.00"), Decimal("1.17E+8")),  # '€ 117 miljoen' parses to 1.17E+8
        (Decimal("2800.50"), Decimal("2800.5")),
        (Decimal("680000000.00"), Decimal("680000000")),
        (None, None),
    ],
)
def test_the_written_form_of_a_budget_is_no_change(
    stored: Decimal | None, scraped: Decimal | None
) -> None:
    before = WindowState.of(_window(budget_eur=stored))
    after = WindowState.of(_found(scraped, snippet="anders geschreven", confidence=0.4))
    assert before == after
    assert before.digest() == after.digest()
    assert detect.window_changed(_window(), before, after, NOW) is None


def test_the_same_moment_in_another_time_zone_is_no_change() -> None:
    local = OPENS.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Amsterdam"))
    assert WindowState.of(_found(opens_at=local)) == WindowState.of(_window())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("closes_at", CLOSES + timedelta(days=14)),  # a moved deadline
        ("opens_at", OPENS + timedelta(hours=1)),  # a time added or moved
        ("budget_eur", Decimal("117000001")),  # another amount
        ("precision", "quarter"),
    ],
)
def test_a_change_of_meaning_is_one_change_with_a_stable_key(field: str, value: object) -> None:
    before = WindowState.of(_window(budget_eur=Decimal("117000000")))
    after = WindowState.of(_window(**{"budget_eur": Decimal("117000000"), field: value}))
    change = detect.window_changed(_window(), before, after, NOW)
    assert change is not None and change.kind == "window_changed"
    again = detect.window_changed(_window(), before, after, NOW + timedelta(days=1))
    assert again is not None and again.dedupe_key == change.dedupe_key
    assert change.dedupe_key.startswith("window_changed:1:")
    assert change.before == before.as_json() and change.after == after.as_json()


def test_the_same_change_again_after_it_was_undone_has_its_own_key() -> None:
    """The key holds when the stored meaning was set: a retry of one change is one event, a
    deadline moved again after being moved back is another."""
    before = WindowState.of(_window())
    after = WindowState.of(_window(closes_at=CLOSES + timedelta(days=14)))
    first = detect.window_changed(_window(), before, after, NOW, since=KNOWN)
    retried = detect.window_changed(_window(), before, after, NOW, since=KNOWN)
    again = detect.window_changed(_window(), before, after, NOW, since=NOW - timedelta(days=1))
    assert first is not None and retried is not None and again is not None
    assert first.dedupe_key == retried.dedupe_key != again.dedupe_key


def test_budget_json_is_canonical() -> None:
    assert WindowState.of(_found(Decimal("1.17E+8"))).as_json()["budget_eur"] == "117000000"
    assert detect.money_text(Decimal("2800.50")) == "2800.5"
    assert detect.money_text(None) is None


# --- history is not news


def test_a_window_that_ended_is_history_not_an_announcement() -> None:
    past = _window(opens_at=datetime(2026, 4, 6, 22, tzinfo=UTC),
                   closes_at=datetime(2026, 5, 4, 21, 59, tzinfo=UTC))  # fmt: skip
    assert detect.window_announced(past, NOW) is None
    announced = detect.window_announced(_window(), NOW)
    assert announced is not None and announced.dedupe_key == "window_announced:1"
    moved_past = WindowState.of(_window(closes_at=datetime(2026, 5, 5, tzinfo=UTC)))
    assert detect.window_changed(past, WindowState.of(past), moved_past, NOW) is None


def test_undated_windows_are_not_announced_unless_vague() -> None:
    assert detect.window_announced(_window(opens_at=None, closes_at=None), NOW) is None
    vague = detect.window_announced(_window(opens_at=None, closes_at=None, precision="quarter"),
                                    NOW)  # fmt: skip
    assert vague is not None


def test_a_span_another_publication_states_is_told_once() -> None:
    mine = _window(id=2, publication_id=2)
    theirs = _window(id=1, publication_id=1)
    assert detect.window_announced(mine, NOW, [theirs, mine]) is None
    assert detect.window_announced(mine, NOW, [theirs.model_copy(update={"withdrawn": True})])
    before = WindowState.of(_window(closes_at=CLOSES - timedelta(days=3)))
    assert detect.window_changed(mine, before, WindowState.of(mine), NOW, [theirs]) is None


def test_distinct_windows_keep_one_per_span_preferring_staff() -> None:
    a, b = _window(id=1), _window(id=2, publication_id=2, staff_locked=True)
    other = _window(id=3, closes_at=CLOSES + timedelta(days=1))
    undated = [_window(id=4, opens_at=None, closes_at=None),
               _window(id=5, opens_at=None, closes_at=None)]  # fmt: skip
    gone = _window(id=6, withdrawn=True)
    assert [w.id for w in detect.distinct_windows([a, b, other, *undated, gone])] == [2, 3, 4, 5]
    elsewhere = _window(id=7, scheme_id=2)
    assert [w.id for w in detect.distinct_windows([a, elsewhere])] == [1, 7]


def test_staff_corrections_are_each_their_own_change() -> None:
    before = WindowState.of(_window())
    after = WindowState.of(_window(closes_at=CLOSES + timedelta(days=7)))
    first = detect.window_corrected(_window(), before, after, NOW)
    second = detect.window_corrected(_window(), after, before, NOW + timedelta(seconds=1))
    assert first is not None and second is not None
    assert first.dedupe_key != second.dedupe_key and ":staff:" in first.dedupe_key
    assert detect.window_corrected(_window(), before, before, NOW) is None


# --- schemes


def test_scheme_new_and_removed_keys() -> None:
    scheme = Scheme(id=5, slug="x", title="Regeling X")
    assert detect.scheme_new(scheme).dedupe_key == "scheme_new:5"
    removed = detect.scheme_removed(scheme, [3, 4], 3, NOW)
    assert removed is not None and removed.dedupe_key == "scheme_removed:5:2026-11-27"
    assert detect.scheme_removed(scheme, [3, 1], 3, NOW) is None, "one publication still seen"
    assert detect.scheme_removed(scheme, [], 3, NOW) is None
    scheme.removed_at = NOW
    assert detect.scheme_removed(scheme, [3], 3, NOW) is None


def test_scheme_removed_waits_removal_days_after_the_first_absence() -> None:
    """Enough runs are not enough: every publication's first absence must be old enough."""
    scheme = Scheme(id=5, slug="x", title="Regeling X")
    two_days, an_hour = NOW - timedelta(days=2), NOW - timedelta(hours=1)

    def removed(since: list[datetime | None]) -> bool:
        found = detect.scheme_removed(scheme, [3] * len(since), 3, NOW, missing_since=since,
                                      removal_days=2)  # fmt: skip
        return found is not None

    assert removed([two_days])
    assert not removed([an_hour]), "three runs within the hour"
    assert not removed([two_days, an_hour]), "one publication only just gone"
    assert not removed([None]), "an absence with no known start waits for the next count"


@pytest.mark.parametrize(
    "written",
    ["subsidieregeling  SLIM 2027", "Subsidieregeling SLIM 2027.", "Subsidieregeling SLIM-2027",
     "SUBSIDIEREGELING SLIM 2027", "Subsidieregeling \u201cSLIM\u201d 2027",
     " Subsidieregeling SLIM 2027"],
)  # fmt: skip
def test_a_title_written_differently_is_no_rename(written: str) -> None:
    scheme = Scheme(id=5, slug="x", title=written)
    assert detect.scheme_renamed(scheme, "Subsidieregeling SLIM 2027") is None


def test_a_rename_is_one_change_with_both_names() -> None:
    scheme = Scheme(id=5, slug="x", title="Subsidieregeling SLIM 2027")
    renamed = detect.scheme_renamed(scheme, "Subsidieregeling SLIM 2026")
    assert renamed is not None and renamed.kind == "scheme_renamed" and renamed.window_id is None
    assert renamed.before == {"title": "Subsidieregeling SLIM 2026"}
    assert renamed.after == {"title": "Subsidieregeling SLIM 2027"}
    # the same rename, written differently, has the same key; renaming back is its own change
    again = detect.scheme_renamed(
        Scheme(id=5, slug="x", title="subsidieregeling slim 2027."), "Subsidieregeling SLIM  2026"
    )
    assert again is not None and again.dedupe_key == renamed.dedupe_key
    assert renamed.dedupe_key.startswith("scheme_renamed:5:")
    back = detect.scheme_renamed(Scheme(id=5, slug="x", title="Subsidieregeling SLIM 2026"),
                                 "Subsidieregeling SLIM 2027")  # fmt: skip
    assert back is not None and back.dedupe_key != renamed.dedupe_key
    assert detect.scheme_renamed(scheme, "") is None, "a scheme without a name yet"


# --- the clock (tick)


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
def test_due_changes_follow_the_clock(now: datetime, kinds: list[str]) -> None:
    assert [c.kind for c in detect.due_changes(_window(), now, ALERTS)] == kinds


def test_history_before_the_window_was_known_is_not_news() -> None:
    window = _window(created_at=OPENS + timedelta(days=1))
    assert detect.due_changes(window, OPENS + timedelta(days=2), ALERTS) == []
    later = CLOSES + timedelta(hours=1)
    assert [c.kind for c in detect.due_changes(window, later, ALERTS)] == ["window_closed"]


def test_configurable_horizons_and_budget_closes_early() -> None:
    alerts = AlertsConfig(opening_soon_days=3, closing_soon_days=1)
    assert detect.due_changes(_window(), OPENS - timedelta(days=4), alerts) == []
    exhausted = _window(budget_exhausted=True)
    during = [c.kind for c in detect.due_changes(exhausted, OPENS + timedelta(days=1), ALERTS)]
    assert during == ["budget_exhausted"], "closed early: no 'opened', but the budget news"
    assert detect.due_changes(exhausted, CLOSES + timedelta(days=1), ALERTS) == []
    assert detect.due_changes(_window(withdrawn=True), OPENS, ALERTS) == []


def test_due_keys_carry_the_moment() -> None:
    now = OPENS + timedelta(hours=1)
    [opened] = detect.due_changes(_window(), now, ALERTS)
    [moved] = detect.due_changes(_window(opens_at=OPENS - timedelta(minutes=30)), now, ALERTS)
    assert opened.dedupe_key == "window_opened:1:20270301T0800"
    assert opened.dedupe_key != moved.dedupe_key


# --- budget exhausted


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
    assert detect.says_budget_exhausted(text) is hit


def test_scheme_statement_closes_only_the_open_window() -> None:
    now = OPENS + timedelta(days=2)
    open_w, next_w = _window(id=1), _window(id=2, opens_at=OPENS + timedelta(days=365),
                                             closes_at=CLOSES + timedelta(days=365))  # fmt: skip
    assert detect.exhausted_windows([open_w, next_w], ["Subsidieplafond bereikt"], now) == [open_w]
    own = _window(id=3, status_text="Plafond bereikt")
    assert detect.exhausted_windows([open_w, own], [], now) == [own]
    assert detect.exhausted_windows([open_w], ["Openstelling"], now) == []
    locked = _window(id=4, status_text="Plafond bereikt", staff_locked=True)
    assert detect.exhausted_windows([locked], [], now) == [], "staff decide locked windows"


def test_budget_exhausted_change_once_per_window() -> None:
    assert detect.budget_exhausted(_window(), NOW) is None
    change = detect.budget_exhausted(_window(budget_exhausted=True), NOW)
    assert change is not None and change.dedupe_key == "budget_exhausted:1"
    over = _window(budget_exhausted=True)
    assert detect.budget_exhausted(over, CLOSES + timedelta(days=1)) is None


# --- review


def test_review_reasons_low_confidence_and_conflicts() -> None:
    vague = _window(confidence=0.3)
    # Dutch decimals, no formula (QA walkthrough: it read "0.30 < 0.60")
    assert detect.review_reasons(vague, [vague], 0.6) == ["lage zekerheid (0,30; drempel 0,60)"]
    other = _window(id=2, publication_id=2, closes_at=CLOSES + timedelta(days=2), source_id="b")
    assert detect.windows_conflict(_window(), other)
    reasons = detect.review_reasons(_window(), [_window(), other], 0.6)
    assert reasons == ["afwijkende datums in andere publicatie (b)"]
    same = _window(id=3, publication_id=3)
    assert not detect.windows_conflict(_window(), same), "same dates elsewhere agree"
    assert detect.review_reasons(_window(staff_locked=True, confidence=0.1), [], 0.6) == []
