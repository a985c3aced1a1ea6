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
from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

logger = logging.getLogger(__name__)

LEVELS = ("rijk", "provincie", "eu")
# The one default of each source setting; tracker.config uses these for [defaults].
DEFAULT_MAX_PAGES = 20
DEFAULT_LOOK_BACK_DAYS = 365


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
    ``title`` is the item's own full title (a publication's heading, a page's title);
    ``name`` is the short name of the scheme it is about (a citeertitel, the regulation a
    heading names, the page title without site suffixes; see ``scrapers._names``), '' when
    the scraper cannot tell.
    ``text`` is the prose the window extractor reads; ``windows`` holds structured windows
    where the source has fields for them. ``detail_url`` asks the pipeline to fetch a detail
    page and hand it to ``Scraper.parse_detail``.
    """

    key: str
    title: str
    name: str = ""
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
    # the publication's own regulation identifiers (BWBR…, CVDR…, its own stcrt/prb id) and
    # titles it cites, used to merge
    identifiers: list[str] = field(default_factory=list)
    cited_titles: list[str] = field(default_factory=list)
    # identifiers the publication only cites (a plafondbesluit linking to the regulations it
    # sets ceilings for): never its own identity, a merge hint only when one scheme has them
    cited_identifiers: list[str] = field(default_factory=list)
    # why this item looks like it is not what the source should serve (a parking page, a
    # redesign); the pipeline then stores nothing of it and marks the run degraded
    suspect: str = ""
    # the last day the regulation behind this item is in force ('YYYY-MM-DD', as the source
    # states it; '' when unknown or open-ended): once it has passed, the normaliser keeps no
    # window opening after it and the scheme is closed, whatever recurring wording says
    in_force_until: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceContext:
    """What a scraper knows about the source it runs for, as configured.

    ``today`` is the local date of the run (scrapers never read the clock); ``max_pages`` caps
    listing/search pages per run; ``publisher`` is the body behind a page that does not name
    itself (RVO, a province). Every setting has exactly one default, here.
    """

    source_id: str = ""
    url: str = ""
    today: date | None = None
    look_back_days: int = DEFAULT_LOOK_BACK_DAYS
    max_pages: int = DEFAULT_MAX_PAGES
    level: str = ""
    regions: tuple[str, ...] = ()
    publisher: str = ""


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
    # True when items name their province (an official publication's creator), so a
    # provincial source may leave ``regions`` out; False: the source's ``regions`` are all
    # its items get
    regions_from_items: ClassVar[bool] = False
    Options: ClassVar[type[BaseModel]] = NoOptions
    registry: ClassVar[dict[str, type[Scraper]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.name:
            return
        if cls.name in Scraper.registry and Scraper.registry[cls.name] is not cls:
            raise TypeError(f"scraper name {cls.name!r} registered twice")
        Scraper.registry[cls.name] = cls

    def __init__(
        self, options: BaseModel | None = None, context: SourceContext | None = None
    ) -> None:
        self.options = options if options is not None else self.Options()
        self.context = context if context is not None else SourceContext()
        # non-fatal findings of this run (an SRU warning, a suspect page), for logs and `check`
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        """Record a non-fatal finding of this run (once per message)."""
        if message in self.warnings:
            return
        logger.warning("%s: %s", self.context.source_id or self.name, message)
        self.warnings.append(message)

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
