"""Scheme rows are built once per data generation and window moment (issue 14)."""

from __future__ import annotations

import time
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import recorded_statements
from tests.integration._alerts import add_scheme, alert_config
from tracker import generation
from tracker.config import Config
from tracker.models import Scheme
from tracker.read import rowcache
from tracker.read.schemes import load_rows

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)
OPENS = NOW + timedelta(days=3)  # 2027-03-04 08:00 UTC


def _only_the_generation_was_read(statements: list[str]) -> bool:
    return len(statements) == 1 and "datageneration" in statements[0].lower()


def test_rows_are_reused_until_a_write_or_a_window_moment(engine: Engine) -> None:
    """An idle server keeps its rows for hours (status cannot change before a window opens
    or closes); a write, or the clock passing a window's opening, builds them again."""
    add_scheme(engine, "Regeling Een", created=NOW - timedelta(days=2), opens=OPENS)
    with Session(engine) as s:
        first = load_rows(s, NOW)
    assert [(r.scheme.title, r.status) for r in first] == [("Regeling Een", "upcoming")]
    # (nine hours on, the kept rows are also refreshed in the background, by design: only the
    # request's own statements count; on a loaded machine that thread may run before we look)
    with (
        recorded_statements(engine, this_thread=True) as statements,
        Session(engine) as s,
    ):
        idle = load_rows(s, NOW + timedelta(hours=9))  # a quiet night, no window moment
    assert [id(r) for r in idle] == [id(r) for r in first]
    assert _only_the_generation_was_read(statements)
    add_scheme(engine, "Regeling Twee", created=NOW - timedelta(days=1))
    with Session(engine) as s:
        written = load_rows(s, NOW + timedelta(hours=9))
    assert sorted(r.scheme.title for r in written) == ["Regeling Een", "Regeling Twee"]
    # the opening passed long ago when the next request comes: built at once, no stale status
    with Session(engine) as s:
        opened = load_rows(s, OPENS + timedelta(hours=1))
    assert {id(r) for r in opened}.isdisjoint({id(r) for r in written})
    assert {r.scheme.title: r.status for r in opened}["Regeling Een"] == "open"
    # the clock going back (a test clock, a corrected server clock) builds again too
    with Session(engine) as s:
        back = load_rows(s, NOW + timedelta(hours=9))
    assert {r.scheme.title: r.status for r in back}["Regeling Een"] == "upcoming"


def test_just_after_a_window_moment_the_previous_rows_are_served_while_new_ones_build(
    engine: Engine,
) -> None:
    add_scheme(engine, "Regeling Een", created=NOW - timedelta(days=2), opens=OPENS)
    with Session(engine) as s:
        before = load_rows(s, OPENS - timedelta(minutes=5))
    just_after = OPENS + timedelta(seconds=20)
    with Session(engine) as s:
        stale = load_rows(s, just_after)
    # a status lags the clock by at most a minute plus one build; no request waits for it
    assert [id(r) for r in stale] == [id(r) for r in before]
    _wait_for_refresh(engine)
    with Session(engine) as s:
        fresh = load_rows(s, just_after)
    assert [r.status for r in fresh] == ["open"]


def test_old_rows_are_refreshed_behind_the_requests(engine: Engine) -> None:
    """A write that bypassed the generation is seen within ``REFRESH`` of the clock."""
    add_scheme(engine, "Regeling Een", created=NOW - timedelta(days=2))
    with Session(engine) as s:
        first = load_rows(s, NOW)
    with engine.begin() as conn:  # an UPDATE behind the ORM's back: no generation bump
        conn.execute(sa.text("UPDATE scheme SET title = 'Regeling Een (gewijzigd)'"))
    later = NOW + rowcache.REFRESH + timedelta(seconds=1)
    with Session(engine) as s:
        served = load_rows(s, later)
    assert [id(r) for r in served] == [id(r) for r in first]
    _wait_for_refresh(engine)
    with Session(engine) as s:
        refreshed = load_rows(s, later)
    assert [r.scheme.title for r in refreshed] == ["Regeling Een (gewijzigd)"]


