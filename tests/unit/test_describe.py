"""Dutch wording of windows, amounts and changed states."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from tracker.models import Window
from tracker.read.describe import format_money, state_phrase, window_phrase


def test_window_phrase_in_local_time() -> None:
    window = Window(
        scheme_id=1,
        opens_at=datetime(2027, 3, 1, 8, 0, tzinfo=UTC),
        closes_at=datetime(2027, 3, 31, 15, 0, tzinfo=UTC),
        opens_has_time=True,
        closes_has_time=True,
        budget_eur=Decimal("17000000"),
    )
    assert window_phrase(window) == (
        "van 1 maart 2027 09:00 tot en met 31 maart 2027 17:00, budget € 17.000.000"
    )


def test_money() -> None:
    assert format_money(Decimal("8000000000")) == "€ 8.000.000.000"
    assert format_money(Decimal("2800.50")) == "€ 2.800,50"
    assert format_money(None) == ""


def test_state_phrase_reads_like_dutch() -> None:
    state = {
        "opens_at": "2026-09-30T22:00:00+00:00",  # 1 oktober 2026, no time given
        "closes_at": "2027-01-31T16:00:00+00:00",  # 31 januari 2027 17:00
        "budget_eur": "2500000.00",
    }
    assert state_phrase(state) == (
        "opent 1 oktober 2026, sluit 31 januari 2027 17:00, budget € 2.500.000"
    )
    assert state_phrase({"opens_at": None, "closes_at": None, "budget_eur": None}) == (
        "opent onbekend, sluit onbekend"
    )
