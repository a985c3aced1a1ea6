"""The replay server keeps root-relative links on their real host (the demo's scheme URLs).

Found in a QA walkthrough of ``./scripts/demo``: the RVO listing links its schemes as
``/subsidies-financiering/sde``. Served from the mirror under ``/www.rvo.nl/…`` such a link
resolved to the loopback root, lost its host, and the demo showed ``https://subsidies-financiering/sde``
with no publisher.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW, make_config
from tests.integration.test_source_health import LIST
from tracker.cli.demo import restore_real_urls
from tracker.ingest.pipeline import run_source
from tracker.models import Scheme
from tracker.ops.replay import ReplayServer, Route, absolutise

PAGE = "https://www.rvo.nl/subsidies-financiering"


def test_root_relative_links_get_the_real_origin() -> None:
    body = (
        b'<a href="/sde">x</a> <img src=\'/logo.png\'> <a href="//cdn.test/a"> <a href="?page=2">'
    )
    assert absolutise(body, PAGE) == (
        b"<a href=\"https://www.rvo.nl/sde\">x</a> <img src='https://www.rvo.nl/logo.png'>"
        b' <a href="//cdn.test/a"> <a href="?page=2">'
    )


def test_a_served_root_relative_link_points_at_the_mirror() -> None:
    routes = [
        Route(
            PAGE, body=b'<a href="/wbso">WBSO</a><a href="/isde">ISDE</a>', content_type="text/html"
        ),
        Route("https://www.rvo.nl/wbso", body=b"<p>WBSO</p>", content_type="text/html"),
    ]
    with ReplayServer(Path("."), routes) as server:
        text = httpx.get(server.mirror(PAGE)).text
        assert f'href="{server.base_url}/www.rvo.nl/wbso"' in text
        assert 'href="https://www.rvo.nl/isde"' in text


def test_demo_schemes_from_a_listing_keep_the_real_host(
    engine: Engine, replay: ReplayServer
) -> None:
    config = make_config(replay, {"rvo": LIST})
    assert run_source(config, engine, "rvo", now=NOW).status == "ok"
    restore_real_urls(engine, replay)
    with Session(engine) as session:
        urls = {s.title.split(":")[0]: s.url for s in session.exec(select(Scheme)).all()}
    assert urls["ISDE"] == "https://www.rvo.nl/subsidies-financiering/isde/woningeigenaren"
    assert urls["WBSO"] == "https://www.rvo.nl/subsidies-financiering/wbso"
