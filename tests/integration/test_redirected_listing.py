"""A listing that moved (301) answers 304 the next day: its relative links still resolve
against where it moved to, as on the day it was read (not against the old address)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.local_site import Quiet, reply, serving
from tracker.config import Config, HttpConfig, SourceConfig
from tracker.ingest.pipeline import run_source
from tracker.models import Event, Scheme

NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)
LISTING = (
    b'<html><body><main><ul><li class="r"><a href="groene-daken">Subsidie Groene Daken</a>'
    b'</li><li class="r"><a href="zonnepanelen">Subsidie Zonnepanelen</a></li></ul></main>'
    b"</body></html>"
)
CLOSES = {"groene-daken": "31 maart 2027", "zonnepanelen": "30 april 2027"}


class _Site(Quiet):
    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        if self.path == "/regelingen":
            return reply(self, 301, b"", {"Location": "/subsidies/"})
        if self.path == "/robots.txt":
            return reply(self, 200, b"User-agent: *\nAllow: /\n", {})
        if self.path == "/subsidies/":
            if self.headers.get("If-None-Match") == '"v1"':
                return reply(self, 304, b"", {"ETag": '"v1"'})
            return reply(self, 200, LISTING, {"ETag": '"v1"'})
        name = self.path.removeprefix("/subsidies/")
        if name not in CLOSES:
            return reply(self, 404, b"niet gevonden", {})
        body = (
            f"<html><body><main><h1>Subsidie {name}</h1><p>Aanvragen van 1 maart 2027 tot en "
            f"met {CLOSES[name]}.</p></main></body></html>"
        )
        return reply(self, 200, body.encode(), {})


@pytest.fixture
def site() -> Iterator[str]:
    with serving(_Site) as base:
        yield base


def test_a_moved_listing_answering_304_keeps_its_links(engine: Engine, site: str) -> None:
    http = HttpConfig(min_delay=0.0, retries=0, allow_private_hosts=True)
    source = SourceConfig(scraper="html_list", url=f"{site}/regelingen", level="rijk",
                          options={"item": "li.r", "follow_details": True})  # fmt: skip
    config = Config(http=http, sources={"lijst": source})
    assert run_source(config, engine, "lijst", now=NOW).status == "ok"
    CLOSES["groene-daken"] = "14 april 2027"
    try:
        later = run_source(config, engine, "lijst", now=NOW + timedelta(days=1))
    finally:
        CLOSES["groene-daken"] = "31 maart 2027"
    assert later.status == "ok", later.error
    assert later.not_modified >= 1 and later.schemes_new == 0
    with Session(engine) as s:
        urls = sorted(scheme.url for scheme in s.exec(select(Scheme)).all())
        assert urls == [f"{site}/subsidies/groene-daken", f"{site}/subsidies/zonnepanelen"]
        kinds = [e.kind for e in s.exec(select(Event).where(Event.created_at > NOW)).all()]
        assert kinds == ["window_changed"]
