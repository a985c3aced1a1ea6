"""Storing in a forked worker process (tracker.ingest.storeproc, issue 14), on SQLite and
PostgreSQL: what it stores equals what the storing thread stores, a failing source keeps
nothing, a failing store fails the run, and the worker never outlives its run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW, PRB, STCRT, make_config, store_failing_for
from tracker.config import Config
from tracker.db import make_engine
from tracker.ingest import pipeline, storeproc
from tracker.ingest.pipeline import run_sources
from tracker.models import (
    Event,
    HttpCacheEntry,
    ParsedPage,
    Publication,
    Scheme,
    ScrapeRun,
    Source,
    Window,
)
from tracker.ops.replay import ReplayServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stores_in_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every run stores in a worker process; the file collects the pids that stored."""
    if not storeproc.usable_here():
        pytest.skip("fork or a second core is not available: runs store in a thread here")
    monkeypatch.setattr(storeproc, "MIN_SOURCES", 1)
    monkeypatch.setattr(storeproc, "MIN_CHANGED", 1)
    pids = tmp_path / "store-pids"
    real = pipeline._finish_batch

    def noted(*args: Any) -> Any:
        with pids.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(*args)

    monkeypatch.setattr(pipeline, "_finish_batch", noted)
    return pids


def _with_worker(replay: ReplayServer) -> Config:
    """The two SRU sources, with ``[defaults] store_process = true``."""
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    defaults = config.defaults.model_copy(update={"store_process": True})
    return config.model_copy(update={"defaults": defaults})


def _snapshot(engine: Engine) -> dict[str, Any]:
    """What a run leaves in the database, without ids and run times."""
    with Session(engine) as s:
        schemes = {sc.id: sc.title for sc in s.exec(select(Scheme)).all()}
        return {
            "schemes": sorted(schemes.values()),
            "publications": sorted(
                (p.source_id, p.key, schemes[p.scheme_id]) for p in s.exec(select(Publication))
            ),
            "windows": sorted(
                (schemes[w.scheme_id], str(w.opens_at), str(w.closes_at), w.precision, w.withdrawn)
                for w in s.exec(select(Window))
            ),
            "events": sorted(
                (e.kind, schemes.get(e.scheme_id or 0, ""), e.baseline)
                for e in s.exec(select(Event))
            ),
            "runs": sorted(
                (r.source_id, r.status, r.items_found, r.schemes_new, r.events_created)
                for r in s.exec(select(ScrapeRun))
            ),
            "cache": sorted(c.url for c in s.exec(select(HttpCacheEntry))),
            "parsed": sorted(p.url for p in s.exec(select(ParsedPage))),
            "sources": sorted(
                (src.id, src.consecutive_failures, src.flagged, src.locked_by)
                for src in s.exec(select(Source))
            ),
        }


