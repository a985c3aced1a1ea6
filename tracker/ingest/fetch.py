"""The only network code: a polite, bounded HTTP client.

One ``httpx.AsyncClient`` per scrape cycle, shared by all sources: it identifies itself with
the configured User-Agent, honours robots.txt (protego, cached per host), limits concurrency
and spaces requests per host (together with the process's other fetchers: ``hostgate``),
retries connection errors, 5xx and 429 with exponential backoff (Retry-After honoured), sends
conditional requests from validators remembered across runs, caps body size and follows a
bounded number of redirects. With a ``HopGuard`` every request, each redirect hop included,
passes the SSRF rule and connects to the very address that was checked. Nothing here touches
the database: the cache is handed in and handed back.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import logging
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlsplit

import httpx
from protego import Protego

from scrapers.base import Page, Request
from tracker.config import HttpConfig
from tracker.errors import FetchError
from tracker.ingest.hostgate import HostGate, gate_for
from tracker.ingest.netguard import HopGuard, UnsafeUrlError

logger = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class CacheEntry:
    etag: str = ""
    last_modified: str = ""
    body_sha256: str = ""
    body: bytes | None = None
    content_type: str = ""
    # a body is stored but was not read: the pipeline loads validators only and a body is read
    # when a 304's page is really parsed (issue 14: every stored body in memory at once)
    stored: bool = False
    # robots.txt only: stored recently enough to be used without asking (the pipeline decides,
    # by its run time: tracker.ingest.pipeline.ROBOTS_FRESH)
    fresh: bool = False

    @property
    def has_body(self) -> bool:
        return self.body is not None or self.stored


@dataclass
class Fetched:
    # True when the server answered 304 or sent the very body we stored last time
    unchanged: bool
    cache_key: str
    entry: CacheEntry
    url: str
    # the page, or how to make it: a 304's stored body is read only when a scraper needs it
    make_page: Callable[[], Page]
    _page: Page | None = None

    @property
    def page(self) -> Page:
        if self._page is None:
            self._page = self.make_page()
        return self._page


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    gate: HostGate  # the limits shared with the process's other fetchers (tracker run)
    robots: Protego | None = None
    robots_loaded: bool = False
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    client: httpx.AsyncClient | None = None


def cache_key(request: Request) -> str:
    """URL for GETs; URL plus a body digest for POSTs, whose answers differ by body."""
    if request.method == "GET" and not request.files:
        return request.url
    digest = hashlib.sha256(repr(request.files).encode()).hexdigest()[:16]
    return f"{request.method} {request.url}#{digest}"


class Fetcher:
    """Fetch pages politely; create inside a running event loop, close with ``aclose``."""

    def __init__(
        self,
        http: HttpConfig,
        cache: Mapping[str, CacheEntry] | None = None,
        *,
        clock: type[datetime] = datetime,
        guard: HopGuard | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        load_body: Callable[[str], bytes | None] | None = None,
    ) -> None:
        self.http = http
        self._load_body = load_body
        self.cache: dict[str, CacheEntry] = dict(cache or {})
        # robots.txt copies fetched anew in this run, stored by the pipeline across runs
        self.robots_entries: dict[str, CacheEntry] = {}
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._transport, self._guard = transport, guard
        self._ssl: ssl.SSLContext | None = None

    def _client(self) -> httpx.AsyncClient:
        """A client (and connection pool) for one host: httpcore scans every connection of a
        pool on each request, so one pool for all hosts made a request cost O(hosts), a fifth
        of the CPU of an all-304 cycle over 20 hosts (issue 14)."""
        if self._ssl is None:  # loading the CA bundle costs ~20 ms: once per cycle, not per host
            self._ssl = httpx.create_ssl_context()
        transport = self._transport
        if self._guard is not None:
            inner = transport or httpx.AsyncHTTPTransport(verify=self._ssl)
            transport = _GuardedTransport(inner, self._guard)
        return _Client(
            verify=self._ssl,
            headers={"User-Agent": self.http.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.http.timeout, connect=self.http.connect_timeout),
            follow_redirects=True,
            max_redirects=self.http.max_redirects,
            trust_env=False,
            transport=transport,
        )

    async def aclose(self) -> None:
        for host in self._hosts.values():
            if host.client is not None:
                await host.client.aclose()

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._hosts:
            limit = self.http.per_host_concurrency
            gate = gate_for(key, limit, self.http.min_delay)
            self._hosts[key] = _Host(asyncio.Semaphore(limit), gate)
        return self._hosts[key]

    async def fetch(self, request: Request) -> Fetched:
        """Fetch one request; raise FetchError on any failure after retries."""
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"refusing non-http(s) URL {request.url!r}", url=request.url)
        if self.http.respect_robots and not await self._allowed(request.url):
            raise FetchError(f"robots.txt disallows {request.url}", url=request.url)
        key = cache_key(request)
        entry = self.cache.get(key, CacheEntry())
        headers = dict(request.headers)
        if entry.has_body and request.method == "GET":
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
        status, resp_headers, body, final_url = await self._send(request, headers)
        now = self._clock.now(UTC)
        if status == 304 and entry.has_body:
            # the stored body is the one at the end of the redirects, as now: its relative
            # links resolve against that address, not against the one asked for

            def stored() -> Page:
                return Page(final_url, 200, resp_headers, self.stored_body(key, entry), now)

            return Fetched(True, key, entry, final_url, stored)
        if status >= 400 or status == 304:
            raise FetchError(f"HTTP {status} from {request.url}", url=request.url, status=status)
        sha = hashlib.sha256(body).hexdigest()
        new_entry = CacheEntry(
            etag=resp_headers.get("etag", ""),
            last_modified=resp_headers.get("last-modified", ""),
            body_sha256=sha,
            body=body,
            content_type=resp_headers.get("content-type", ""),
        )
        page = Page(final_url, status, resp_headers, body, now, _charset(resp_headers))
        return Fetched(sha == entry.body_sha256, key, new_entry, final_url, lambda: page, page)

    def stored_body(self, key: str, entry: CacheEntry) -> bytes:
        """The body stored for ``key`` (read now when it was not loaded with the cache)."""
        if entry.body is not None:
            return entry.body
        body = self._load_body(key) if self._load_body is not None else None
        if body is None:  # removed since the cache was read (retention): ask again next run
            raise FetchError(f"stored copy of {key} is gone", url=key)
        return body

    async def _send(
        self, request: Request, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes, str]:
        host = self._host(request.url)
        attempt = 0
        while True:
            async with host.semaphore:
                await host.gate.enter()
                try:
                    await host.gate.space()
                    if host.client is None:
                        host.client = self._client()
                    return await self._send_once(host.client, request, headers)
                except _Retryable as exc:
                    error: FetchError = exc.error
                    wait = exc.retry_after
                finally:
                    host.gate.leave()
            if attempt >= self.http.retries:
                raise error
            delay = min(self.http.max_backoff, self.http.backoff * (2**attempt))
            if wait is not None:
                delay = min(self.http.max_backoff, max(delay, wait))
            logger.info("retrying %s in %.1fs: %s", request.url, delay, error)
            attempt += 1
            await asyncio.sleep(delay)

    async def _send_once(
        self, client: httpx.AsyncClient, request: Request, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes, str]:
        files = [(name, (fname, body, ctype)) for name, fname, ctype, body in request.files]
        try:
            built = client.build_request(
                request.method, request.url, headers=headers, files=files or None
            )
            response = await client.send(built, stream=True)
        except httpx.TooManyRedirects as exc:
            raise FetchError(f"too many redirects from {request.url}", url=request.url) from exc
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise _Retryable(FetchError(f"{type(exc).__name__} for {request.url}: {exc}")) from exc
        try:
            if response.status_code in RETRY_STATUSES:
                raise _Retryable(
                    FetchError(
                        f"HTTP {response.status_code} from {request.url}",
                        url=request.url,
                        status=response.status_code,
                    ),
                    _retry_after(response.headers.get("retry-after"), self._clock.now(UTC)),
                )
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.http.max_bytes:
                raise FetchError(f"{request.url}: body of {declared} bytes exceeds the cap")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.http.max_bytes:
                    raise FetchError(f"{request.url}: body exceeds {self.http.max_bytes} bytes")
                chunks.append(chunk)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise _Retryable(FetchError(f"incomplete body from {request.url}: {exc}")) from exc
        finally:
            await response.aclose()
        return response.status_code, dict(response.headers), b"".join(chunks), str(response.url)

    async def _allowed(self, url: str) -> bool:
        host = self._host(url)
        async with host.robots_lock:
            if not host.robots_loaded:
                await self._load_robots(host, url)
        assert host.robots is not None
        return bool(host.robots.can_fetch(url, self.http.user_agent))

    async def _load_robots(self, host: _Host, url: str) -> None:
        """Read robots.txt, conditionally when a copy from an earlier run is in the cache;
        a new copy is kept in ``robots_entries`` for the pipeline to store (issue 14)."""
        parts = urlsplit(url)
        robots = Request(f"{parts.scheme}://{parts.netloc}/robots.txt")
        entry = self.cache.get(cache_key(robots))
        if entry is not None and entry.fresh and entry.has_body:
            # RFC 9309 2.4: a crawler may use its copy for up to 24 hours; a scrape minutes
            # after the last one saves a round trip per host before its first page
            try:
                kept = self.stored_body(cache_key(robots), entry)
            except FetchError:  # removed meanwhile: ask the host
                pass
            else:
                host.robots = Protego.parse(kept.decode("utf-8", "replace"))
                host.robots_loaded = True
                return
        headers: dict[str, str] = {}
        if entry is not None and entry.has_body:
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
        try:
            status, resp_headers, body, _u = await self._send(robots, headers)
        except FetchError as exc:
            raise FetchError(f"robots.txt unavailable for {parts.netloc}: {exc}") from exc
        if status == 304 and entry is not None and entry.has_body:
            status, body = 200, self.stored_body(cache_key(robots), entry)
            # stored again with this run's time, so it counts as fresh from now on
            self.robots_entries[cache_key(robots)] = replace(entry, body=body, fresh=False)
        elif status < 400:
            self.robots_entries[cache_key(robots)] = CacheEntry(
                etag=resp_headers.get("etag", ""),
                last_modified=resp_headers.get("last-modified", ""),
                body_sha256=hashlib.sha256(body).hexdigest(),
                body=body,
                content_type=resp_headers.get("content-type", ""),
            )
        # RFC 9309: 4xx means no restrictions; a 5xx was already retried and raised
        text = body.decode("utf-8", "replace") if status < 400 else ""
        host.robots = Protego.parse(text)
        host.robots_loaded = True


class _Cookies(httpx.Cookies):
    """httpx's cookie store, which skips a response without ``Set-Cookie``: reading one still
    built two urllib shims and walked the cookie jar, ~4% of an all-304 cycle's CPU (issue 14).
    What is stored and sent is unchanged (``Set-Cookie2`` is ignored by the default policy)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


