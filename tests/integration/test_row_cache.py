"""Scheme rows are built once per data generation and minute (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration._alerts import add_scheme
from tracker.read import rowcache
from tracker.read.schemes import load_rows

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)


def test_rows_are_reused_until_a_write_or_the_next_minute(engine: Engine) -> None:
    add_scheme(engine, "Regeling Een", created=NOW - timedelta(days=2))
    statements: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        statements.append(statement)

    with Session(engine) as s:
        first = load_rows(s, NOW)
    assert [r.scheme.title for r in first] == ["Regeling Een"]
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as s:
            again = load_rows(s, NOW + timedelta(seconds=20))
        assert [id(r) for r in again] == [id(r) for r in first]
        assert len(statements) == 1 and "datageneration" in statements[0].lower()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    add_scheme(engine, "Regeling Twee", created=NOW - timedelta(days=1))
    with Session(engine) as s:
        titles = sorted(r.scheme.title for r in load_rows(s, NOW + timedelta(seconds=30)))
    assert titles == ["Regeling Een", "Regeling Twee"]
    with Session(engine) as s:
        stale = load_rows(s, NOW + timedelta(minutes=1))
    # only the minute moved: the previous rows at once, the new ones built in the background
    assert sorted(r.scheme.title for r in stale) == titles
    _wait_for_refresh(engine)
    with Session(engine) as s:
        later = load_rows(s, NOW + timedelta(minutes=1))
    assert {id(r) for r in later}.isdisjoint({id(r) for r in stale})
    # a jump of a day (an idle server, a test clock) is built at once: no stale status
    with Session(engine) as s:
        jumped = load_rows(s, NOW + timedelta(days=1))
    assert {id(r) for r in jumped}.isdisjoint({id(r) for r in later})


def _wait_for_refresh(engine: Engine) -> None:
    building = rowcache._building[(id(engine), ("rows", False, False))]
    with building:  # the background build holds it until it has stored its result
        pass


def test_staff_variants_are_kept_apart(engine: Engine) -> None:
    add_scheme(engine, "Regeling Zichtbaar", created=NOW)
    with Session(engine) as s:
        public = load_rows(s, NOW)
        staff = load_rows(s, NOW, hidden=True, removed=True)
    assert len(public) == len(staff) == 1
    assert public[0] is not staff[0]


def test_while_one_thread_builds_the_next_minute_others_get_the_previous_rows(
    engine: Engine,
) -> None:
    add_scheme(engine, "Regeling Lopend", created=NOW)
    with Session(engine) as s:
        first = load_rows(s, NOW)
    building = rowcache._building[(id(engine), ("rows", False, False))]
    assert building.acquire(blocking=False)  # as if another request were building right now
    try:
        with Session(engine) as s:
            meanwhile = load_rows(s, NOW + timedelta(minutes=1))
        assert [id(r) for r in meanwhile] == [id(r) for r in first]
    finally:
        building.release()
    with Session(engine) as s:
        load_rows(s, NOW + timedelta(minutes=1))  # starts the background build
    _wait_for_refresh(engine)
    with Session(engine) as s:
        fresh = load_rows(s, NOW + timedelta(minutes=1))
    assert [id(r) for r in fresh] != [id(r) for r in first]


def test_a_filtered_list_is_reused_until_the_catalogue_is_rebuilt(engine: Engine) -> None:
    """Filtering ten thousand rows per request cost more than paging them (issue 14): the
    same filter on the same catalogue gives the same list object, another filter its own,
    and a write (a new catalogue) filters again and sees the new scheme."""
    from tracker.read.queries import Filters
    from tracker.read.schemes import select_rows

    add_scheme(engine, "Regeling Een", created=NOW - timedelta(days=2))
    add_scheme(engine, "Regeling Twee", created=NOW - timedelta(days=2))
    one, two = Filters(q="een"), Filters(q="twee")
    with Session(engine) as s:
        first = select_rows(s, NOW, one, "title")
        again = select_rows(s, NOW, one, "title")
        other = select_rows(s, NOW, two, "title")
    assert [r.scheme.title for r in first] == ["Regeling Een"]
    assert again is first
    assert [r.scheme.title for r in other] == ["Regeling Twee"]
    add_scheme(engine, "Regeling Een Extra", created=NOW - timedelta(days=1))
    with Session(engine) as s:
        after = select_rows(s, NOW, one, "title")
    assert after is not first
    assert [r.scheme.title for r in after] == ["Regeling Een", "Regeling Een Extra"]
