"""A changed cycle over many pages: events for exactly the pages whose meaning changed.

120 generated scheme pages (``html_page`` sources) on the loopback replay server, modelled on
an RVO-style page: an h1 with the scheme's name, an application period with times and a
"Subsidieplafond" line. Titles are look-alikes ("Subsidie <onderwerp> 2026 (regeling i)"),
which used to be merged by title similarity. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import FIXTURES, NOW, make_config
from tracker.ingest.pipeline import run_sources
from tracker.models import Event, MergeProposal, Publication, Scheme, Window
from tracker.ops.replay import ReplayServer, Route

PAGES = 120
TOPICS = ("innovatie", "scholing", "energie", "erfgoed", "natuur", "mobiliteit")
CLOSES = ("31 maart 2027 17.00 uur", "14 april 2027 17.00 uur")
# the same amount, written as RVO and provinces write it; the stored value is 117000000.00
BUDGETS = ("€ 117 miljoen", "€ 117.000.000", "117.000.000 euro")


def _url(i: int) -> str:
    return f"https://www.example-subsidies.nl/regelingen/regeling-{i}"


def _page(i: int, closes: str, budget: str, *, period: str = "") -> bytes:
    title = f"Subsidie {TOPICS[i % len(TOPICS)]} 2026 (regeling {i})"
    period = period or f"van 1 maart 2027 9.00 uur tot en met {closes}"
    return f"""<!doctype html><html lang="nl"><head><title>{title} | Subsidies</title></head>
<body><nav>Home</nav><main><h1>{title}</h1>
<p>Met deze regeling ondersteunen wij projecten op het gebied van {TOPICS[i % len(TOPICS)]}.</p>
<h2>Aanvragen</h2><p>U kunt uw aanvraag indienen {period}.</p>
<p>Subsidieplafond: {budget}.</p></main><footer>Contact</footer></body></html>""".encode()


def _server(bodies: dict[int, bytes]) -> ReplayServer:
    routes = [Route(url=_url(i), body=body, content_type="text/html; charset=utf-8")
              for i, body in bodies.items()]  # fmt: skip
    return ReplayServer(FIXTURES, routes).start()


def _sources(server: ReplayServer, ids: range) -> dict[str, dict[str, object]]:
    return {f"page_{i:03d}": {"scraper": "html_page", "url": _url(i), "level": "rijk"}
            for i in ids}  # fmt: skip


def _events(engine: Engine, after_id: int = 0) -> list[Event]:
    with Session(engine) as s:
        return list(s.exec(select(Event).where(col(Event.id) > after_id).order_by(col(Event.id))))


def test_a_tenth_changes_dates_and_only_they_alert(engine: Engine) -> None:
    bodies = {i: _page(i, CLOSES[0], BUDGETS[0]) for i in range(PAGES)}
    server = _server(bodies)
    try:
        config = make_config(server, _sources(server, range(PAGES)))
        results = run_sources(config, engine, now=NOW)
        assert {r.status for r in results} == {"ok"}, [r.error for r in results if r.error]
        first = _events(engine)
        kinds = Counter(e.kind for e in first)
        assert kinds == {"scheme_new": PAGES, "window_announced": PAGES}, kinds
        with Session(engine) as s:
            assert len(s.exec(select(Scheme)).all()) == PAGES, "look-alike titles stay apart"
            assert s.exec(select(MergeProposal)).all() == [], "numbered editions: no proposal"
            budgets = {w.budget_eur for w in s.exec(select(Window)).all()}
            assert budgets == {117_000_000}, budgets
        # next day: every page is rewritten; a tenth moves its deadline, the rest only writes
        # the same budget differently
        moved = {i for i in range(PAGES) if i % 10 == 3}
        for route in server.routes:
            i = int(route.url.rsplit("-", 1)[1])
            route.body = _page(i, CLOSES[i in moved], BUDGETS[1 + i % 2])
        results = run_sources(config, engine, now=NOW + timedelta(days=1))
        assert {r.status for r in results} == {"ok"}
        assert sum(r.requests - r.not_modified for r in results) >= PAGES, "pages were re-read"
        later = _events(engine, max(e.id or 0 for e in first))
        assert {e.kind for e in later} == {"window_changed"}, Counter(e.kind for e in later)
        with Session(engine) as s:
            changed = set()
            for event in later:
                pub = s.exec(select(Publication).where(Publication.scheme_id == event.scheme_id))
                changed.add(int(pub.one().url.rsplit("-", 1)[1]))
                assert event.before and event.after
                assert event.before["closes_at"] != event.after["closes_at"]
                assert event.before["budget_eur"] == event.after["budget_eur"] == "117000000"
        assert changed == moved and len(later) == len(moved)
    finally:
        server.stop()


def test_first_run_keeps_ended_windows_as_history(engine: Engine) -> None:
    ended = "van 7 april 2026 tot en met 4 mei 2026"  # closed before NOW (27 november 2026)
    bodies = {0: _page(0, "", BUDGETS[0], period=ended), 1: _page(1, CLOSES[0], BUDGETS[0])}
    server = _server(bodies)
    try:
        config = make_config(server, _sources(server, range(2)))
        assert {r.status for r in run_sources(config, engine, now=NOW)} == {"ok"}
        with Session(engine) as s:
            windows = s.exec(select(Window).order_by(col(Window.id))).all()
            assert len(windows) == 2, "the ended window is stored"
            announced = s.exec(select(Event).where(Event.kind == "window_announced")).all()
            assert [e.window_id for e in announced] == [
                w.id for w in windows if w.closes_at and w.closes_at > NOW
            ]
    finally:
        server.stop()


def test_a_deadline_moved_again_after_it_was_moved_back_alerts_each_time(engine: Engine) -> None:
    """15 → 14 April, back to 31 March, then 14 April again: three alerts, not two.

    The third change equals the first, but it undoes the second: without an alert the
    stakeholder's last word would be 31 March while the page says 14 April. Storing the
    same change again (the same stored meaning) is still one event.
    """
    server = _server({0: _page(0, CLOSES[0], BUDGETS[0])})
    try:
        config = make_config(server, _sources(server, range(1)))
        run_sources(config, engine, now=NOW)
        start = max(e.id or 0 for e in _events(engine))
        for day, closes in enumerate((CLOSES[1], CLOSES[0], CLOSES[1], CLOSES[1]), start=1):
            server.routes[0].body = _page(0, closes, BUDGETS[0])
            results = run_sources(config, engine, now=NOW + timedelta(days=day))
            assert {r.status for r in results} <= {"ok", "unchanged"}, [r.error for r in results]
        changed = _events(engine, start)
        assert [e.kind for e in changed] == ["window_changed"] * 3
        closing = [(e.before or {}).get("closes_at") for e in changed]
        assert closing[0] == closing[2] != closing[1], closing
        assert len({e.dedupe_key for e in changed}) == 3
    finally:
        server.stop()