def test_the_warmer_builds_used_rows_once_a_scrape_has_settled(engine: Engine) -> None:
    """After new data the first request finds its rows built: the warmer waited for the
    generation to hold still, then built what requests had used, with its own clock."""
    add_scheme(engine, "Regeling Een", created=NOW - timedelta(days=2), opens=OPENS)
    with Session(engine) as s:
        load_rows(s, NOW)
    warmer = rowcache.RowWarmer(engine, lambda: NOW + timedelta(minutes=5), interval=0.05)
    warmer.start()
    try:
        add_scheme(engine, "Regeling Twee", created=NOW - timedelta(days=1))
        _wait_until_warmed(engine, warmer)
    finally:
        warmer.stop()
    assert any(key == ("rows", False, False, False) for _g, keys in warmer.warmed for key in keys)
    with recorded_statements(engine) as statements, Session(engine) as s:
        rows = load_rows(s, NOW + timedelta(minutes=6))
    assert _only_the_generation_was_read(statements)
    assert sorted(r.scheme.title for r in rows) == ["Regeling Een", "Regeling Twee"]


def _warming_config() -> Config:
    """The alerts test config with a warmer that checks every 50 ms."""
    config = alert_config()
    web = config.web.model_copy(update={"warm_interval": 0.05})
    return config.model_copy(update={"web": web})


def _wait_until_warmed(engine: Engine, warmer: rowcache.RowWarmer) -> int:
    """The current generation, once the warmer has built something for it."""
    with Session(engine) as s:
        written = generation.current(s.connection())
    deadline = time.monotonic() + 20
    while not any(g == written and keys for g, keys in warmer.warmed):
        assert time.monotonic() < deadline, f"not warmed: {warmer.warmed}"
        time.sleep(0.02)
    return written


def _wait_for_refresh(engine: Engine) -> None:
    building = rowcache._building[(id(engine), ("rows", False, False, False))]
    with building:  # the background build holds it until it has stored its result
        pass


def test_staff_variants_are_selections_of_one_build(engine: Engine) -> None:
    """New data costs one build: the public rows are the staff's rows without hidden ones."""
    add_scheme(engine, "Regeling Zichtbaar", created=NOW)
    hidden_id, _ = add_scheme(engine, "Regeling Verborgen", created=NOW)
    with Session(engine) as s:
        scheme = s.get(Scheme, hidden_id)
        assert scheme is not None
        scheme.hidden = True
        s.add(scheme)
        s.commit()
    with recorded_statements(engine) as statements, Session(engine) as s:
        public = load_rows(s, NOW)
        staff = load_rows(s, NOW, hidden=True, removed=True)
    assert [r.scheme.title for r in public] == ["Regeling Zichtbaar"]
    assert sorted(r.scheme.title for r in staff) == ["Regeling Verborgen", "Regeling Zichtbaar"]
    assert public[0] in staff
    assert sum("from scheme" in q.lower() for q in statements) == 1


def test_a_sorted_list_refreshed_after_a_window_moment_uses_fresh_rows(engine: Engine) -> None:
    """The sorted catalogue is built from the rows: its background refresh must not take the
    rows' stale copy, or the stale status would be kept as current until the next change."""
    from tracker.read.queries import Filters
    from tracker.read.schemes import select_rows

    add_scheme(engine, "Regeling Een", created=NOW - timedelta(days=2), opens=OPENS)
    with Session(engine) as s:
        assert [
            r.status for r in select_rows(s, OPENS - timedelta(minutes=5), Filters(), "title")
        ] == ["upcoming"]
    just_after = OPENS + timedelta(seconds=20)
    with Session(engine) as s:
        select_rows(s, just_after, Filters(), "title")  # stale at once; rebuilt behind
    sorted_key = ("sorted", False, False, "title", False)
    with rowcache._building[(id(engine), sorted_key)]:
        pass
    with Session(engine) as s:
        assert [r.status for r in select_rows(s, just_after, Filters(), "title")] == ["open"]


