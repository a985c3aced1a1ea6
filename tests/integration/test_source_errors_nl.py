"""Fetch and parse errors in Dutch on the Bronnen page, as on the command line (both databases).

The fetch layer states errors in technical English and a run stores them as they are; the
Bronnen page and ``tracker scrape`` translate them with the one shared helper
(``tracker.read.errors_nl``), and staff can still open the original text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import NOW, find_route, make_config
from tests.e2e.support import add_staff, login, make_app
from tracker.cli import scrape as cli_scrape
from tracker.config import Config
from tracker.ingest.pipeline import run_source
from tracker.models import ScrapeRun
from tracker.ops.replay import ReplayServer
from tracker.read.errors_nl import message_nl

STCRT = {
    "scraper": "koop_sru",
    "url": "https://repository.overheid.nl/sru",
    "level": "rijk",
    "options": {"publication": "Staatscourant"},
}


def test_known_messages_are_dutch_and_unknown_ones_kept() -> None:
    assert cli_scrape.message_nl is message_nl, "the CLI uses the shared translation"
    assert message_nl("HTTP 503 from https://x.nl/a") == "HTTP 503 van https://x.nl/a"
    assert message_nl("robots.txt disallows https://x.nl/") == "robots.txt verbiedt https://x.nl/"
    assert (
        message_nl("ConnectError for https://x.nl/a: [Errno 111] Connection refused")
        == "verbindingsfout (ConnectError) bij https://x.nl/a: [Errno 111] Connection refused"
    )
    assert (
        message_nl("3 mislukte runs op rij: time budget of 300s exceeded")
        == "3 mislukte runs op rij: tijdslimiet van 300 s overschreden"
    )
    assert message_nl("iets onbekends") == "iets onbekends"
    assert message_nl("") == ""


@pytest.fixture
def config(engine: Engine, replay: ReplayServer) -> Config:
    add_staff(engine)
    return make_config(replay, {"stcrt": STCRT})


@pytest.fixture
def client(config: Config, engine: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(config, engine)) as c:
        login(c)
        yield c


def _error_cell(page: str, source_id: str) -> str:
    row = page.split(f'id="bron-{source_id}"', 1)[1].split("</tr>", 1)[0]
    match = re.search(r'<td class="muted last-error">(.*?)</td>', row, re.DOTALL)
    assert match, row
    return match.group(1)


def test_sources_page_shows_the_error_in_dutch_with_the_original(
    client: TestClient, engine: Engine, config: Config, replay: ReplayServer
) -> None:
    route = find_route(replay, "stcrt_page1")
    route.status, route.body = 503, b"down"
    for day in range(1, 4):
        assert run_source(config, engine, "stcrt", now=NOW + timedelta(days=day)).status == "failed"
    with Session(engine) as s:
        run = s.exec(select(ScrapeRun).order_by(col(ScrapeRun.id).desc())).first()
        assert run is not None
        original = run.error
    assert original.startswith("HTTP 503 from http://127.0.0.1:"), original
    dutch = message_nl(original)
    assert dutch.startswith("HTTP 503 van http://127.0.0.1:"), dutch

    page = client.get("/beheer/bronnen").text
    cell = html.unescape(_error_cell(page, "stcrt"))
    shown, _, details = cell.partition("<details>")
    # the Dutch text leads (a long one cut at 160 characters, mid-URL if need be)
    assert shown.startswith("HTTP 503 van http://127.0.0.1:"), shown
    assert dutch.startswith(shown.removesuffix("...")) and len(shown) <= 160
    assert "<summary>oorspronkelijke melding</summary>" in details
    assert f"<code>{original}</code>" in details, "staff can still read the original"
    assert "3 mislukte runs op rij" in page


def test_a_message_without_translation_has_no_details(
    client: TestClient, engine: Engine, config: Config, replay: ReplayServer
) -> None:
    run_source(config, engine, "stcrt", now=NOW)
    with Session(engine) as s:
        run = s.exec(select(ScrapeRun)).one()
        run.error = "1 items, vorige gezonde run 4"  # already Dutch (pipeline's own note)
        s.add(run)
        s.commit()
    cell = html.unescape(_error_cell(client.get("/beheer/bronnen").text, "stcrt"))
    assert cell == "1 items, vorige gezonde run 4"