def test_a_store_process_stores_exactly_what_the_store_thread_stores(
    engine: Engine,
    replay: ReplayServer,
    stores_in_process: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = _with_worker(replay)
    results = run_sources(config, engine, now=NOW)
    pids = set(stores_in_process.read_text().split())
    assert pids and str(os.getpid()) not in pids, "the batches were stored in another process"
    assert [(r.source_id, r.status) for r in results] == [("stcrt", "ok"), ("prb", "ok")]
    assert all(r.schemes_new > 0 for r in results)

    reference = make_engine(f"sqlite:///{tmp_path / 'thread.db'}")
    monkeypatch.setattr(storeproc, "MIN_SOURCES", 10**6)  # this run: the thread
    thread_results = run_sources(config, reference, now=NOW)
    assert set(stores_in_process.read_text().split()) - pids == {str(os.getpid())}
    assert [(r.source_id, r.status, r.schemes_new, r.events_created) for r in results] == [
        (r.source_id, r.status, r.schemes_new, r.events_created) for r in thread_results
    ]
    assert _snapshot(engine) == _snapshot(reference)
    reference.dispose()

    # the next run has nothing to store: its bookkeeping is done in the thread, no fork
    stores_in_process.write_text("")
    again = run_sources(config, engine, now=NOW)
    assert {r.status for r in again} == {"unchanged"}
    assert set(stores_in_process.read_text().split()) == {str(os.getpid())}


def test_a_run_with_little_to_store_stores_in_its_thread(
    engine: Engine, replay: ReplayServer, stores_in_process: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker costs memory: fewer changed sources in a batch than MIN_CHANGED stay in the
    thread (a cycle of a few changed pages among many unchanged ones)."""
    monkeypatch.setattr(storeproc, "MIN_CHANGED", 3)
    config = _with_worker(replay)
    results = run_sources(config, engine, now=NOW)
    assert [r.status for r in results] == ["ok", "ok"]
    assert set(stores_in_process.read_text().split()) == {str(os.getpid())}


def test_by_default_every_run_stays_in_one_process(
    engine: Engine, replay: ReplayServer, stores_in_process: Path
) -> None:
    """The worker is opt-in (``[defaults] store_process = true``): it costs ~20 MB."""
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    assert not config.defaults.store_process
    results = run_sources(config, engine, now=NOW)
    assert [r.status for r in results] == ["ok", "ok"]
    assert set(stores_in_process.read_text().split()) == {str(os.getpid())}


def test_a_failing_source_keeps_nothing_when_stored_in_a_process(
    engine: Engine,
    replay: ReplayServer,
    stores_in_process: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    tried = tmp_path / "tried"
    monkeypatch.setattr(pipeline, "store_scheme", store_failing_for("prb", tried))
    config = _with_worker(replay)
    done: list[str] = []
    results = run_sources(config, engine, now=NOW, on_done=lambda r: done.append(r.source_id))
    by_id = {r.source_id: r for r in results}
    assert sorted(done) == ["prb", "stcrt"], "progress is reported in the run's process"
    assert by_id["stcrt"].status == "ok"
    assert by_id["prb"].status == "failed" and "RuntimeError: schijf vol" in by_id["prb"].error
    assert "prb" in tried.read_text().split(), "the failing store really ran"
    with Session(engine) as s:
        assert {p.source_id for p in s.exec(select(Publication))} == {"stcrt"}
        prb = s.get(Source, "prb")
        assert prb is not None and prb.consecutive_failures == 1 and prb.locked_by == ""


def test_a_normalising_bug_fails_its_source_only_when_stored_in_a_process(
    engine: Engine, replay: ReplayServer, stores_in_process: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items are normalised by the collecting process then: a bug there still fails only its
    source, with the error's type and message, as it would in the store."""
    import tracker.ingest.normalise as normalise

    real = normalise.normalise_scheme

    def broken(raw, source, page_url, today):  # type: ignore[no-untyped-def]
        if "provinciaalblad" in page_url or "prb" in raw.key:
            raise KeyError("geen titel")
        return real(raw, source, page_url, today)

    monkeypatch.setattr(normalise, "normalise_scheme", broken)
    config = _with_worker(replay)
    by_id = {r.source_id: r for r in run_sources(config, engine, now=NOW)}
    assert by_id["stcrt"].status == "ok", by_id["stcrt"].error
    assert by_id["prb"].status == "failed"
    assert by_id["prb"].error == "KeyError: 'geen titel'"
    with Session(engine) as s:
        assert {p.source_id for p in s.exec(select(Publication))} == {"stcrt"}


@pytest.mark.timeout(60)
def test_a_store_process_that_fails_fails_the_run_and_frees_the_leases(
    engine: Engine, replay: ReplayServer, stores_in_process: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(*_args: object) -> list[object]:
        raise RuntimeError("database weg")

    monkeypatch.setattr(pipeline, "_finish_batch", gone)
    config = _with_worker(replay)
    with pytest.raises(RuntimeError, match="database weg"):
        run_sources(config, engine, now=NOW)
    with Session(engine) as s:
        assert {src.locked_by for src in s.exec(select(Source)).all()} == {""}


_RUN = """
import sys, time
from datetime import UTC, datetime
from tracker.config import Config
from tracker.db import make_engine
from tracker.ingest import storeproc
engine = make_engine(sys.argv[1])
pool = storeproc.open_worker(None, engine, datetime(2026, 11, 27, tzinfo=UTC))
assert pool is not None
print(pool.submit(storeproc.worker_pid).result(), flush=True)
time.sleep(60)
"""


def _dead(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}  # a zombie: dead, waiting for a reaper that may not exist


@pytest.mark.timeout(60)
def test_the_store_process_dies_with_a_killed_run(tmp_path: Path) -> None:
    """kill -9 of a scrape kills its store worker too (the kernel's parent-death signal): no
    batch goes on being stored by an orphan after its run is gone."""
    if not storeproc.usable_here() or not Path("/proc/self/stat").exists():
        pytest.skip("fork, a second core or /proc is not available here")
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen(
        [sys.executable, "-c", _RUN, url], stdout=subprocess.PIPE, text=True, env=env
    )
    assert run.stdout is not None
    worker = int(run.stdout.readline())
    assert worker != run.pid and not _dead(worker)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    run.stdout.close()
    deadline = time.monotonic() + 10
    while not _dead(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _dead(worker), "the store worker outlived its run"


@pytest.mark.timeout(60)
def test_a_store_worker_killed_mid_batch_fails_the_run_and_loses_nothing(
    engine: Engine, replay: ReplayServer, stores_in_process: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies (kill -9, the OOM killer) in the middle of a batch: its transaction is
    gone with it, the run fails instead of hanging, the leases are freed, and the next run
    stores every source once."""
    real = pipeline.store_scheme

    def die_after_writing(*args: Any, **kwargs: Any) -> Any:
        outcome = real(*args, **kwargs)  # written in the batch's transaction, then the kill
        os.kill(os.getpid(), signal.SIGKILL)
        return outcome

    monkeypatch.setattr(pipeline, "store_scheme", die_after_writing)
    config = _with_worker(replay)
    with pytest.raises(Exception, match="terminated abruptly|process pool"):
        run_sources(config, engine, now=NOW)
    with Session(engine) as s:
        assert s.exec(select(Publication)).all() == [], "the killed transaction left nothing"
        assert {src.locked_by for src in s.exec(select(Source)).all()} == {""}
    monkeypatch.setattr(pipeline, "store_scheme", real)
    results = run_sources(config, engine, now=NOW + timedelta(minutes=5))
    assert [r.status for r in results] == ["ok", "ok"]
    with Session(engine) as s:
        keys = [(p.source_id, p.key) for p in s.exec(select(Publication)).all()]
    assert keys and len(keys) == len(set(keys))
