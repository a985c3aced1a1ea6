"""A listing that moved (301) answers 304 the next day: its relative links still resolve
against where it moved to, as on the day it was read (not against the old address)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

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


class _Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_: object) -> None:
        return

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        if self.path == "/regelingen":
            return self._send(301, b"", {"Location": "/subsidies/"})
        if self.path == "/robots.txt":
            return self._send(200, b"User-agent: *\nAllow: /\n", {})
        if self.path == "/subsidies/":
            if self.headers.get("If-None-Match") == '"v1"':
                return self._send(304, b"", {"ETag": '"v1"'})
            return self._send(200, LISTING, {"ETag": '"v1"'})
        name = self.path.removeprefix("/subsidies/")
        if name not in CLOSES:
            return self._send(404, b"niet gevonden", {})
        body = (
            f"<html><body><main><h1>Subsidie {name}</h1><p>Aanvragen van 1 maart 2027 tot en "
            f"met {CLOSES[name]}.</p></main></body></html>"
        )
        return self._send(200, body.encode(), {})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


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
