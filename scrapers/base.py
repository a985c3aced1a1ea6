"""Scraper plug-in base: Page in, RawScheme out.

Scrapers are pure parsers. No network, no database and no clock here: the pipeline fetches,
and the moment of fetching arrives as ``Page.fetched_at``. Parsing text into typed dates and
amounts is ``tracker.ingest.normalise``'s job, so a scraper hands over raw strings.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

logger = logging.getLogger(__name__)

LEVELS = ("rijk", "provincie", "eu")


class ParseError(Exception):
    """The payload does not have the structure the scraper expects (or yields nothing)."""


@dataclass(frozen=True)
class Request:
    """A request a scraper wants made; the pipeline performs it."""

    url: str
    method: str = "GET"
    # multipart parts as (name, filename, content_type, body) for APIs such as SEDIA
    files: tuple[tuple[str, str, str, bytes], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Page:
    """One fetched response."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    fetched_at: datetime
    encoding: str = "utf-8"

    @property
    def text(self) -> str:
        return self.content.decode(self.encoding, errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except ValueError as exc:
            raise ParseError(f"{self.url}: body is not JSON ({exc})") from exc


@dataclass
class RawWindow:
    """A window a source states in structured fields (e.g. SEDIA dates) rather than prose."""

    opens_text: str = ""
    closes_text: str = ""
    budget_text: str = ""
    status_text: str = ""
    snippet: str = ""


@dataclass
class RawScheme:
    """One publication or page about a scheme, as raw strings.

    ``key`` is the source's own stable id (an identifier or URL), never a content hash.
    ``text`` is the prose the window extractor reads; ``windows`` holds structured windows
    where the source has fields for them. ``detail_url`` asks the pipeline to fetch a detail
    page and hand it to ``Scraper.parse_detail``.
    """

    key: str
    title: str
    url: str = ""
    publisher: str = ""
    summary: str = ""
    text: str = ""
    published_text: str = ""
    status_text: str = ""
    amount_text: str = ""
    level: str = ""
    regions: list[str] = field(default_factory=list)
    windows: list[RawWindow] = field(default_factory=list)
    detail_url: str = ""
    # regulation identifiers (BWBR…, CVDR…) and titles this publication cites, used to merge
    identifiers: list[str] = field(default_factory=list)
    cited_titles: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


class NoOptions(BaseModel):
    """Options model for scrapers that take none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Scraper(ABC):
    """Base class; subclasses register themselves by ``name``.

    A subclass sets ``name``, ``title`` and a docstring (user documentation, printed by
    ``tracker sources``), optionally a nested pydantic ``Options`` model, and implements
    ``parse``. Sources that page or fetch details override ``next_requests`` and
    ``parse_detail``.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    timezone: ClassVar[str] = "Europe/Amsterdam"
    may_be_empty: ClassVar[bool] = False
    # True when an item missing from a healthy run means the scheme was withdrawn (listings);
    # False for searches, where items simply age out of the look-back period
    tracks_removals: ClassVar[bool] = False
    Options: ClassVar[type[BaseModel]] = NoOptions
    registry: ClassVar[dict[str, type[Scraper]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.name:
            return
        if cls.name in Scraper.registry and Scraper.registry[cls.name] is not cls:
            raise TypeError(f"scraper name {cls.name!r} registered twice")
        Scraper.registry[cls.name] = cls

    def __init__(self, options: BaseModel | None = None, **context: Any) -> None:
        self.options = options if options is not None else self.Options()
        # context: url, look_back_days, level, regions, ... as configured for the source
        self.context = context

    def start_requests(self, url: str) -> list[Request]:
        """The first request(s) of a run; the pipeline passes the configured URL."""
        return [Request(url)]

    def next_requests(self, page: Page) -> list[Request]:
        """Further listing pages to fetch after ``page`` (SRU paging and the like)."""
        return []

    @abstractmethod
    def parse(self, page: Page) -> Iterator[RawScheme]:
        """Yield the schemes on one listing page; raise ParseError on a broken payload."""

    def parse_detail(self, page: Page, raw: RawScheme) -> RawScheme:
        """Complete ``raw`` from its detail page; default keeps it as it is."""
        return raw
