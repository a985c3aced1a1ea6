"""The whole source run against a real loopback server, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import FIXTURES, NOW, PRB, STCRT, find_route, make_config, store_failing_for
from tracker.ingest.pipeline import run_source, run_sources
from tracker.models import Event, HttpCacheEntry, Publication, Scheme, ScrapeRun, Source, Window
from tracker.ops.replay import ReplayServer


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return (
            len(s.exec(select(Scheme)).all()),
            len(s.exec(select(Window)).all()),
            len(s.exec(select(Event)).all()),
        )


def test_first_run_stores_schemes_windows_and_baseline_events(
    engine: Engine, replay: ReplayServer
) -> None:
    config = make_config(replay, {"stcrt": STCRT})
    result = run_source(config, engine, "stcrt", now=NOW)
    assert result.status == "ok", result.error
    assert result.items_found == 5
    with Session(engine) as s:
        pubs = {p.key: p for p in s.exec(select(Publication)).all()}
        assert "stcrt-2026-41208" in pubs
        slim = s.get(Scheme, pubs["stcrt-2026-41208"].scheme_id)
        assert slim is not None
        assert slim.level == "rijk"
        assert "Sociale Zaken" in slim.publisher
        assert slim.url == "https://zoek.officielebekendmakingen.nl/stcrt-2026-41208.html"
        windows = s.exec(select(Window).where(Window.scheme_id == slim.id)).all()
        assert windows, "the SLIM publication states its tijdvakken"
        opens = sorted(w.opens_at for w in windows if w.opens_at)
        # 1 maart 2027 9.00 uur, Amsterdam (UTC+1)
        assert opens[0].isoformat() == "2027-03-01T08:00:00+00:00"
        events = s.exec(select(Event)).all()
        kinds = {e.kind for e in events}
        assert {"scheme_new", "window_announced"} <= kinds
        assert all(e.baseline for e in events), "the first run of a source is a baseline"
        run = s.exec(select(ScrapeRun)).one()
        assert run.status == "ok" and run.items_found == 5


def test_second_identical_run_is_conditional_and_quiet(
    engine: Engine, replay: ReplayServer
) -> None:
    config = make_config(replay, {"stcrt": STCRT})
    run_source(config, engine, "stcrt", now=NOW)
    before = _counts(engine)
    replay.hits.clear()
    result = run_source(config, engine, "stcrt", now=NOW + timedelta(hours=6))
    assert result.status == "unchanged"
    assert _counts(engine) == before
    data_hits = [h for h in replay.hits if not h.path.startswith("/robots.txt")]
    assert data_hits and all("if-none-match" in h.headers for h in data_hits)
    assert all(h.status == 304 for h in data_hits)
    assert all(h.headers["user-agent"] == config.http.user_agent for h in data_hits)


def test_changed_document_emits_window_changed_once(engine: Engine, replay: ReplayServer) -> None:
    config = make_config(replay, {"prb": PRB})
    assert run_source(config, engine, "prb", now=NOW).status == "ok"
    find_route(replay, "prb-2026-15731").file = "koop_sru/docs/prb-2026-15731.v2.xml"
    later = NOW + timedelta(days=1)
    result = run_source(config, engine, "prb", now=later)
    assert result.status == "ok", result.error
    with Session(engine) as s:
        changed = s.exec(select(Event).where(Event.kind == "window_changed")).all()
        assert len(changed) == 1
        event = changed[0]
        assert not event.baseline, "only the first run is a baseline"
        assert event.before and event.after
        assert event.before["closes_at"] != event.after["closes_at"]
        assert event.after["closes_at"].startswith("2027-02-28")
    # a third run over the same v2 payload changes nothing
    run_source(config, engine, "prb", now=later + timedelta(hours=1))
    with Session(engine) as s:
        assert len(s.exec(select(Event).where(Event.kind == "window_changed")).all()) == 1


@pytest.mark.parametrize(
    "fault",
    ["http_500", "timeout", "truncated", "garbage", "not_found"],
)
def test_failing_source_keeps_existing_data(
    engine: Engine, replay: ReplayServer, fault: str
) -> None:
    config = make_config(replay, {"stcrt": STCRT}, timeout=0.5)
    assert run_source(config, engine, "stcrt", now=NOW).status == "ok"
    before = _counts(engine)
    route = find_route(replay, "stcrt_page1")
    if fault == "http_500":
        route.status = 500
    elif fault == "timeout":
        route.delay = 1.5
    elif fault == "truncated":
        route.truncate = True
        route.body = b"<?xml version='1.0'?><searchRetrieveResponse>" + b"x" * 100
    elif fault == "garbage":
        route.body = b"\x00\x01 this is not XML <<<"
    elif fault == "not_found":
        route.status = 404
    # a fresh cache entry must not make the run 'unchanged'
    with Session(engine) as s:
        for entry in s.exec(select(HttpCacheEntry)).all():
            s.delete(entry)
        s.commit()
    result = run_source(config, engine, "stcrt", now=NOW + timedelta(days=1))
    assert result.status == "failed"
    assert result.error
    assert _counts(engine) == before
    with Session(engine) as s:
        source = s.get(Source, "stcrt")
        assert source is not None and source.consecutive_failures == 1
        runs = s.exec(select(ScrapeRun).order_by(col(ScrapeRun.id))).all()
        assert [r.status for r in runs] == ["ok", "failed"]
        assert runs[-1].error == result.error


def test_repeated_failures_flag_the_source(engine: Engine, replay: ReplayServer) -> None:
    config = make_config(replay, {"stcrt": STCRT})
    find_route(replay, "stcrt_page1").status = 503
    for day in range(3):
        run_source(config, engine, "stcrt", now=NOW + timedelta(days=day))
    with Session(engine) as s:
        source = s.get(Source, "stcrt")
        assert source is not None
        assert source.consecutive_failures == 3
        assert source.flagged and "3 mislukte runs" in source.flag_reason


def test_sources_run_together_and_fail_independently(engine: Engine, replay: ReplayServer) -> None:
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    find_route(replay, "prb_page1").status = 500
    results = {r.source_id: r for r in run_sources(config, engine, now=NOW)}
    assert results["stcrt"].status == "ok"
    assert results["prb"].status == "failed"
    with Session(engine) as s:
        regions = {r for sch in s.exec(select(Scheme)).all() for r in sch.regions}
    assert regions == set(), "only the Staatscourant (rijk, all regions) was stored"


def test_a_store_failure_rolls_back_only_its_source_in_a_shared_transaction(
    engine: Engine, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Sources are stored a batch per transaction, each in a savepoint (issue 14): a source
    whose store raises halfway keeps nothing (no scheme, no cache row, no parse result) and is
    recorded as failed, while the other sources of the batch are stored and reported."""
    import tracker.ingest.pipeline as pipeline

    tried = tmp_path / "tried"
    monkeypatch.setattr(pipeline, "store_scheme", store_failing_for("prb", tried))
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    done: list[str] = []
    results = run_sources(config, engine, now=NOW, on_done=lambda r: done.append(r.source_id))
    assert [r.source_id for r in results] == ["stcrt", "prb"]
    assert sorted(done) == ["prb", "stcrt"]
    by_id = {r.source_id: r for r in results}
    assert by_id["stcrt"].status == "ok" and by_id["stcrt"].schemes_new > 0
    assert by_id["prb"].status == "failed" and "schijf vol" in by_id["prb"].error
    assert "prb" in tried.read_text().split(), "the failing store really ran"
    with Session(engine) as s:
        pubs = {p.source_id for p in s.exec(select(Publication)).all()}
        urls = [c.url for c in s.exec(select(HttpCacheEntry)).all()]
        runs = {r.source_id: r.status for r in s.exec(select(ScrapeRun)).all()}
        prb = s.get(Source, "prb")
    assert pubs == {"stcrt"}
    assert urls and not [u for u in urls if "provinciaal" in u.lower()], urls
    assert runs == {"stcrt": "ok", "prb": "failed"}
    assert prb is not None and prb.consecutive_failures == 1 and prb.locked_by == ""


