"""``tracker check`` and ``tracker record``: the tools with which a maintainer verifies a source.

``check`` fetches one source (or one URL with that source's scraper) through the normal fetch
and parse path and prints what a run would store — schemes, windows with their snippets and
confidence, warnings — without opening the database. ``record`` saves every response of such a
fetch with its headers as fixture files (``<n>-<slug>.<ext>`` plus ``.meta.toml``), the
structure ``tests/fixtures`` and the replay server use.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console

from scrapers.base import Page, ParseError, Request
from tracker.config import Config
from tracker.errors import FetchError
from tracker.ingest.fetch import Fetched, Fetcher
from tracker.ingest.netguard import HopGuard, origin
from tracker.ingest.normalise import NormaliseError, normalise_scheme
from tracker.ingest.pipeline import _collect, _Collected, make_scraper
from tracker.read.describe import LEVEL_NL, count_nl, region_names
from tracker.read.status import LABELS_NL
from tracker.read.timefmt import format_moment_nl, local_today

logger = logging.getLogger(__name__)


def decimal_nl(value: float) -> str:
    """'0,99': a confidence with a decimal comma, as the dashboard shows it."""
    return f"{value:.2f}".replace(".", ",")


EXTENSIONS = (("json", "json"), ("html", "html"), ("rss", "xml"), ("atom", "xml"), ("xml", "xml"))


@dataclass
class Recorded:
    request: Request
    page: Page


class RecordingFetcher(Fetcher):
    """A Fetcher that keeps every response it returns (no cache: every body is fresh)."""

    def __init__(self, config: Config, origins: frozenset[str]) -> None:
        guard = HopGuard(config.http.allow_private_hosts, origins)
        super().__init__(config.http, {}, guard=guard)
        self.pages: list[Recorded] = []

    async def fetch(self, request: Request) -> Fetched:
        fetched = await super().fetch(request)
        self.pages.append(Recorded(request, fetched.page))
        return fetched


@dataclass
class Checked:
    collected: _Collected | None = None
    pages: list[Recorded] = field(default_factory=list)
    error: str = ""


def fetch_source(config: Config, source_id: str, url: str | None, now: datetime) -> Checked:
    """Fetch and parse one source (or ``url`` with its scraper); nothing is stored."""
    source = config.sources[source_id]
    urls = (url,) if url else source.all_urls()
    if url:
        source = source.model_copy(update={"url": url, "urls": ()})
        config = config.model_copy(update={"sources": {**config.sources, source_id: source}})
    fetcher = RecordingFetcher(config, frozenset(origin(u) for u in urls))
    scraper = make_scraper(config, source_id, local_today(now))
    max_pages = source.max_pages or config.defaults.max_pages

    async def go() -> _Collected:
        try:
            return await asyncio.wait_for(
                _collect(scraper, urls, fetcher, max_pages), config.http.run_budget
            )
        finally:
            await fetcher.aclose()

    checked = Checked(pages=fetcher.pages)
    try:
        checked.collected = asyncio.run(go())
    except (FetchError, ParseError) as exc:
        checked.error = str(exc)
    except TimeoutError:
        checked.error = f"tijdsbudget van {config.http.run_budget:.0f}s overschreden"
    return checked


def run_check(
    config: Config, source_id: str, url: str | None, console: Console, now: datetime | None = None
) -> int:
    """Print what a run of ``source_id`` would store; 0 when it parsed, 1 otherwise."""
    moment = now or datetime.now(UTC)
    checked = fetch_source(config, source_id, url, moment)
    source = config.sources[source_id]
    requests = count_nl(len(checked.pages), "verzoek", "verzoeken")
    console.print(f"Bron {source_id} ({config.scraper_name(source_id)}): {requests}")
    for recorded in checked.pages:
        console.print(f"  {recorded.page.status} {recorded.page.url}", markup=False)
    got = checked.collected
    if got is None:
        console.print(f"FOUT: {checked.error}", markup=False, highlight=False)
        return 1
    today = local_today(moment)
    for raw, page_url in got.items:
        console.print(f"\nRegeling: {raw.title}", markup=False, highlight=False)
        console.print(f"  sleutel {raw.key} · {raw.url or page_url}", markup=False)
        if raw.suspect:
            console.print(f"  VERDACHT (wordt niet opgeslagen): {raw.suspect}", markup=False)
            continue
        try:
            data = normalise_scheme(raw, source, page_url, today)
        except NormaliseError as exc:
            console.print(f"  overgeslagen: {exc}", markup=False)
            continue
        level = LEVEL_NL.get(data.level, data.level)
        status = LABELS_NL.get(data.status, data.status)
        console.print(
            f"  niveau {level} · regio's {region_names(data.regions)} · status {status}",
            markup=False,
            highlight=False,
        )
        if not data.windows:
            console.print("  geen aanvraagperiode gevonden")
        for window in data.windows:
            opens = format_moment_nl(window.opens_at, window.opens_has_time) or "?"
            closes = format_moment_nl(window.closes_at, window.closes_has_time) or "?"
            console.print(
                f"  periode {opens} – {closes} (zekerheid {decimal_nl(window.confidence)})",
                markup=False,
                highlight=False,
            )
            console.print(f"    «{window.snippet}»", markup=False, highlight=False)
    if got.deferred:
        items = count_nl(got.deferred, "item", "items")
        console.print(f"\n{items} zonder details (tijdsbudget)")
    for warning in got.warnings:
        console.print(f"WAARSCHUWING: {warning}", markup=False, highlight=False)
    schemes = count_nl(len(got.items), "regeling", "regelingen")
    console.print(f"\n{schemes}; niets opgeslagen.")
    return 0


def _slug(url: str) -> str:
    parts = urlsplit(url)
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1] or parts.hostname or "page"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", tail).strip("-.")[:60] or "page"


def _extension(page: Page) -> str:
    kind = page.headers.get("content-type", "").lower()
    return next((ext for token, ext in EXTENSIONS if token in kind), "bin")


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_record(
    config: Config,
    source_id: str,
    directory: Path,
    console: Console,
    url: str | None = None,
    now: datetime | None = None,
) -> int:
    """Save every response of one fetch of ``source_id`` with its headers under ``directory``."""
    moment = now or datetime.now(UTC)
    checked = fetch_source(config, source_id, url, moment)
    directory.mkdir(parents=True, exist_ok=True)
    for number, recorded in enumerate(checked.pages, start=1):
        page = recorded.page
        name = f"{number:02d}-{_slug(page.url)}"
        body = directory / f"{name}.{_extension(page)}"
        body.write_bytes(page.content)
        lines = [
            f"url = {_toml_str(page.url)}",
            f"request_url = {_toml_str(recorded.request.url)}",
            f"method = {_toml_str(recorded.request.method)}",
            f"status = {page.status}",
            f"fetched_at = {_toml_str(page.fetched_at.isoformat())}",
            f"source = {_toml_str(source_id)}",
            "",
            "[headers]",
            *(f"{_toml_str(k)} = {_toml_str(v)}" for k, v in sorted(page.headers.items())),
        ]
        (directory / f"{name}.meta.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        console.print(f"{body.name}: {page.status} {page.url}", markup=False)
    if checked.error:
        console.print(f"FOUT: {checked.error}", markup=False, highlight=False)
    console.print(f"{len(checked.pages)} antwoorden opgeslagen in {directory}", markup=False)
    return 0 if checked.pages and not checked.error else 1
