"""Stored parse results: a page whose body did not change is not parsed again (issue 14).

The key of a result is a hash of everything a scraper's output depends on: the body's SHA-256,
the scraper's name, options and source context (including the run's local date), and the code
of the scrapers package. A 304 or an unchanged body therefore finds its result and skips the
parse; a changed page misses and is parsed, on its own. The results of the sources' first
requests are read in one query per 500 URLs, later pages' one URL at a time; new results are
written in the source's store transaction, so a run that fails stores none. Items that do not
survive a JSON round trip unchanged are not cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

import scrapers
from scrapers.base import RawScheme, RawWindow, Request, Scraper, SourceContext
from tracker.ingest.upsert import upsert
from tracker.models import ParsedPage


@dataclasses.dataclass
class Parsed:
    items: list[RawScheme]
    next_requests: list[Request]
    warnings: list[str]


_CONTEXT_FIELDS = dataclasses.fields(SourceContext)


@cache
def code_version() -> str:
    """A hash of the scrapers' source: new parsing code never reuses old results."""
    digest = hashlib.sha256()
    root = Path(scrapers.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def parse_key(scraper: Scraper, body_sha256: str) -> str:
    # the fields as ``dataclasses.asdict`` gives them (the same JSON), without its deep copies
    context = {f.name: getattr(scraper.context, f.name) for f in _CONTEXT_FIELDS}
    options = scraper.options.model_dump(mode="json")
    blob = json.dumps([scraper.name, code_version(), body_sha256, context, options],
                      sort_keys=True, default=str)  # fmt: skip
    return hashlib.sha256(blob.encode()).hexdigest()


def _dump(parsed: Parsed) -> str | None:
    if any(r.files for r in parsed.next_requests):
        return None
    data = {
        "items": [dataclasses.asdict(i) for i in parsed.items],
        "next": [
            {"url": r.url, "method": r.method, "headers": [list(h) for h in r.headers]}
            for r in parsed.next_requests
        ],  # fmt: skip
        "warnings": parsed.warnings,
    }
    try:
        text = json.dumps(data, sort_keys=True)
    except (TypeError, ValueError):  # a value JSON cannot hold (a date in ``extra``)
        return None
    return text if json.loads(text) == data else None


def _load(text: str) -> Parsed:
    data = json.loads(text)
    items = []
    for raw in data["items"]:
        windows = [RawWindow(**w) for w in raw.pop("windows")]
        items.append(RawScheme(**raw, windows=windows))
    nexts = [Request(r["url"], r["method"], headers=tuple(tuple(h) for h in r["headers"]))
             for r in data["next"]]  # fmt: skip
    return Parsed(items, nexts, list(data["warnings"]))


class ParseCache:
    """Results read from the database on demand and new ones waiting for the source's store
    transaction (one cache per source and run)."""

    def __init__(
        self, engine: Engine | None, preloaded: dict[str, tuple[str, str] | None] | None = None
    ) -> None:
        self.engine = engine
        # stored (parse key, payload) of the run's first requests, read in one query
        # (``preload``; None: nothing stored for that URL); shared by the run's caches, each
        # entry taken once
        self.preloaded = preloaded if preloaded is not None else {}
        self.pending: dict[str, tuple[str, str]] = {}
        self.hits = 0
        self.misses = 0

    def lookup(self, url: str, key: str) -> Parsed | None:
        if self.engine is None:
            return None
        payload: str | None
        if url in self.preloaded:
            stored = self.preloaded.pop(url)
            payload = stored[1] if stored is not None and stored[0] == key else None
        else:
            table = ParsedPage.__table__  # type: ignore[attr-defined]
            with self.engine.connect() as conn:  # Core: an ORM get cost more than a parse
                payload = conn.execute(
                    sa.select(table.c.payload).where(table.c.url == url, table.c.parse_key == key)
                ).scalar()
        if payload is None:
            self.misses += 1
            return None
        self.hits += 1
        return _load(payload)

    def record(self, url: str, key: str, parsed: Parsed) -> None:
        text = _dump(parsed)
        if text is not None:
            self.pending[url] = (key, text)


def preload(engine: Engine, urls: Sequence[str]) -> dict[str, tuple[str, str] | None]:
    """Stored (parse key, payload) of ``urls``, None for a URL without one: a query per 500
    URLs instead of one per page (issue 14: an all-304 cycle of 500 pages spent a sixth of its
    time on those queries, a first cycle a tenth of its parsing time on finding nothing)."""
    table = ParsedPage.__table__  # type: ignore[attr-defined]
    wanted = sorted(set(urls))
    found: dict[str, tuple[str, str] | None] = dict.fromkeys(wanted)
    with engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            rows = conn.execute(
                sa.select(table.c.url, table.c.parse_key, table.c.payload).where(
                    table.c.url.in_(wanted[start : start + 500])
                )
            )
            found.update((url, (key, payload)) for url, key, payload in rows)
    return found


def store(session: Session, results: dict[str, tuple[str, str]], now: datetime) -> None:
    rows = [
        {"url": url, "parse_key": key, "payload": payload, "stored_at": now}
        for url, (key, payload) in sorted(results.items())
    ]
    upsert(session, ParsedPage.__table__, rows, "url")  # type: ignore[attr-defined]


def parse_page(
    scraper: Scraper, cache: ParseCache, url: str, body_sha256: str, parse: Any
) -> Parsed:
    """The stored result for this body, or ``parse()`` (items, next requests) recorded."""
    key = parse_key(scraper, body_sha256)
    hit = cache.lookup(url, key) if body_sha256 else None
    if hit is not None:
        for message in hit.warnings:
            scraper.warn(message)
        return hit
    before = len(scraper.warnings)
    items, nexts = parse()
    parsed = Parsed(list(items), list(nexts), list(scraper.warnings[before:]))
    if body_sha256:
        cache.record(url, key, parsed)
    return parsed
