"""Rendered feeds cached per query key, valid while the data generation stands still.

A request first reads the generation (``tracker.generation``: one primary-key look-up); when a
rendering of the same feed, filters and URL exists for that generation and the current minute,
a conditional request is answered 304 and a plain one gets the stored bytes, before any feed
query runs. The minute bounds how long a derived status (open, closing soon) can lag the clock.
Only one thread renders a given key at a time; the others wait for its result.

``FeedFastPath`` (an ASGI middleware) answers a request for a feed URL seen before straight
from the cache (304 to a matching If-None-Match, else the stored bytes, gzipped once when the
client takes gzip), before routing, dependencies and the other middlewares; it
reuses the generation it read within the last second (writes in this process reset that at
once, writes elsewhere show within a second).
"""

from __future__ import annotations

import email.utils
import gzip
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from feeds.publish import PreparedFeed
from tracker import generation
from tracker.config import Config
from tracker.web.caching import conditional_response

BUCKET_SECONDS = 60
MAX_ENTRIES = 256


@dataclass(frozen=True)
class CachedFeed:
    generation: int
    bucket: int
    etag: str
    updated: datetime
    media_type: str
    body: bytes


class FeedCache:
    """A small LRU of rendered feeds with one render lock per key."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, CachedFeed] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.renders = 0  # how many times a feed was built (tests and benches read it)
        # (path, query string) of a request → its cache key, for FeedFastPath
        self.raw: dict[tuple[str, str], Hashable] = {}
        self.fast_hits = 0
        self._gzipped: dict[Hashable, tuple[CachedFeed, bytes]] = {}

    def gzipped(self, key: Hashable, feed: CachedFeed) -> bytes:
        """The rendering compressed, once per rendering."""
        with self._lock:
            known = self._gzipped.get(key)
        if known is not None and known[0] is feed:
            return known[1]
        data = gzip.compress(feed.body, compresslevel=6)
        with self._lock:
            self._gzipped[key] = (feed, data)
            while len(self._gzipped) > self.size:
                self._gzipped.pop(next(iter(self._gzipped)))
        return data

    def get(self, key: Hashable, gen: int, bucket: int) -> CachedFeed | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None or hit.generation != gen or hit.bucket != bucket:
                return None
            self._items.move_to_end(key)
            return hit

    def put(self, key: Hashable, feed: CachedFeed) -> None:
        with self._lock:
            self._items[key] = feed
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                old, _ = self._items.popitem(last=False)
                self._locks.pop(old, None)

    def stale(self, key: Hashable, gen: int) -> CachedFeed | None:
        """The rendering of an earlier minute with the same data, while another thread renders
        this minute's: readers get it meanwhile instead of queueing behind the render."""
        with self._lock:
            hit = self._items.get(key)
            lock = self._locks.get(key)
        if hit is None or hit.generation != gen or lock is None or not lock.locked():
            return None
        return hit

    def key_lock(self, key: Hashable) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(key, threading.Lock())

    def fetch(
        self, key: Hashable, gen: int, bucket: int, build: Callable[[], PreparedFeed]
    ) -> CachedFeed:
        """The cached rendering, or build and render it once (other threads wait for it)."""
        hit = self.get(key, gen, bucket)
        if hit is not None:
            return hit
        lock = self.key_lock(key)
        if not lock.acquire(blocking=False):
            old = self.stale(key, gen)
            if old is not None:
                return old
            lock.acquire()
        try:
            hit = self.get(key, gen, bucket)
            if hit is not None:
                return hit
            feed = build()
            hit = CachedFeed(gen, bucket, feed.etag, feed.updated, feed.media_type, feed.render())
            self.renders += 1
            self.put(key, hit)
            return hit
        finally:
            lock.release()


def feed_cache(request: Request) -> FeedCache:
    state = request.app.state
    cache: FeedCache | None = getattr(state, "feed_cache", None)
    if cache is None:
        cache = state.feed_cache = FeedCache()
    return cache


def cached_feed(
    request: Request,
    config: Config,
    key: Hashable,
    now: datetime,
    build: Callable[[], PreparedFeed],
) -> Response:
    """Answer from the cache when the data generation and minute match, else build once."""
    gen = generation.current(request.app.state.engine)
    bucket = int(now.timestamp()) // BUCKET_SECONDS
    cache = feed_cache(request)
    hit = cache.fetch(key, gen, bucket, build)
    raw = (request.url.path, request.url.query)
    if raw not in cache.raw and len(cache.raw) < 4 * cache.size:
        cache.raw[raw] = key
    return conditional_response(request, etag=hit.etag, last_modified=hit.updated,
                                media_type=hit.media_type, render=lambda: hit.body,
                                max_age=config.feeds.cache_seconds)  # fmt: skip


FEED_PATHS = ("/feeds/alerts.", "/feeds/schemes.", "/calendar.ics")
# what tracker.web.dashboard adds to every response, repeated for answers given before it
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
MEMO_SECONDS = 1.0


class FeedFastPath:
    """Answer a feed request from the cache before the app runs; pass on what it cannot."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._memo: tuple[float, int, int] | None = None  # (read at, bumps then, generation)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(FEED_PATHS)
            or not await self._answer(scope, send)
        ):
            await self.app(scope, receive, send)

    def _generation(self, state: object) -> int:
        now, bumps = time.monotonic(), generation.local_bumps()
        memo = self._memo
        if memo is None or now - memo[0] > MEMO_SECONDS or memo[1] != bumps:
            memo = self._memo = (now, bumps, generation.current(state.engine))  # type: ignore[attr-defined]
        return memo[2]

    async def _answer(self, scope: Scope, send: Send) -> bool:
        sent = {name: value.decode("latin-1") for name, value in scope["headers"]}
        state = scope["app"].state if "app" in scope else None
        cache: FeedCache | None = getattr(state, "feed_cache", None)
        if cache is None:
            return False
        key = cache.raw.get((scope["path"], scope["query_string"].decode("latin-1")))
        if key is None:
            return False
        clock = getattr(state, "clock", None)
        now = clock() if clock else datetime.now(UTC)
        gen = self._generation(state)
        hit = cache.get(key, gen, int(now.timestamp()) // BUCKET_SECONDS) or cache.stale(key, gen)
        if hit is None:
            return False
        config: Config = state.config  # type: ignore[union-attr]
        age = config.feeds.cache_seconds
        modified = hit.updated.astimezone(UTC).replace(microsecond=0)
        etag = f'"{hit.etag}"'
        headers = [
            (b"last-modified", email.utils.format_datetime(modified, usegmt=True).encode()),
            (b"cache-control", f"public, max-age={age}, stale-while-revalidate={age}".encode()),
            (b"vary", b"Accept-Encoding"),
            *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()),
        ]
        tags = {t.strip().removeprefix("W/") for t in sent.get(b"if-none-match", "").split(",")}
        # weak, like tracker.web.caching: the same document gzipped or not
        headers.append((b"etag", f"W/{etag}".encode()))
        if etag in tags or "*" in tags:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
        else:  # the stored bytes, compressed once per rendering when the client takes gzip
            body = hit.body
            if "gzip" in sent.get(b"accept-encoding", "") and len(body) >= 500:
                body = cache.gzipped(key, hit)
                headers.append((b"content-encoding", b"gzip"))
            headers += [
                (b"content-type", hit.media_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body",
                        "body": b"" if scope["method"] == "HEAD" else body})  # fmt: skip
        cache.fast_hits += 1
        return True
