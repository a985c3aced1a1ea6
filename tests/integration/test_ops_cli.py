"""Issue 13, command line and scheduler side: JSON logs, ``tracker backup``, retention of raw
HTTP bodies, refused runs in ``tracker sources`` and on the Bronnen page."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.conftest import NOW, REPO_ROOT, STCRT
from tracker.cli.main import app
from tracker.config import Config, HttpConfig, SourceConfig
from tracker.db import make_engine
from tracker.ingest.lease import record_refused
from tracker.models import HttpCacheEntry, RunStatus, ScrapeRun, Source
from tracker.ops.retention import prune_http_bodies
from tracker.ops.schedule import retention_job
from tracker.read.health import run_problems

runner = CliRunner()
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)  # older than any retention period
FAR_AHEAD = datetime(2999, 1, 1, tzinfo=UTC)  # never old, whatever the CLI's clock says


def _config(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{url}"\n{extra}', encoding="utf-8")
    return path


def _tracker(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def _cache_rows(engine: Engine, fetched_at: datetime, prefix: str = "") -> None:
    with Session(engine) as s:
        for name, etag, modified in (
            ("plain", "", ""),
            ("etag", '"v1"', ""),
            ("modified", "", "Wed, 01 Jan 2025 00:00:00 GMT"),
        ):
            s.add(HttpCacheEntry(url=f"https://x.example/{prefix}{name}", etag=etag,
                                 last_modified=modified, body_sha256="abc", body=b"<html/>",
                                 fetched_at=fetched_at))  # fmt: skip
        s.commit()


def _bodies(engine: Engine) -> dict[str, bool]:
    with Session(engine) as s:
        return {r.url.rsplit("/", 1)[1]: r.body is not None for r in s.exec(select(HttpCacheEntry))}


# --- retention


def test_retention_drops_old_bodies_but_keeps_validators_and_fresh_pages(engine: Engine) -> None:
    _cache_rows(engine, NOW - timedelta(days=91), "old-")
    _cache_rows(engine, NOW - timedelta(days=89), "new-")
    with Session(engine) as s:
        pruned = prune_http_bodies(s, NOW, 90)
        s.commit()
    assert (pruned.bodies, pruned.entries) == (1, 0)
    assert _bodies(engine) == {
        "old-plain": False,  # dropped; its digest stays for "unchanged" detection
        "old-etag": True,  # a conditional request still needs it
        "old-modified": True,
        "new-plain": True,
        "new-etag": True,
        "new-modified": True,
    }
    with Session(engine) as s:
        assert s.get(HttpCacheEntry, "https://x.example/old-plain").body_sha256 == "abc"  # type: ignore[union-attr]
        pruned = prune_http_bodies(s, NOW, 90, validators=True)  # told to
        s.commit()
    assert (pruned.bodies, pruned.entries) == (0, 2)
    assert set(_bodies(engine)) == {"old-plain", "new-plain", "new-etag", "new-modified"}


def test_retention_zero_keeps_everything_and_the_scheduler_job_applies_the_setting(
    engine: Engine,
) -> None:
    _cache_rows(engine, NOW - timedelta(days=400))
    with Session(engine) as s:
        assert prune_http_bodies(s, NOW, 0).bodies == 0
    retention_job(Config(http=HttpConfig(body_retention_days=500)), engine, NOW)
    assert all(_bodies(engine).values())
    retention_job(Config(http=HttpConfig(body_retention_days=30)), engine, NOW)
    assert _bodies(engine) == {"plain": False, "etag": True, "modified": True}


def test_db_prune_command_with_json_logs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'prune.db'}"
    engine = make_engine(url)
    _cache_rows(engine, LONG_AGO, "old-")
    _cache_rows(engine, FAR_AHEAD, "new-")
    config = _config(tmp_path, url, "[http]\nbody_retention_days = 30\n")
    result = _tracker("--log-format", "json", "-v", "db", "prune", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "1 opgeslagen pagina's geleegd, 0 met validators verwijderd" in result.stdout
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert lines, "no log lines"
    for line in lines:
        assert {"time", "level", "logger", "message"} <= set(line)
        assert datetime.fromisoformat(line["time"]).tzinfo is not None
    prune = [line for line in lines if line["logger"] == "tracker.ops.retention"]
    assert prune[0]["level"] == "INFO" and prune[0]["message"].startswith("retention: 1 bodies")
    assert (prune[0]["bodies"], prune[0]["entries"], prune[0]["days"]) == (1, 0, 30)
    assert _bodies(engine)["old-plain"] is False and _bodies(engine)["new-plain"] is True
    result = _tracker("db", "prune", "--ook-validators", "--config", str(config))
    assert "2 met validators verwijderd" in result.stdout
    assert set(_bodies(engine)) == {"old-plain", "new-plain", "new-etag", "new-modified"}
    engine.dispose()


def test_text_logs_stay_the_default(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'text.db'}"
    make_engine(url).dispose()
    config = _config(tmp_path, url)
    result = _tracker("-v", "db", "prune", "--days", "3", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "INFO tracker.ops.retention: retention: 0 bodies" in result.stderr
    assert "{" not in result.stderr


def test_json_log_lines_carry_exceptions_and_extra_fields() -> None:
    import logging

    from tracker.ops.jsonlog import JsonFormatter

    try:
        raise ValueError("kapot")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "run %s failed", ("nl_stcrt",),
            sys.exc_info(), extra={"source": "nl_stcrt", "at": NOW},
        )  # fmt: skip
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "run nl_stcrt failed" and line["level"] == "ERROR"
    assert line["source"] == "nl_stcrt" and line["at"] == str(NOW)
    assert "ValueError: kapot" in line["exception"] and "\n" not in JsonFormatter().format(record)


# --- backup


def test_backup_is_a_consistent_copy_while_another_connection_writes(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    url = f"sqlite:///{db}"
    make_engine(url).dispose()
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO httpcacheentry (url, etag, last_modified, body_sha256, body, "
            "content_type, fetched_at) VALUES (?, '', '', '', ?, '', '2026-11-27 07:00:00')",
            [(f"seed{i:06d}", os.urandom(2000)) for i in range(5000)],
        )
    config = _config(tmp_path, url)
    stop, written = threading.Event(), [0]

    def writer() -> None:  # another connection, committing all the time
        conn = sqlite3.connect(db, timeout=30)
        while not stop.is_set():
            conn.execute(
                "INSERT INTO httpcacheentry (url, etag, last_modified, body_sha256, body, "
                "content_type, fetched_at) VALUES (?, '', '', '', ?, '', '2026-11-27 07:00:00')",
                (f"live{written[0]:06d}", os.urandom(2000)),
            )
            conn.commit()
            written[0] += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 20:
            time.sleep(0.01)  # not stop.wait: under faketime an unsignalled wait never ends
        target = tmp_path / "copies" / "backup.db"
        result = runner.invoke(app, ["backup", str(target), "--config", str(config)])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "Back-up geschreven" in result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    seeds = copy.execute("SELECT count(*) FROM httpcacheentry WHERE url LIKE 'seed%'").fetchone()
    live = [r[0] for r in copy.execute("SELECT url FROM httpcacheentry WHERE url LIKE 'live%'")]
    copy.close()
    assert seeds[0] == 5000
    # one snapshot: the live rows in the copy are exactly the first n that were committed
    assert len(live) >= 20 and sorted(live) == [f"live{i:06d}" for i in range(len(live))]
    assert len(live) <= written[0]
    engine = make_engine(f"sqlite:///{target}")  # the copy is a usable tracker database
    with Session(engine) as s:
        assert len(s.exec(select(HttpCacheEntry.url)).all()) == 5000 + len(live)
    engine.dispose()
    assert not list(target.parent.glob(".*partial"))


def test_backup_on_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    config = _config(tmp_path, "postgresql://tracker:geheim@db.example:5432/tracker")
    result = _tracker("backup", str(tmp_path / "x.db"), "--config", str(config))
    assert result.returncode == 2
    assert "pg_dump" in result.stderr and "alleen met een SQLite-bestand" in result.stderr
    assert "Traceback" not in result.stderr and "geheim" not in result.stderr
    assert not (tmp_path / "x.db").exists()


# --- refused runs


def _runs(*specs: tuple[str, int]) -> list[ScrapeRun]:
    return [
        ScrapeRun(
            source_id="s", status=status, items_found=items, started_at=NOW - timedelta(hours=i)
        )
        for i, (status, items) in enumerate(specs)
    ]


def test_a_refused_run_is_not_flagged_as_fewer_items() -> None:
    config = Config()
    refused = _runs((RunStatus.REFUSED, 0), (RunStatus.OK, 40), (RunStatus.OK, 42))
    assert run_problems(refused, 0, config) == []
    shrunk = _runs(
        (RunStatus.REFUSED, 0), (RunStatus.OK, 5), (RunStatus.OK, 40), (RunStatus.OK, 42)
    )
    assert run_problems(shrunk, 0, config) == ["veel minder items: 5 (gewoonlijk 41)"]
    halved = _runs((RunStatus.DEGRADED, 20), (RunStatus.OK, 40), (RunStatus.OK, 40))
    assert run_problems(halved, 0, config) == ["veel minder items: 20 (gewoonlijk 40)"], (
        "exactly half is a sharp drop, as the run itself judges it"
    )


def test_tracker_sources_and_the_bronnen_page_show_a_refused_run(
    tmp_path: Path, engine: Engine, db_url: str
) -> None:
    from fastapi.testclient import TestClient

    from tests.e2e.support import add_staff, login, make_app

    with Session(engine) as s:
        s.add(Source(id="nl_stcrt", title="Staatscourant", locked_by="host-a:123", locked_at=NOW))
        for hours, items in ((3, 40), (2, 42)):
            at = NOW - timedelta(hours=hours)
            s.add(ScrapeRun(source_id="nl_stcrt", started_at=at, finished_at=at, items_found=items))
        s.commit()
    reason = record_refused(engine, "nl_stcrt", NOW)
    assert "host-a:123" in reason
    text = """[sources.nl_stcrt]
