"""The fetch path against a real loopback server: politeness, limits and retries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scrapers.base import Request
from tests.conftest import NOW
from tracker.config import HttpConfig
from tracker.errors import FetchError
from tracker.ingest.fetch import Fetched, Fetcher, _retry_after
from tracker.ops.replay import ReplayServer, Route

URL = "https://example.test/page"


def _fetch(
    server: ReplayServer, http: HttpConfig, url: str = URL, fetcher_cache: dict | None = None
) -> Fetched:
    async def go() -> Fetched:
        fetcher = Fetcher(http, fetcher_cache)
        try:
            return await fetcher.fetch(Request(server.mirror(url)))
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    srv = ReplayServer(Path("."), [Route(URL, body=b"<p>ok</p>", content_type="text/html")])
    srv.start()
    yield srv
    srv.stop()


FAST = HttpConfig(min_delay=0, retries=2, backoff=0.01, timeout=2)


def test_user_agent_and_robots_are_used(server: ReplayServer) -> None:
    fetched = _fetch(server, FAST)
    assert fetched.page.content == b"<p>ok</p>"
    assert [h.path for h in server.hits][0] == "/robots.txt"
    assert server.hits[1].headers["user-agent"] == FAST.user_agent


def test_robots_disallow_is_honoured(server: ReplayServer) -> None:
    server.robots = "User-agent: *\nDisallow: /example.test/\n"
    with pytest.raises(FetchError, match="robots.txt disallows"):
        _fetch(server, FAST)
    assert all(h.path == "/robots.txt" for h in server.hits)


def test_conditional_request_reuses_cached_body(server: ReplayServer) -> None:
    first = _fetch(server, FAST)
    cache = {first.cache_key: first.entry}
    second = _fetch(server, FAST, fetcher_cache=cache)
    assert second.unchanged and second.page.content == b"<p>ok</p>"
    assert server.hits[-1].status == 304
    assert "if-none-match" in server.hits[-1].headers


def test_size_cap(server: ReplayServer) -> None:
    server.routes[0].body = b"x" * 5000
    with pytest.raises(FetchError, match="exceeds"):
        _fetch(server, HttpConfig(min_delay=0, retries=0, max_bytes=1000))


def test_redirect_limit(server: ReplayServer) -> None:
    loop = server.mirror(URL)
    server.routes[0].status = 302
    server.routes[0].headers = {"Location": loop}
    with pytest.raises(FetchError, match="too many redirects"):
        _fetch(server, HttpConfig(min_delay=0, retries=0, max_redirects=3))
    assert len([h for h in server.hits if h.path != "/robots.txt"]) == 4


def test_retry_after_429_then_success(server: ReplayServer) -> None:
    route = server.routes[0]
    route.status, route.fail_first, route.headers = 429, 2, {"Retry-After": "0"}
    fetched = _fetch(server, FAST)
    assert fetched.page.content == b"<p>ok</p>"
    assert route.served == 3


def test_retry_after_date_counts_from_the_fetcher_clock() -> None:
    assert _retry_after("Fri, 27 Nov 2026 07:00:30 GMT", NOW) == 30.0
    assert _retry_after("Fri, 27 Nov 2026 06:00:00 GMT", NOW) == 0.0
    assert _retry_after("5", NOW) == 5.0 and _retry_after("soon", NOW) is None
    # "-0000" is UTC from an unknown source (RFC 5322); it parses without a zone
    assert _retry_after("Fri, 27 Nov 2026 07:01:00 -0000", NOW) == 60.0


def test_gives_up_after_retries(server: ReplayServer) -> None:
    server.routes[0].status = 503
    with pytest.raises(FetchError, match="HTTP 503"):
        _fetch(server, FAST)
    assert server.routes[0].served == FAST.retries + 1


def test_per_host_spacing(server: ReplayServer) -> None:
    http = HttpConfig(min_delay=0.2, retries=0, per_host_concurrency=1)

    async def go() -> float:
        fetcher = Fetcher(http)
        start = time.monotonic()
        try:
            await asyncio.gather(*(fetcher.fetch(Request(server.mirror(URL))) for _ in range(3)))
        finally:
            await fetcher.aclose()
        return time.monotonic() - start

    # robots.txt + 3 pages on one host, each at least 0.2 s apart
    assert asyncio.run(go()) >= 0.6


def test_refuses_non_http_urls() -> None:
    async def go() -> None:
        fetcher = Fetcher(FAST)
        try:
            await fetcher.fetch(Request("file:///etc/passwd"))
        finally:
            await fetcher.aclose()

    with pytest.raises(FetchError, match="non-http"):
        asyncio.run(go())


def test_cookies_a_site_sets_are_sent_back_to_it() -> None:
    """Responses without Set-Cookie skip the cookie jar (issue 14); a cookie that is set is
    still kept for the run and sent with the site's next requests."""
    first, second = "https://example.test/a", "https://example.test/b"
    srv = ReplayServer(
        Path("."),
        [
            Route(
                first,
                body=b"a",
                content_type="text/html",
                headers={"Set-Cookie": "sessie=abc; Path=/"},
            ),  # fmt: skip
            Route(second, body=b"b", content_type="text/html"),
        ],
    )
    srv.start()
    try:

        async def go() -> None:
            fetcher = Fetcher(HttpConfig(min_delay=0.0, retries=0))
            try:
                await fetcher.fetch(Request(srv.mirror(second)))
                await fetcher.fetch(Request(srv.mirror(first)))
                await fetcher.fetch(Request(srv.mirror(second)))
            finally:
                await fetcher.aclose()

        asyncio.run(go())
        sent = [h.headers.get("cookie", "") for h in srv.hits if h.path.endswith("/b")]
        assert sent == ["", "sessie=abc"], sent
    finally:
        srv.stop()
