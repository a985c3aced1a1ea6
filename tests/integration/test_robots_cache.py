"""robots.txt is kept across runs and asked for conditionally (issue 14)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import NOW
from tracker.config import Config, HttpConfig, SourceConfig
from tracker.ingest.pipeline import run_source
from tracker.models import HttpCacheEntry

PAGE = (
    b"<html><head><title>Subsidie scholing</title></head><body><main><h1>Subsidie scholing "
    b"2027</h1><p>U kunt de subsidie aanvragen van 1 maart 2027 tot en met 30 april 2027.</p>"
    b"</main></body></html>"
)
ROBOTS = b"User-agent: *\nAllow: /\n"


class Site:
    def __init__(self) -> None:
        self.robots_requests: list[tuple[str | None, int]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802
                body, etag = (ROBOTS, '"r1"') if self.path == "/robots.txt" else (PAGE, '"p1"')
                sent = self.headers.get("If-None-Match")
                status = 304 if sent == etag else 200
                if self.path == "/robots.txt":
                    site.robots_requests.append((sent, status))
                self.send_response(status)
                self.send_header("ETag", etag)
                self.send_header("Content-Type", "text/plain" if body is ROBOTS else "text/html")
                self.send_header("Content-Length", "0" if status == 304 else str(len(body)))
                self.end_headers()
                if status == 200:
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    thread = threading.Thread(target=s.server.serve_forever, daemon=True)
    thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()


def test_robots_txt_is_stored_and_revalidated(engine: Engine, site: Site) -> None:
    source = SourceConfig.model_validate(
        {"scraper": "html_page", "url": f"{site.base}/regeling", "level": "rijk"}
    )
    http = HttpConfig(min_delay=0.0, retries=0, timeout=3.0, allow_private_hosts=True)
    config = Config(http=http, sources={"p": source})
    assert run_source(config, engine, "p", now=NOW).status == "ok"
    with Session(engine) as s:
        stored = s.get(HttpCacheEntry, f"{site.base}/robots.txt")
    assert stored is not None and stored.etag == '"r1"' and stored.body == ROBOTS
    run_source(config, engine, "p", now=NOW + timedelta(hours=6))
    assert site.robots_requests == [(None, 200), ('"r1"', 304)]


def test_a_recent_robots_txt_is_used_without_asking(engine: Engine, site: Site) -> None:
    """RFC 9309 lets a crawler use its copy for up to a day; within an hour (by the run's
    clock) no request is sent, after it a conditional one, which makes the copy fresh again."""
    source = SourceConfig.model_validate(
        {"scraper": "html_page", "url": f"{site.base}/regeling", "level": "rijk"}
    )
    http = HttpConfig(min_delay=0.0, retries=0, timeout=3.0, allow_private_hosts=True)
    config = Config(http=http, sources={"p": source})
    run_source(config, engine, "p", now=NOW)
    assert run_source(config, engine, "p", now=NOW + timedelta(minutes=40)).status == "unchanged"
    assert site.robots_requests == [(None, 200)]
    run_source(config, engine, "p", now=NOW + timedelta(minutes=70))
    assert site.robots_requests == [(None, 200), ('"r1"', 304)]
    with Session(engine) as s:
        stored = s.get(HttpCacheEntry, f"{site.base}/robots.txt")
    assert stored is not None and stored.body == ROBOTS
    assert stored.fetched_at == NOW + timedelta(minutes=70)
    run_source(config, engine, "p", now=NOW + timedelta(minutes=100))
    assert len(site.robots_requests) == 2
    # a copy stored "later" than the run's clock is not trusted: asked again
    run_source(config, engine, "p", now=NOW)
    assert len(site.robots_requests) == 3