scraper = "koop_sru"
url = "https://repository.overheid.nl/sru"
level = "rijk"
options = { publication = "Staatscourant" }
"""
    result = runner.invoke(app, ["sources", "--config", str(_config(tmp_path, db_url, text))])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "Laatste run" in output and "overgeslagen" in output
    assert "er loopt al een run voor deze bron (host-a:123" in output
    config = Config(sources={"nl_stcrt": SourceConfig.model_validate(STCRT)})
    add_staff(engine)
    with TestClient(make_app(config, engine)) as client:
        login(client)
        page = client.get("/beheer/bronnen").text
    assert "overgeslagen" in page and "veel minder items:" not in page


def test_sources_without_a_database_yet(tmp_path: Path) -> None:
    config = _config(tmp_path, f"sqlite:///{tmp_path / 'none.db'}")
    result = runner.invoke(app, ["sources", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "Laatste runs: nog geen database." in result.output
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("status", [RunStatus.OK])
def test_sql_duration_helper_matches_python(engine: Engine, status: str) -> None:
    from tracker.web.ops_routes import _duration_seconds

    with Session(engine) as s:
        s.add(ScrapeRun(source_id="d", status=status, started_at=NOW,
                        finished_at=NOW + timedelta(seconds=90.5)))  # fmt: skip
        s.commit()
    with engine.connect() as conn:
        value = conn.execute(sa.select(_duration_seconds(engine.dialect.name))).scalar()
    assert value == pytest.approx(90.5, abs=0.01)
