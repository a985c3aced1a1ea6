"""`tracker check` and `tracker record` against the local replay server, for every source kind."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tests.conftest import NOW, PRB, STCRT, make_config
from tracker.cli.verify import run_check, run_record
from tracker.ops.replay import ReplayServer

KINDS: dict[str, dict[str, Any]] = {
    "koop_sru": STCRT,
    "bwb": {
        "scraper": "bwb",
        "url": "https://zoekservice.overheid.nl/sru/Search",
        "level": "rijk",
        "options": {"identifiers": ["BWBR0043015"]},
    },
    "cvdr": {
        "scraper": "cvdr",
        "url": "https://zoekservice.overheid.nl/sru/Search",
        "level": "provincie",
        "regions": ["NL-GE"],
        "options": {"creator": "Gelderland", "look_back": True},
    },
    "eu_sedia": {
        "scraper": "eu_sedia",
        "url": "https://api.tech.ec.europa.eu/search-api/prod/rest/search",
        "level": "eu",
        "options": {"framework_programmes": ["43353764"]},
    },
    "feed": {
        "scraper": "feed",
        "url": "https://zoek.officielebekendmakingen.nl/rss",
        "level": "rijk",
        "options": {"publications": ["stcrt", "prb"]},
    },
    "html_page": {
        "scraper": "html_page",
        "url": "https://www.rvo.nl/subsidies-financiering/sde/aanvragen",
        "level": "rijk",
        "publisher": "Rijksdienst voor Ondernemend Nederland",
        "options": {"scheme_title": "SDE++"},
    },
    "html_list": {
        "scraper": "html_list",
        "url": "https://www.rvo.nl/subsidies-financiering",
        "level": "rijk",
        "options": {
            "item": "li.teaser",
            "title": "h3",
            "link": "h3 a",
            "opens": ".opens",
            "closes": ".closes",
            "next": "a[rel=next]",
        },
    },
}


def _console() -> Console:
    return Console(record=True, width=240, color_system=None)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_check_prints_what_would_be_stored(replay: ReplayServer, kind: str, tmp_path: Path) -> None:
    config = make_config(replay, {kind: KINDS[kind]})
    console = _console()
    assert run_check(config, kind, None, console, now=NOW) == 0
    out = console.export_text()
    assert "Regeling: " in out and "niets opgeslagen" in out
    if kind != "feed":  # feed items carry no window text unless their pages are followed
        assert "periode " in out and "zekerheid " in out and "«" in out
    assert not list(tmp_path.iterdir())  # nothing written anywhere


def test_check_staatscourant_windows_and_snippets(replay: ReplayServer) -> None:
    config = make_config(replay, {"stcrt": STCRT})
    console = _console()
    run_check(config, "stcrt", None, console, now=NOW)
    out = console.export_text()
    assert "Regeling: " in out and "stcrt-2026-30567" in out
    assert "26 november 2026" in out  # the SDE++ closing date, with its sentence
    assert "200 http://127.0.0.1" in out


def test_check_speaks_dutch_names_labels_and_numbers(replay: ReplayServer) -> None:
    """QA walkthrough: 'status closed', 'zekerheid 0.99', 'regio's NL-GE', '1 verzoeken'."""
    config = make_config(replay, {"cvdr": KINDS["cvdr"]})
    console = _console()
    run_check(config, "cvdr", None, console, now=NOW)
    out = console.export_text()
    assert "niveau Provincie · regio's Gelderland · status open" in out
    assert "(zekerheid 0,99)" in out and "0.99" not in out and "NL-GE" not in out
    assert "\n1 regeling; niets opgeslagen." in out and "2 verzoeken" in out
    config = make_config(replay, {"page": KINDS["html_page"]})
    console = _console()
    run_check(config, "page", None, console, now=NOW + timedelta(days=100))  # after it closed
    out = console.export_text()
    assert "Bron page (html_page): 1 verzoek\n" in out
    assert "niveau Rijk · regio's heel Nederland · status gesloten" in out
    assert "closed" not in out and "verzoeken" not in out


def test_check_one_url_with_the_source_scraper(replay: ReplayServer) -> None:
    config = make_config(replay, {"prb": PRB})
    page = replay.mirror("https://www.limburg.nl/onderwerpen/economie/@10534/vragen-antwoorden/")
    config = make_config(replay, {"page": {**KINDS["html_page"], "options": {}}})
    console = _console()
    assert run_check(config, "page", page, console, now=NOW) == 0
    out = console.export_text()
    assert "limburg.nl" in out and "5 februari 2027" in out


