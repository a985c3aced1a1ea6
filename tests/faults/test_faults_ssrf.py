"""A source that redirects into a private address is refused at that hop (no connection)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW
from tests.faults._support import report
from tracker.config import Config, HttpConfig, SourceConfig
from tracker.ingest.pipeline import run_sources
from tracker.models import ScrapeRun

TARGETS = ["http://10.0.0.5/regelingen", "http://169.254.169.254/latest/meta-data/"]


class _Redirector(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        hop = int(self.path.rsplit("/", 1)[-1] or 0)
        self.send_response(302)
        self.send_header("Location", self.server.targets[hop])  # type: ignore[attr-defined]
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def redirector() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_redirect_into_a_private_address_is_refused(
    engine: Engine, redirector: ThreadingHTTPServer
) -> None:
    port = redirector.server_address[1]
    # hop targets: two private addresses, and loopback on another port than the source's
    other = httpx.URL(f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}/x")
    redirector.targets = [*TARGETS, str(other)]  # type: ignore[attr-defined]
    sources = {
        f"bron{i}": SourceConfig(
            scraper="html_page",
            url=f"http://127.0.0.1:{port}/go/{i}",
            level="rijk",
            options={"scheme_title": "X"},
        )  # fmt: skip
        for i in range(3)
    }
    config = Config(http=HttpConfig(min_delay=0, retries=0, timeout=2), sources=sources)
    results = run_sources(config, engine, now=NOW)
    report(f"redirect into private address [{engine.dialect.name}]: "
           f"{sum(r.status == 'failed' for r in results)} of {len(results)} refused")  # fmt: skip
    for result in results:
        assert result.status == "failed"
        assert "SSRF-bescherming" in result.error and "intern adres" in result.error
    with Session(engine) as s:
        assert len(s.exec(select(ScrapeRun).where(ScrapeRun.status == "failed")).all()) == 3