class _Client(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` whose cookie store is a ``_Cookies``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kept = _Cookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._kept

    @cookies.setter
    def cookies(
        self, cookies: httpx.Cookies | CookieJar | dict[str, str] | list[tuple[str, str]]
    ) -> None:
        self._kept = _Cookies(cookies)


class _GuardedTransport(httpx.AsyncBaseTransport):
    """Check every request (each redirect hop) and connect to the checked address only."""

    def __init__(self, inner: httpx.AsyncBaseTransport, guard: HopGuard) -> None:
        self.inner, self.guard = inner, guard

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        try:
            address = self.guard.address_for(url)
        except UnsafeUrlError as exc:
            raise FetchError(f"SSRF-bescherming: {exc}", url=url) from None
        if address is None:
            return await self.inner.handle_async_request(request)
        original = request.url
        if request.url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": original.host}
        request.url = original.copy_with(host=address)
        try:
            return await self.inner.handle_async_request(request)
        finally:
            request.url = original  # redirects and page URLs keep the host name

    async def aclose(self) -> None:
        await self.inner.aclose()


class _Retryable(Exception):
    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def _retry_after(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" (RFC 5322: UTC, source unknown) parses naive
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _charset(headers: Mapping[str, str]) -> str:
    ctype = headers.get("content-type", "")
    for part in ctype.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"
