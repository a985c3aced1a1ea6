"""Issue 15, CLI and first run: scrape progress, unwrapped output off a terminal, Dutch help
for every option, the typo hint, the kept demo database with real source URLs, and
`tracker sources` naming only files that are in the repository."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from rich.console import Console
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from tests.conftest import REPO_ROOT
from tests.integration.test_cli import _config
from tracker.cli.demo import run_demo
from tracker.cli.main import app
from tracker.cli.output import OFF_TERMINAL_WIDTH, CliConsole
from tracker.cli.scrape import message_nl, scrape_and_report
from tracker.cli.sources import in_repository, repository_text
from tracker.config import load_config
from tracker.db import make_engine
from tracker.models import Publication, Scheme, User, Window
from tracker.ops.replay import ReplayServer, Route
from tracker.staff.users import create_user
from tracker.web.app import create_app

runner = CliRunner()


def test_scrape_off_a_terminal_prints_a_line_per_noteworthy_source_and_a_total(
    tmp_path: Path, replay: ReplayServer
) -> None:
    config = _config(tmp_path, replay, broken_url=True)
    result = runner.invoke(app, ["scrape", "--config", str(config)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Ophalen: 2 bronnen"
    ok = next(line for line in lines if line.startswith("nl_stcrt: "))  # new schemes: shown
    assert re.fullmatch(
        r"nl_stcrt: ok, (1 verzoek|[2-9]\d* verzoeken), (1 item|[2-9]\d* items), "
        r"(1 nieuwe regeling|[2-9]\d* nieuwe regelingen), "
        r"(1 nieuwe periode|[2-9]\d* nieuwe periodes), (1 signaal|[2-9]\d* signalen), "
        r"0 fouten, \d+,\d s",
        ok,
    )
    failed = next(line for line in lines if line.startswith("nl_prb_all: mislukt"))
    assert "0 verzoeken, 0 items, 1 fout, " in failed, failed
    assert ": HTTP 404 van http://127.0.0.1:" in failed
    assert len(failed) > 80  # not cut or wrapped at 80 columns
    assert re.fullmatch(
        r"Totaal: 2 bronnen \(1 ok, 1 mislukt\), \d+ verzoeken, .*, 1 fout", lines[-1]
    )
    assert len(lines) == 4  # no table: cron mail stays short
    assert "failed" not in result.output and " from " not in result.output

    again = runner.invoke(app, ["scrape", "--config", str(config)])
    assert again.exit_code == 1
    lines = again.output.splitlines()
    # nothing new from nl_stcrt: only the failing source has a line of its own
    assert not any(line.startswith("nl_stcrt") for line in lines), again.output
    assert lines[1].startswith("nl_prb_all: mislukt, ") and len(lines) == 3, again.output
    assert lines[2].startswith("Totaal: 2 bronnen (1 "), lines
    assert "1 mislukt)" in lines[2] and "nieuwe" not in lines[2], lines


def test_many_sources_get_plain_lines_on_a_terminal_too(
    tmp_path: Path, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(_config(tmp_path, replay, broken_url=True))
    out = io.StringIO()
    terminal = Console(file=out, force_terminal=True, width=160, color_system=None)
    ids = list(config.sources)
    monkeypatch.setattr("tracker.cli.scrape.MANY_SOURCES", len(ids) - 1)
    ok = scrape_and_report(config, make_engine(config.database.url), ids, terminal)
    assert ok is False
    lines = out.getvalue().splitlines()
    assert lines[0] == "Ophalen: 2 bronnen" and lines[-1].startswith("Totaal: 2 bronnen ")
    assert "Resultaat" not in out.getvalue() and "━" not in out.getvalue()


def test_scrape_on_a_terminal_shows_live_progress_per_source(
    tmp_path: Path, replay: ReplayServer
) -> None:
    config = load_config(_config(tmp_path, replay, broken_url=True))
    out = io.StringIO()
    terminal = Console(file=out, force_terminal=True, width=160, color_system=None)
    ok = scrape_and_report(config, make_engine(config.database.url), list(config.sources), terminal)
    assert ok is False
    text = out.getvalue()
    progress = [line for line in text.splitlines() if "verzoek" in line and " fout" in line]
    assert any("nl_stcrt" in line and " ok " in f"{line} " for line in progress), text
    assert any("nl_prb_all" in line and "mislukt" in line for line in progress), text
    # one error: a singular noun, not '1 fouten'
    assert any("nl_prb_all" in line and " 1 fout " in line for line in progress), text
    assert "Resultaat" in text


def test_messages_are_dutch() -> None:
    assert message_nl("HTTP 503 from https://x.nl/a") == "HTTP 503 van https://x.nl/a"
    assert message_nl("time budget of 300s exceeded") == "tijdslimiet van 300 s overschreden"
    assert message_nl("the source returned no items") == "de bron leverde geen items"
    assert message_nl("robots.txt disallows https://x.nl/") == "robots.txt verbiedt https://x.nl/"
    assert message_nl("iets onbekends") == "iets onbekends"


def test_console_off_a_terminal_does_not_wrap() -> None:
    out = io.StringIO()
    console = CliConsole(file=out)
    assert not console.is_terminal and console.width == OFF_TERMINAL_WIDTH
    console.print("x" * 300)
    assert out.getvalue() == "x" * 300 + "\n"
    assert CliConsole(file=io.StringIO(), width=50).width == 50


def test_unknown_source_lists_the_valid_ids(tmp_path: Path, replay: ReplayServer) -> None:
    config = _config(tmp_path, replay)
    result = runner.invoke(app, ["scrape", "--config", str(config), "--source", "nl_stcr"])
    assert result.exit_code == 2
    assert "Onbekende bron: nl_stcr. Geldige bronnen: nl_stcrt, nl_prb_all" in result.output


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if hasattr(command, "commands"):  # a group (typer vendors its own click)
        for name, sub in command.commands.items():
            found += _commands(sub, (*path, name))
    return found


def test_every_option_is_described_and_help_has_no_type_placeholders() -> None:
    root = typer.main.get_command(app)
    paths = _commands(root)
    assert ("users", "add") in paths and ("demo",) in paths
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "<bool>" not in result.output and "<list" not in result.output, path
        assert "╭" not in result.output  # plain help, not a rich panel cut to the terminal
    for path in paths[1:]:
        command = root
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        assert command.help, path
        for param in command.params:
            assert getattr(param, "help", None), (path, param.name)


def _urls(database: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as s:
        urls = [x.url for model in (Scheme, Window, Publication) for x in s.exec(select(model))]
    engine.dispose()
    return urls


def test_demo_keeps_its_database_and_stores_real_source_urls(tmp_path: Path) -> None:
    database = tmp_path / "data" / "demo.db"
    config = load_config(REPO_ROOT / "config.toml")
    console = Console(file=io.StringIO(), width=200)
    assert run_demo(config, port=0, serve=False, database=database, console=console) == 0
    urls = [u for u in _urls(database) if u]
    assert urls and not [u for u in urls if "127.0.0.1" in u]
    assert any(u.startswith("https://zoek.officielebekendmakingen.nl/") for u in urls)

    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as s:
        create_user(s, "kees", "een lang wachtwoord 42")
        s.commit()
    demo_config = config.model_copy(
        update={"database": config.database.model_copy(update={"url": f"sqlite:///{database}"})}
    )
    with TestClient(create_app(demo_config, engine)) as client:
        for path in ("/feeds/alerts.rss", "/feeds/schemes.atom", "/calendar.ics"):
            body = client.get(path).text
            assert not re.search(r"127\.0\.0\.1:(?!8000\b)\d+", body), path
    engine.dispose()

    assert run_demo(config, port=0, serve=False, database=database, console=console) == 0
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as s:
        assert s.exec(select(User).where(col(User.username) == "kees")).first() is not None
    engine.dispose()
    assert not [u for u in _urls(database) if "127.0.0.1" in u]
    assert "wordt bijgewerkt" in console.file.getvalue()  # type: ignore[attr-defined]

    fresh = run_demo(config, port=0, serve=False, database=database, console=console, fresh=True)
    assert fresh == 0
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as s:
        assert s.exec(select(User).where(col(User.username) == "kees")).first() is None
    engine.dispose()


def test_replay_maps_loopback_urls_back_to_the_real_ones() -> None:
    routes = [Route("http://plain.example/feed"), Route("https://www.rvo.nl/subsidies")]
    with ReplayServer(REPO_ROOT, routes) as server:
        assert server.unmirror(server.mirror("https://www.rvo.nl/a?b=1")) == (
            "https://www.rvo.nl/a?b=1"
        )
        assert server.unmirror(f"{server.base_url}/plain.example/x") == "http://plain.example/x"
        assert server.unmirror("https://elders.nl/") == "https://elders.nl/"


def test_sources_names_only_files_in_the_repository() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "sources"],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "SOURCES.md" not in proc.stdout and "shared/samples" not in proc.stdout
    paths = set(re.findall(r"[\w.-]+(?:/[\w.-]+)+\.(?:md|xml|json|html|toml)\b", proc.stdout))
    assert "tests/fixtures/README.md" in paths
    assert all(in_repository(p) for p in paths), paths
    assert max(len(line) for line in proc.stdout.splitlines()) > 80  # the table is not cut
    text = "Parser. Backed by the XML ``cvdr/nope_123.xml`` in shared/samples. See SOURCES.md §2."
    assert repository_text(text) == "Parser."
