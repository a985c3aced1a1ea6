"""A source that redirects into a private address is refused at that hop (no connection)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW
from tests.faults._support import report
from tracker.config import Config, HttpConfig, SourceConfig
from tracker.ingest.pipeline import run_sources
from tracker.models import ScrapeRun, SourceOverride

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


class _Secret(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<h1>intern geheim</h1>")

    def log_message(self, *_args: object) -> None:
        pass


def test_a_staff_url_whose_dns_rebinds_to_loopback_is_refused_at_the_request(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the staff URL's host first resolves to a public address (the override
    check passes), then to loopback. Its origin counted as the operator's own, so the request
    was neither checked again nor pinned and connected by name to the internal server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Secret)
    server.hits = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host: object, port: object, *args: object, **kwargs: object) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name != "rebind.test":
            return real(host, port, *args, **kwargs)  # type: ignore[arg-type]
        answers.append("93.184.216.34" if not answers else "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[-1], port or 80))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    try:
        with Session(engine) as s:  # what POST /beheer/bronnen stores once the check passed
            s.add(SourceOverride(source_id="staff_new", title="staff", level="rijk",
                                 url=f"http://rebind.test:{server.server_address[1]}/geheim",
                                 updated_by="test"))  # fmt: skip
            s.commit()
        config = Config(http=HttpConfig(min_delay=0, retries=0, timeout=2, respect_robots=False))
        [result] = run_sources(config, engine, ["staff_new"], now=NOW)
    finally:
        server.shutdown()
        server.server_close()
    assert server.hits == []  # type: ignore[attr-defined]
    assert result.status == "failed" and "intern adres (127.0.0.1)" in result.error
    assert len(answers) == 2  # checked when the override was read and again at the request
