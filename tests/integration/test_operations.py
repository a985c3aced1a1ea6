"""Operator-facing failures: database problems are one line (exit 3), cron lines are checked,
and start-up on a fresh SQLite database cannot race."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.conftest import REPO_ROOT
from tracker.cli.main import app
from tracker.db import make_engine, normalise_url
from tracker.models import Scheme

runner = CliRunner()


def _tracker(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=REPO_ROOT, env=full_env,
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip


def _config(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{url}"\n{extra}', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[defaults]\nschedule = "elke dag"\n', "config.toml:2: defaults.schedule"),
        (
            '[sources.nl_stcrt]\nscraper = "koop_sru"\nurl = "https://x.example/sru"\n'
            'level = "rijk"\nschedule = "15 25 * * 1-5"\n'
            'options = { publication = "Staatscourant" }\n',
            "config.toml:5: sources.nl_stcrt.schedule",
        ),
        ('[defaults]\nschedule = "0 6 * * 9"\n', "config.toml:2: defaults.schedule"),
    ],
)
def test_config_check_rejects_cron_lines_that_run_would_crash_on(
    tmp_path: Path, text: str, where: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["config", "check", "--config", str(path)])
    assert result.exit_code == 2
    output = " ".join(result.output.split())  # rich wraps long lines
    assert where in output and "cron" in output
    assert "Traceback" not in output


def test_wrong_database_url_is_one_line_and_exit_3(tmp_path: Path) -> None:
    for url in ("postgresql://nobody@127.0.0.1:1/tracker", "mysqlx://host/db"):
        result = _tracker("notify", "--config", str(_config(tmp_path, url)))
        assert result.returncode == 3, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Databasefout"), result.stderr


def _as_unprivileged(tmp: Path) -> list[str]:
    """The command prefix that runs a subprocess as a user who cannot write read-only files.

    Root writes any file whatever its mode, so as root the subprocess runs as nobody (65534)
    with ``setpriv``; ``tmp`` is opened up for that user to read.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: cannot drop privileges")
    for part in (tmp, *tmp.parents):
        if part == Path("/"):
            break
        if part.stat().st_mode & 0o005 != 0o005:  # nobody must traverse and read it
            os.chmod(part, part.stat().st_mode | 0o005)
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_read_only_sqlite_database_is_refused_by_serve(tmp_path: Path) -> None:
    db = tmp_path / "ro" / "tracker.db"
    make_engine(f"sqlite:///{db}").dispose()
    config = _config(tmp_path, f"sqlite:///{db}")
    prefix = _as_unprivileged(tmp_path)
    for path in db.parent.iterdir():
        os.chmod(path, 0o444)
    os.chmod(db.parent, 0o555)
    try:
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "HOME": str(tmp_path)}
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "tracker", "serve", "--config", str(config)],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.chmod(db.parent, 0o755)
    assert result.returncode == 3, result.stderr
    assert "Databasefout" in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_to_start_when_the_database_is_missing(tmp_path: Path) -> None:
    base = os.environ.get("TRACKER_TEST_DATABASE_URL")
    if not base:
        pytest.skip("needs PostgreSQL ($TRACKER_TEST_DATABASE_URL)")
    url = base.rsplit("/", 1)[0] + "/no_such_database_13"
    result = _tracker("serve", "--config", str(_config(tmp_path, url)))
    assert result.returncode == 3
    assert "no_such_database_13" in result.stderr and "Traceback" not in result.stderr


def test_postgresql_schema_behind_says_run_db_upgrade(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite upgrades itself")
    config = _config(tmp_path, db_url)
    result = _tracker("notify", "--config", str(config))
    assert result.returncode == 3
    assert "tracker db upgrade" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert _tracker("db", "upgrade", "--config", str(config)).returncode == 0
    engine = sa.create_engine(normalise_url(db_url))
    with Session(engine) as s:
        assert s.exec(select(Scheme)).all() == []
    engine.dispose()


def test_two_processes_starting_on_a_fresh_sqlite_database_both_succeed(tmp_path: Path) -> None:
    code = "import sys; from tracker.db import make_engine; make_engine(sys.argv[1]).dispose()"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    for attempt in range(3):
        url = f"sqlite:///{tmp_path / f'fresh{attempt}.db'}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, url],
                env=env,
                cwd=REPO_ROOT,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for _ in range(2)
        ]
        for proc in procs:
            _out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