@pytest.mark.parametrize(("seconds", "transactions"), [(0.0, 2), (60.0, 1)])
def test_store_transactions_end_after_their_time_so_the_write_lock_is_shared(
    engine: Engine,
    replay: ReplayServer,
    monkeypatch: pytest.MonkeyPatch,
    seconds: float,
    transactions: int,
) -> None:
    """Sources share a store transaction only until STORE_TRANSACTION has passed (issue 14):
    with no time at all every source commits on its own, with ample time both in one; what
    is stored is the same either way."""
    import tracker.ingest.pipeline as pipeline
    from tracker.db import scheme_merge_lock

    locks: list[int] = []

    def counted(session: Session) -> None:
        locks.append(1)
        scheme_merge_lock(session)

    monkeypatch.setattr(pipeline, "scheme_merge_lock", counted)
    monkeypatch.setattr(pipeline, "STORE_TRANSACTION", seconds)
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    results = run_sources(config, engine, now=NOW)
    assert [r.status for r in results] == ["ok", "ok"]
    assert len(locks) == transactions
    with Session(engine) as s:
        assert {p.source_id for p in s.exec(select(Publication)).all()} == {"stcrt", "prb"}


def test_few_slots_make_fetching_wait_for_storing_without_deadlock(
    engine: Engine, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one slot, a source is fetched only after the one before it is stored (memory
    bounded by IN_FLIGHT, issue 14); every source still completes, in order."""
    import tracker.ingest.pipeline as pipeline

    monkeypatch.setattr(pipeline, "IN_FLIGHT", 1)
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    results = run_sources(config, engine, now=NOW)
    assert [(r.source_id, r.status) for r in results] == [("stcrt", "ok"), ("prb", "ok")]


@pytest.mark.timeout(60)
def test_a_failing_store_thread_fails_the_run_instead_of_hanging_it(
    engine: Engine, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When storing itself fails (the database is gone), the slots are given back, the other
    sources are still tried and the run raises; the leases are released for the next run."""
    import tracker.ingest.pipeline as pipeline

    calls: list[int] = []

    def gone(*_args: object) -> list[object]:
        calls.append(1)
        raise RuntimeError("database weg")

    monkeypatch.setattr(pipeline, "_finish_batch", gone)
    monkeypatch.setattr(pipeline, "IN_FLIGHT", 1)
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    with pytest.raises(RuntimeError, match="database weg"):
        run_sources(config, engine, now=NOW)
    assert len(calls) == 2
    with Session(engine) as s:
        assert {src.locked_by for src in s.exec(select(Source)).all()} == {""}


@pytest.mark.parametrize("batch", [False, True], ids=["alone", "in-a-batch"])
def test_a_config_fix_reaches_schemes_whose_pages_did_not_change(
    engine: Engine, replay: ReplayServer, batch: bool
) -> None:
    """Every page answers 304, but the source now has themes: its schemes are stored again
    (they kept the old config until a page changed, missing from the theme's feed)."""
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    run_sources(config, engine, ["stcrt", "prb"], now=NOW)
    fixed = config.model_copy(update={"sources": {
        **config.sources,
        "stcrt": config.sources["stcrt"].model_copy(update={"themes": ("arbeidsmarkt",)}),
    }})  # fmt: skip
    later = NOW + timedelta(hours=6)
    ids = ["stcrt", "prb"] if batch else ["stcrt"]
    results = {r.source_id: r for r in run_sources(fixed, engine, ids, now=later)}
    assert results["stcrt"].status == "ok", "stored again with the fixed config"
    assert results["stcrt"].requests == results["stcrt"].not_modified > 0
    with Session(engine) as s:
        schemes = s.exec(
            select(Scheme).join(Publication).where(Publication.source_id == "stcrt")
        ).all()
        assert schemes and all("arbeidsmarkt" in scheme.themes for scheme in schemes)
    again = run_sources(fixed, engine, ids, now=later + timedelta(hours=6))
    assert {r.source_id: r.status for r in again}["stcrt"] == "unchanged"


def test_unchanged_sources_in_a_batch_keep_their_bookkeeping(
    engine: Engine, replay: ReplayServer
) -> None:
    """Unchanged sources are written in bulk beside a changed one (issue 14): the same run row,
    source health and publication last-seen as a source stored on its own."""
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    run_sources(config, engine, ["stcrt", "prb"], now=NOW)
    with Session(engine) as s:
        source = s.get(Source, "stcrt")
        assert source is not None and source.last_healthy_items == 5
        source.flagged, source.flag_reason, source.consecutive_failures = True, "oud", 2
        s.add(source)
        s.commit()
    find_route(replay, "prb-2026-15731").file = "koop_sru/docs/prb-2026-15731.v2.xml"
    later = NOW + timedelta(hours=6)
    results = {r.source_id: r for r in run_sources(config, engine, ["stcrt", "prb"], now=later)}
    assert results["stcrt"].status == "unchanged" and results["prb"].status == "ok"
    with Session(engine) as s:
        source = s.get(Source, "stcrt")
        assert source is not None
        assert (source.flagged, source.flag_reason, source.consecutive_failures) == (False, "", 0)
        assert source.last_run_at == later and source.last_ok_at == later
        assert source.last_healthy_items == 5
        runs = s.exec(select(ScrapeRun).where(ScrapeRun.source_id == "stcrt")).all()
        assert [r.status for r in runs] == ["ok", "unchanged"]
        assert runs[1].items_found == 5 and runs[1].requests == runs[1].not_modified > 0
        assert runs[1].started_at == later and runs[1].finished_at is not None
        pubs = s.exec(select(Publication).where(Publication.source_id == "stcrt")).all()
        assert pubs and all(p.last_seen_at == later for p in pubs)
        changed = s.exec(select(Event).where(Event.kind == "window_changed")).all()
        assert len(changed) == 1


def test_source_rows_follow_the_config_title_and_level(
    engine: Engine, replay: ReplayServer
) -> None:
    """A run makes missing source rows and updates title and level when config changed them
    (written without ORM objects, issue 14), leaving each row's health as it was."""
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    run_sources(config, engine, now=NOW)
    renamed = {**STCRT, "title": "Staatscourant (landelijk)", "level": "rijk"}
    moved = {**PRB, "level": "eu"}
    config = make_config(replay, {"stcrt": renamed, "prb": moved})
    run_sources(config, engine, now=NOW + timedelta(hours=1))
    with Session(engine) as s:
        rows = {src.id: src for src in s.exec(select(Source)).all()}
    assert (rows["stcrt"].title, rows["stcrt"].level) == ("Staatscourant (landelijk)", "rijk")
    assert (rows["prb"].title, rows["prb"].level) == ("prb", "eu")
    assert all(r.last_ok_at is not None and r.locked_by == "" for r in rows.values())


SORT_IGNORED = (
    b"</sru:records>",
    b"</sru:records><sru:diagnostics><diag:diagnostic"
    b' xmlns:diag="http://docs.oasis-open.org/ns/search-ws/diagnostic">'
    b"<diag:uri>info:srw/diagnostic/1/80</diag:uri>"
    b"<diag:message>query part ignored: sortBy dt.modified/sort.descending</diag:message>"
    b"</diag:diagnostic></sru:diagnostics>",
)


def test_a_query_part_ignored_makes_the_run_degraded(engine: Engine, replay: ReplayServer) -> None:
    # the records are read, but not in the asked order: the run is not fully healthy, also
    # when it is repeated unchanged
    config = make_config(replay, {"stcrt": STCRT})
    route = find_route(replay, "stcrt_page1")
    route.body = (FIXTURES / route.file).read_bytes().replace(*SORT_IGNORED)
    first = run_source(config, engine, "stcrt", now=NOW)
    assert first.status == "degraded"
    assert "SRU-waarschuwing: query part ignored: sortBy" in (first.error or "")
    assert first.items_found == 5
    again = run_source(config, engine, "stcrt", now=NOW + timedelta(hours=1))
    assert again.status == "degraded"
    assert "SRU-waarschuwing" in (again.error or "")
