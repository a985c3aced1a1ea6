"""The command line as cron and staff use it: exit codes, messages, summaries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.ops.replay import ReplayServer

runner = CliRunner()


def _config(tmp_path: Path, server: ReplayServer, *, broken_url: bool = False) -> Path:
    sru = server.mirror("https://repository.overheid.nl/sru")
    bad = server.mirror("https://repository.overheid.nl/missing")
    text = f"""
[database]
url = "sqlite:///{tmp_path / "cli.db"}"

[http]
min_delay = 0.0
retries = 0

[sources.nl_stcrt]
scraper = "koop_sru"
url = "{sru}"
level = "rijk"
options = {{ publication = "Staatscourant" }}

[sources.nl_prb_all]
scraper = "koop_sru"
url = "{bad if broken_url else sru}"
level = "provincie"
options = {{ publication = "Provinciaal blad" }}
"""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_scrape_succeeds_and_prints_summary(tmp_path: Path, replay: ReplayServer) -> None:
    config = _config(tmp_path, replay)
    result = runner.invoke(app, ["scrape", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "nl_stcrt" in result.output and "nl_prb_all" in result.output
    assert "failed" not in result.output


def test_scrape_exits_1_when_a_source_fails(tmp_path: Path, replay: ReplayServer) -> None:
    config = _config(tmp_path, replay, broken_url=True)
    result = runner.invoke(app, ["scrape", "--config", str(config)])
    assert result.exit_code == 1
    assert "HTTP 404" in result.output


def test_scrape_single_source(tmp_path: Path, replay: ReplayServer) -> None:
    config = _config(tmp_path, replay, broken_url=True)
    result = runner.invoke(app, ["scrape", "--config", str(config), "--source", "nl_stcrt"])
    assert result.exit_code == 0, result.output
    assert "nl_prb_all" not in result.output


def test_invalid_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[http]\nuser_agent = "x"\nretrys = 3\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "config", "check", "--config", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "config.toml:3" in proc.stderr and "http.retrys" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_config_check_masks_secrets(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[database]\nurl = "postgresql://app:hunter2@db/x"\n', encoding="utf-8")
    result = runner.invoke(app, ["config", "check", "--config", str(path)])
    assert result.exit_code == 0
    assert "hunter2" not in result.output and "***" in result.output


def test_extract_reads_stdin() -> None:
    text = (
        "Aanvragen kunnen worden ingediend van 1 maart 2027 9.00 uur "
        "tot en met 31 maart 2027 17.00 uur."
    )
    result = runner.invoke(app, ["extract", "--today", "2026-11-27"], input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["opens"] == "2027-03-01" and data["opens_time"] == "09:00"
    assert data["closes"] == "2027-03-31" and data["closes_time"] == "17:00"
    assert data["status"] == "upcoming"


def test_a_cron_scrape_process_ends_fast_with_its_output_and_exit_code(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """`tracker scrape` as cron runs it (its own process, output to a pipe) ends without the
    interpreter's teardown once everything is stored (issue 14): the exit code and the whole
    summary still arrive, and an atexit hook shows teardown was skipped."""
    config = _config(tmp_path, replay, broken_url=True)
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('TEARDOWN', flush=True))\n"
        "sys.modules.pop('coverage', None)\n"  # as outside the test suite
        "from tracker.cli.main import main\n"
        "sys.argv = ['tracker', 'scrape', '--config', sys.argv[1]]\n"
        "main()\n"
    )
    env_root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", probe, str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=env_root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(env_root)},
    )
    assert proc.returncode == 1, proc.stderr
    assert "HTTP 404" in proc.stdout and "Totaal:" in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].startswith("Totaal:"), proc.stdout
    assert "TEARDOWN" not in proc.stdout, "the interpreter's teardown ran"


def test_scrape_runs_sources_staff_added_on_the_dashboard(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """A source added on the Bronnen page runs with every scrape, not only on 'Nu draaien'."""
    from sqlmodel import Session, select

    from tracker.db import make_engine
    from tracker.models import Publication, SourceOverride

    config = _config(tmp_path, replay)
    text = config.read_text(encoding="utf-8").replace(
        "[http]\n", "[http]\nallow_private_hosts = true\n"
    )
    config.write_text(text, encoding="utf-8")
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    sde = replay.mirror("https://www.rvo.nl/subsidies-financiering/sde/aanvragen")
    with Session(engine) as s:
        s.add(SourceOverride(source_id="nl_staff_sde", url=sde, title="SDE++", updated_by="t"))
        s.commit()
    result = runner.invoke(app, ["scrape", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "nl_staff_sde" in result.output
    single = runner.invoke(app, ["scrape", "--config", str(config), "-s", "nl_staff_sde"])
    assert single.exit_code == 0, single.output
    with Session(engine) as s:
        sources = set(s.exec(select(Publication.source_id)).all())
    assert {"nl_stcrt", "nl_prb_all", "nl_staff_sde"} <= sources
    engine.dispose()


def test_scrape_quiet_prints_nothing_when_all_went_well(
    tmp_path: Path, replay: ReplayServer
) -> None:
    config = _config(tmp_path, replay)
    result = runner.invoke(app, ["scrape", "--config", str(config), "--quiet"])
    assert (result.exit_code, result.output) == (0, "")


def test_scrape_quiet_still_prints_a_failed_source(tmp_path: Path, replay: ReplayServer) -> None:
    config = _config(tmp_path, replay, broken_url=True)
    result = runner.invoke(app, ["scrape", "--config", str(config), "-q"])
    assert result.exit_code == 1
    assert "nl_prb_all" in result.output and "HTTP 404" in result.output
    assert "nl_stcrt" not in result.output


def test_tick_and_notify_quiet_print_nothing_for_cron(tmp_path: Path, replay: ReplayServer) -> None:
    config = _config(tmp_path, replay)
    assert runner.invoke(app, ["db", "upgrade", "--config", str(config)]).exit_code == 0
    tick = runner.invoke(app, ["tick", "--config", str(config), "-q"])
    assert (tick.exit_code, tick.output) == (0, "")
    notify = runner.invoke(app, ["notify", "--config", str(config), "--quiet"])
    assert (notify.exit_code, notify.output) == (0, "")
    loud = runner.invoke(app, ["tick", "--config", str(config)])
    assert loud.output.strip() == "0 nieuwe signalen."