def test_while_one_thread_builds_others_get_the_previous_rows(engine: Engine) -> None:
    add_scheme(engine, "Regeling Lopend", created=NOW, opens=OPENS)
    with Session(engine) as s:
        first = load_rows(s, NOW)
    just_after = OPENS + timedelta(seconds=30)
    building = rowcache._building[(id(engine), ("rows", False, False, False))]
    assert building.acquire(blocking=False)  # as if another request were building right now
    try:
        with Session(engine) as s:
            meanwhile = load_rows(s, just_after)
        assert [id(r) for r in meanwhile] == [id(r) for r in first]
    finally:
        building.release()
    with Session(engine) as s:
        load_rows(s, just_after)  # starts the background build
    _wait_for_refresh(engine)
    with Session(engine) as s:
        fresh = load_rows(s, just_after)
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


def test_the_web_app_runs_a_warmer_for_its_staff_list(engine: Engine) -> None:
    """`tracker serve` (the app's lifespan) warms what its requests used: after a scrape adds
    a scheme, the staff list's rows are built before the next request, which shows it."""
    from tests.e2e.support import add_staff, login, make_app

    add_scheme(engine, "Regeling Een", created=NOW - timedelta(days=2), opens=OPENS)
    add_staff(engine)
    app = make_app(_warming_config(), engine)
    with TestClient(app) as client:
        warmer = app.state.row_warmer
        assert isinstance(warmer, rowcache.RowWarmer)
        login(client)
        assert "Regeling Een" in client.get("/beheer/regelingen").text
        add_scheme(engine, "Regeling Twee", created=NOW - timedelta(days=1))  # a scrape
        written = _wait_until_warmed(engine, warmer)
        built = {key for g, keys in warmer.warmed if g == written for key in keys}
        assert ("sorted", False, True, "closes", False) in built
        assert "Regeling Twee" in client.get("/beheer/regelingen").text
    assert not warmer._thread.is_alive()  # the lifespan's end stops it


def test_the_garbage_collector_is_back_on_after_builds_even_failing_ones(engine: Engine) -> None:
    import gc

    add_scheme(engine, "Regeling Een", created=NOW)
    assert gc.isenabled()
    with Session(engine) as s:
        load_rows(s, NOW)
    assert gc.isenabled()

    def failing(_s: Session, _at: datetime) -> rowcache.Built:
        assert not gc.isenabled()  # paused while building
        raise RuntimeError("kapot")

    with Session(engine) as s, suppress(RuntimeError):
        rowcache.cached(s, NOW, ("test-failing",), failing)
    assert gc.isenabled()


def test_the_web_app_builds_the_first_lists_at_start(engine: Engine) -> None:
    """The first visitor after a restart finds the lists built: the public list is served
    without reading a scheme."""
    from tests.e2e.support import make_app

    add_scheme(engine, "Regeling Een", created=NOW - timedelta(days=2), opens=OPENS)
    app = make_app(_warming_config(), engine)
    with TestClient(app) as client:
        warmer = app.state.row_warmer
        deadline = time.monotonic() + 20
        while not warmer.primed.is_set():
            assert time.monotonic() < deadline, "the first lists were never built"
            time.sleep(0.02)
        built = set(rowcache._caches[engine])
        assert {("rows", True, True, True), ("sorted", False, False, "title", False),
                ("sorted", False, True, "closes", False)} <= built  # fmt: skip
        with recorded_statements(engine) as statements:
            page = client.get("/regelingen").text
        assert "Regeling Een" in page
        assert not any("from scheme" in q.lower() for q in statements), statements
