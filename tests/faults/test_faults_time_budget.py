"""Fault: the first run of a listing runs out of its time budget. The items it leaves for
the next run are as old as the rest: they are a baseline, not news mailed to subscribers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.local_site import Quiet, reply, serving
from tracker.config import Config, HttpConfig, SourceConfig
from tracker.ingest.pipeline import run_source
from tracker.models import Event, Source

NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)
ITEMS = 8
SLOW = 0.4  # seconds per detail page: with one request at a time, a 2 s budget stops halfway


class _Listing(Quiet):
    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        if self.path == "/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
        elif self.path == "/lijst":
            links = "".join(
                f'<li class="r"><a href="/r{n}">Subsidie Vakkracht {n}</a></li>'
                for n in range(ITEMS)
            )
            body = f"<html><body><main><ul>{links}</ul></main></body></html>".encode()
        else:
            time.sleep(SLOW)
            n = self.path.removeprefix("/r")
            body = (
                f"<html><body><main><h1>Subsidie Vakkracht {n}</h1><p>Aanvragen kan van "
                "1 maart 2027 tot en met 31 maart 2027.</p></main></body></html>"
            ).encode()
        reply(self, 200, body, {})


@pytest.fixture
def listing() -> Iterator[str]:
    with serving(_Listing) as base:
        yield base


def _config(base: str, budget: float) -> Config:
    http = HttpConfig(min_delay=0.0, retries=0, allow_private_hosts=True, run_budget=budget,
                      per_host_concurrency=1)  # fmt: skip
    source = SourceConfig(scraper="html_list", url=f"{base}/lijst", level="rijk",
                          options={"item": "li.r", "follow_details": True})  # fmt: skip
    return Config(http=http, sources={"lijst": source})


def test_items_a_cut_short_first_run_left_are_no_news(engine: Engine, listing: str) -> None:
    first = run_source(_config(listing, budget=2.5), engine, "lijst", now=NOW)
    assert first.status == "degraded" and "tijdsbudget op" in first.error
    assert 0 < first.items_found < ITEMS
    with Session(engine) as s:
        source = s.get(Source, "lijst")
        assert source is not None and source.last_ok_at is None, "no complete run yet"
    second = run_source(_config(listing, budget=60), engine, "lijst", now=NOW + timedelta(days=1))
    assert second.status == "ok" and second.items_found == ITEMS
    with Session(engine) as s:
        events = s.exec(select(Event)).all()
        assert len(events) == 2 * ITEMS  # a new scheme and its window each
        assert all(e.baseline for e in events), [e.kind for e in events if not e.baseline]
        source = s.get(Source, "lijst")
        assert source is not None and source.last_ok_at is not None
