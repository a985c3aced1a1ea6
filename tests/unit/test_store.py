"""store_scheme writes rows and returns the changes; it records no events itself (SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.store import store_scheme
from tracker.models import Event, Publication, Source, Window

NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)
OPENS = datetime(2027, 3, 1, 8, tzinfo=UTC)
CLOSES = datetime(2027, 3, 31, 15, tzinfo=UTC)


def _data(
    key: str = "k", *, closes: datetime = CLOSES, budget: str = "117000000", snippet: str = ""
) -> SchemeData:
    window = WindowData(OPENS, closes, True, True, "day", Decimal(budget), snippet, 0.9)
    return SchemeData(key=key, title=f"SLIM-regeling ({key})", url=f"https://x.nl/{key}",
                      publisher="SZW", summary="", level="rijk", regions=(), published_on=None,
                      identifiers=("BWBR0043015",), cited_titles=(), windows=(window,),
                      status="upcoming")  # fmt: skip


def _kinds(session: Session, source: str, data: SchemeData, now: datetime) -> list[str]:
    return [c.kind for c in store_scheme(session, source, data, now).changes]


def test_changes_of_meaning_only(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        s.add(Source(id="a"))
        assert _kinds(s, "a", _data(), NOW) == ["scheme_new", "window_announced"]
        assert s.exec(select(Event)).all() == [], "store records no events"
        # the same publication, the budget and the snippet written differently
        assert _kinds(s, "a", _data(budget="1.17E+8", snippet="anders"), NOW) == []
        window = s.exec(select(Window)).one()
        assert window.snippet == "anders", "provenance text is refreshed"
        moved = _data(closes=CLOSES + timedelta(days=14))
        outcome = store_scheme(s, "a", moved, NOW + timedelta(days=1))
        [change] = outcome.changes
        assert change.kind == "window_changed" and change.window_id == window.id
        assert change.after and change.after["budget_eur"] == "117000000"
        assert _kinds(s, "a", moved, NOW + timedelta(days=2)) == []


def test_two_publications_with_the_same_dates_keep_a_window_each(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        s.add_all([Source(id="a"), Source(id="b")])
        assert _kinds(s, "a", _data("one"), NOW) == ["scheme_new", "window_announced"]
        assert _kinds(s, "b", _data("two"), NOW) == [], "same scheme (BWBR id), same window"
        windows = s.exec(select(Window)).all()
        assert len(windows) == 2 and len({w.publication_id for w in windows}) == 2
        assert len({w.scheme_id for w in windows}) == 1
        pubs = {p.key: p.merge_kind for p in s.exec(select(Publication)).all()}
        assert pubs == {"one": "created", "two": "identifier"}


def test_staff_locked_windows_are_left_alone(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        s.add(Source(id="a"))
        store_scheme(s, "a", _data(), NOW)
        window = s.exec(select(Window)).one()
        window.staff_locked = True
        moved = _data(closes=CLOSES + timedelta(days=14))
        assert _kinds(s, "a", moved, NOW + timedelta(days=1)) == []
        assert window.closes_at == CLOSES


def test_budget_statement_flags_once_and_says_it_once(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        s.add_all([Source(id="a"), Source(id="b")])
        store_scheme(s, "a", _data("one"), NOW)
        store_scheme(s, "b", _data("two"), NOW)
        during = OPENS + timedelta(days=2)
        news = _data("three")
        news = SchemeData(**{**news.__dict__, "title": "Subsidieplafond bereikt: SLIM-regeling"})
        kinds = _kinds(s, "b", news, during)
        assert kinds.count("budget_exhausted") == 1, kinds
        assert all(w.budget_exhausted for w in s.exec(select(Window)).all())


def test_a_scheme_seen_again_unchanged_keeps_its_last_change(sqlite_engine: Engine) -> None:
    """Feeds sort and cut by the last change: a re-scrape that finds the same is none."""
    from dataclasses import replace

    from tracker.models import Scheme

    with Session(sqlite_engine) as s:
        s.add(Source(id="a"))
        store_scheme(s, "a", _data(), NOW)
        store_scheme(s, "a", _data(snippet="anders geschreven"), NOW + timedelta(days=1))
        scheme = s.exec(select(Scheme)).one()
        assert scheme.updated_at == NOW
        later = NOW + timedelta(days=2)
        store_scheme(s, "a", replace(_data(), summary="Nieuwe samenvatting."), later)
        assert scheme.updated_at == later
