"""Shared fixtures: databases (SQLite and PostgreSQL), the replay server and test configs.

PostgreSQL tests run when $TRACKER_TEST_DATABASE_URL is set (``.ci/run`` sets it on the
project machines, where they are mandatory) and skip with a reason otherwise. Each test gets
its own PostgreSQL schema, dropped afterwards.

Tests never read the wall clock for their expectations: they pass a fixed ``now`` (``NOW``
here) or inject a clock. ``TRACKER_TEST_DATE=2031-06-15 ./scripts/test`` runs the suite with
the system clock moved to that date (faketime), so a test that reads the real clock fails today
rather than on some later day; ``.ci/run`` does that after the normal run.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import Engine

from tracker.config import Config, HttpConfig, SourceConfig
from tracker.db import make_engine, normalise_url
from tracker.ops.replay import ReplayServer, Route, load_routes

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
SAMPLES = REPO_ROOT.parent / "shared" / "samples"
PG_ENV = "TRACKER_TEST_DATABASE_URL"
DATE_ENV = "TRACKER_TEST_DATE"
NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)

# .ci/run sets HYPOTHESIS_PROFILE=ci: CI replays the same property examples on every run, so a
# red run is a regression of the change under test, never a fresh random draw that happens to
# find an old weakness; a developer's run draws new examples each time and keeps what failed.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config: pytest.Config) -> None:
    """Under $TRACKER_TEST_DATE the clock must really have moved, or the run proves nothing."""
    wanted = os.environ.get(DATE_ENV)
    if not wanted:
        return
    try:
        start = datetime.fromisoformat(wanted)  # naive local time, as faketime reads it
    except ValueError:
        raise pytest.UsageError(f"${DATE_ENV}={wanted!r}: use YYYY-MM-DD[ HH:MM[:SS]]") from None
    now = datetime.now()
    if not start <= now < start + timedelta(days=1):
        raise pytest.UsageError(
            f"${DATE_ENV}={wanted} but the clock says {now:%Y-%m-%d %H:%M}: run "
            f"'{DATE_ENV}={wanted} ./scripts/test' (needs faketime: apt-get install -y faketime)"
        )


def _pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    base = _pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need ${PG_ENV} (e.g. postgresql://postgres@127.0.0.1/test)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(normalise_url(base))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url, upgrade=True)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    yield eng
    eng.dispose()


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    """The bundled payloads (tests/fixtures/demo.toml) on a loopback port."""
    server = ReplayServer(FIXTURES, load_routes(FIXTURES / "demo.toml")).start()
    yield server
    server.stop()


def find_route(server: ReplayServer, fragment: str) -> Route:
    matches = [r for r in server.routes if fragment in r.url or fragment in r.file]
    assert matches, f"no route for {fragment}"
    return matches[0]


def make_config(server: ReplayServer, sources: dict[str, dict[str, Any]], **http: Any) -> Config:
    """A config whose sources point at the replay server, with fast politeness settings."""
    built = {}
    for sid, spec in sources.items():
        spec = dict(spec)
        spec["url"] = server.mirror(spec["url"])
        built[sid] = SourceConfig.model_validate(spec)
    settings = {"min_delay": 0.0, "retries": 1, "backoff": 0.01, "timeout": 3.0, **http}
    return Config(http=HttpConfig(**settings), sources=built)


STCRT = {
    "scraper": "koop_sru",
    "url": "https://repository.overheid.nl/sru",
    "level": "rijk",
    "options": {"publication": "Staatscourant"},
}
PRB = {
    "scraper": "koop_sru",
    "url": "https://repository.overheid.nl/sru",
    "level": "provincie",
    "options": {"publication": "Provinciaal blad"},
}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly whether the PostgreSQL and browser tests ran, so CI logs show it."""
    stats = terminalreporter.stats
    for label, marker in (("PostgreSQL", "[postgres"), ("Browser (Chromium)", "browser")):
        ran = [r for r in stats.get("passed", []) if marker in r.nodeid]
        failed = [r for r in stats.get("failed", []) + stats.get("error", []) if marker in r.nodeid]
        skipped = [r for r in stats.get("skipped", []) if marker in r.nodeid]
        terminalreporter.write_line(
            f"{label} tests: {len(ran)} passed, {len(failed)} failed, {len(skipped)} skipped"
        )
    if wanted := os.environ.get(DATE_ENV):
        terminalreporter.write_line(f"Clock: moved to {wanted} (${DATE_ENV}, faketime)")


def store_failing_for(source_id: str, tried: Path) -> Callable[..., Any]:
    """``store_scheme`` that writes, notes the source in ``tried`` (a file: a store worker
    process writes it too) and then fails for ``source_id``, like a full disk halfway."""
    from tracker.ingest.store import store_scheme as real

    def store_then_fail(session: Any, sid: str, data: Any, now: Any, **kw: Any) -> Any:
        outcome = real(session, sid, data, now, **kw)  # written, then the error
        with tried.open("a") as out:
            out.write(f"{sid}\n")
        if sid == source_id:
            raise RuntimeError("schijf vol")
        return outcome

    return store_then_fail


@contextmanager
def recorded_statements(
    engine: Engine,
    keep: Callable[[str], bool] = lambda _statement: True,
    *,
    this_thread: bool = False,
) -> Iterator[list[str]]:
    """The SQL statements (those ``keep`` accepts) the engine runs meanwhile; with
    ``this_thread`` only the caller's, not those of background work it started."""
    seen: list[str] = []
    caller = threading.get_ident()

    def record(_c: object, _cur: object, statement: str, *_a: object) -> None:
        if keep(statement) and (not this_thread or threading.get_ident() == caller):
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
