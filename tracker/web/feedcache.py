"""Rendered feeds cached per query key, valid while the data generation stands still.

A request first reads the generation (``tracker.generation``: one primary-key look-up); when a
rendering of the same feed, filters and URL exists for that generation and the current minute,
a conditional request is answered 304 and a plain one gets the stored bytes, before any feed
query runs. The minute bounds how long a derived status (open, closing soon) can lag the clock.
Only one thread renders a given key at a time; the others wait for its result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request, Response

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
        with self.key_lock(key):
            hit = self.get(key, gen, bucket)
            if hit is not None:
                return hit
            feed = build()
            hit = CachedFeed(gen, bucket, feed.etag, feed.updated, feed.media_type, feed.render())
            self.renders += 1
            self.put(key, hit)
            return hit


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
    hit = feed_cache(request).fetch(key, gen, bucket, build)
    return conditional_response(request, etag=hit.etag, last_modified=hit.updated,
                                media_type=hit.media_type, render=lambda: hit.body,
                                max_age=config.feeds.cache_seconds)  # fmt: skip