def test_check_reports_a_failure(replay: ReplayServer) -> None:
    config = make_config(replay, {"page": KINDS["html_page"]})
    console = _console()
    missing = replay.mirror("https://www.rvo.nl/bestaat-niet")
    assert run_check(config, "page", missing, console, now=NOW) == 1
    assert "FOUT: " in console.export_text()


def test_check_warns_about_a_parking_page(replay: ReplayServer) -> None:
    config = make_config(replay, {"page": KINDS["html_page"]})
    route = next(r for r in replay.routes if r.url.endswith("/sde/aanvragen"))
    route.body = (
        b"<html><head><title>rvo</title></head><body><main><h1>rvo.nl</h1>"
        b"<p>Dit domein is te koop.</p></main></body></html>"
    )
    console = _console()
    run_check(config, "page", None, console, now=NOW)
    out = console.export_text()
    assert "VERDACHT" in out and "WAARSCHUWING" in out


@pytest.mark.parametrize("kind", ["koop_sru", "eu_sedia", "html_list"])
def test_record_saves_responses_with_headers(
    replay: ReplayServer, kind: str, tmp_path: Path
) -> None:
    config = make_config(replay, {kind: KINDS[kind]})
    console = _console()
    assert run_record(config, kind, tmp_path / "rec", console, now=NOW) == 0
    metas = sorted((tmp_path / "rec").glob("*.meta.toml"))
    assert len(metas) >= (1 if kind == "eu_sedia" else 2)  # listing, next page or details
    meta = tomllib.loads(metas[0].read_text(encoding="utf-8"))
    assert meta["status"] == 200 and meta["source"] == kind
    assert meta["url"].startswith("http://127.0.0.1")
    assert "etag" in meta["headers"] and "content-type" in meta["headers"]
    body = next(
        p
        for p in (tmp_path / "rec").iterdir()
        if p.name.startswith("01-") and not p.name.endswith(".toml")
    )
    assert body.read_bytes()
    if kind == "eu_sedia":
        assert meta["method"] == "POST" and body.suffix == ".json"


def test_record_reports_a_failure(replay: ReplayServer, tmp_path: Path) -> None:
    config = make_config(replay, {"page": KINDS["html_page"]})
    missing = replay.mirror("https://www.rvo.nl/bestaat-niet")
    assert run_record(config, "page", tmp_path, _console(), url=missing, now=NOW) == 1


def test_sources_command_and_page_show_verification(
    replay: ReplayServer, tmp_path: Path, engine: Any
) -> None:
    from datetime import date

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from tests.e2e.support import add_staff, login, make_app
    from tracker.cli.main import app

    file = tmp_path / "config.toml"
    file.write_text(
        "[sources.checked]\nscraper = 'html_page'\nurl = 'https://www.rvo.nl/x'\nlevel = 'rijk'\n"
        "verified = '2026-11-20'\nverified_note = 'selectors live gecontroleerd'\n"
        "[sources.unchecked]\nscraper = 'html_page'\nurl = 'https://www.rvo.nl/y'\n"
        "level = 'rijk'\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["sources", "--config", str(file)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "2026-11-20" in result.output and "nooit gecontroleerd" in result.output
    assert "checked: selectors live gecontroleerd" in result.output
    config = make_config(replay, {"checked": KINDS["html_page"], "unchecked": KINDS["html_list"]})
    config.sources["checked"] = config.sources["checked"].model_copy(
        update={"verified": date(2026, 11, 20)}
    )
    add_staff(engine)
    with TestClient(make_app(config, engine)) as client:
        login(client)
        page = client.get("/beheer/bronnen").text
    assert "gecontroleerd 20-11-2026" in page and "nooit gecontroleerd" in page


def test_check_command_exit_codes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli.main import app

    file = tmp_path / "config.toml"
    file.write_text("[sources.a]\nscraper = 'html_page'\nurl = 'https://x.test/'\nlevel = 'rijk'\n")
    for command in (["check", "nope"], ["record", "nope", str(tmp_path / "r")]):
        result = CliRunner().invoke(app, [*command, "--config", str(file)])
        assert result.exit_code == 2 and "Onbekende bron" in result.output
