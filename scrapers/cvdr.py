"""CVDR scraper: provincial and municipal subsidy regulations (lokaleregelgeving.overheid.nl)."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from datetime import date, timedelta

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scrapers import _xml
from scrapers._cite import find_identifiers
from scrapers._regions import region_for
from scrapers._sru import sru_envelope, sru_next_request, sru_records, sru_search
from scrapers.base import Page, ParseError, RawScheme, Request, Scraper

logger = logging.getLogger(__name__)

CVDR_ID = re.compile(r"^(CVDR\d+)(?:_(\d+))?$")


class CvdrScraper(Scraper):
    """lokaleregelgeving.overheid.nl (CVDR) – decentral regulations via SRU.

    Endpoint: ``https://zoekservice.overheid.nl/sru/Search`` with ``x-connection=cvdr``, SRU 1.2
    (the source url). Configure either ``identifiers`` (``CVDR742212``) or a ``creator`` (e.g.
    "Gelderland") with ``title_terms`` (``dcterms.title any "subsidie"``); with ``look_back`` the
    query adds ``dcterms.modified>=`` today minus ``look_back_days``. Each record's enriched
    ``publicatieurl_xml`` is the regulation XML (``<cvdr><meta>…<body><regeling>``), whose
    text goes into ``text``. Key = the CVDR number without version (``CVDR742212``); when a page
    holds several versions the highest is kept. Level provincie and the region when the creator
    is a province. The Provinciaal blad publication the version came from (``isFormatOf``) is
    added to ``identifiers`` so it merges with the ``koop_sru`` record.

    Backed by: the real regulation XML ``cvdr/cvdr_CVDR100394_2.xml`` (Kampen, not a subsidy rule
    but the same schema). No real CVDR SRU record was available; the record layout (owmskern,
    owmsmantel, cvdripm, enriched ``publicatieurl_xml``) follows SOURCES.md §2.2 and the index
    names (``dcterms.creator``) are unverified. Last verified 2026-11-27.
    """

    name = "cvdr"
    title = "lokaleregelgeving.overheid.nl – CVDR regulations via SRU"
    may_be_empty = True

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        identifiers: list[str] = Field(default_factory=list)
        creator: str | None = None
        title_terms: list[str] = Field(default_factory=lambda: ["subsidie"])
        look_back: bool = False
        page_size: int = Field(100, ge=1, le=1000)

        @model_validator(mode="after")
        def _check(self) -> CvdrScraper.Options:
            if not self.identifiers and not self.creator:
                raise ValueError("set identifiers or creator")
            bad = [i for i in self.identifiers if not CVDR_ID.match(i)]
            if bad:
                raise ValueError(f"not CVDR identifiers: {bad}")
            return self

    options: Options

    def build_query(self) -> str:
        """CQL for the configured identifiers, or creator + title terms (+ look-back)."""
        opts = self.options
        if opts.identifiers:
            # sent as configured: whether a bare CVDR number matches versioned records
            # (CVDR742212_1) is unverified, so a version suffix may be given
            ids = " or ".join(f"dcterms.identifier=={i}" for i in opts.identifiers)
            clauses = [f"({ids})"]
        else:
            clauses = [f'dcterms.creator="{opts.creator}"']
            if opts.title_terms:
                clauses.append(f'dcterms.title any "{" ".join(opts.title_terms)}"')
        today = self.context.get("today")
        if opts.look_back and isinstance(today, date):
            since = today - timedelta(days=int(self.context.get("look_back_days", 365)))
            clauses.append(f'dcterms.modified>="{since.isoformat()}"')
        return " and ".join(clauses)

    def start_requests(self, url: str) -> list[Request]:
        extra = {"x-connection": "cvdr"}
        query = self.build_query()
        return [
            sru_search(url, query, version="1.2", page_size=self.options.page_size, extra=extra)
        ]

    def next_requests(self, page: Page) -> list[Request]:
        root, total = sru_envelope(page)
        return sru_next_request(page, total, root, int(self.context.get("max_pages", 10)))

    def parse(self, page: Page) -> Iterator[RawScheme]:
        best: dict[str, tuple[int, RawScheme]] = {}
        for record in sru_records(page):
            version, raw = self._parse_record(record, page.url)
            if raw.key not in best or version > best[raw.key][0]:
                best[raw.key] = (version, raw)
        for _, raw in best.values():
            yield raw

    def _parse_record(self, record: etree._Element, url: str) -> tuple[int, RawScheme]:
        full_id = _xml.first_text(record, "identifier")
        match = CVDR_ID.match(full_id)
        if not match:
            raise ParseError(f"{url}: CVDR record without a CVDR identifier ({full_id!r})")
        key, version = match.group(1), int(match.group(2) or 0)
        creator = _xml.first_text(record, "creator")
        region = region_for(creator)
        source = _xml.find_first(record, "isFormatOf")
        published_in = _xml.text_of(source)
        return version, RawScheme(
            key=key,
            title=_xml.first_text(record, "title") or key,
            url=f"https://lokaleregelgeving.overheid.nl/{key}",
            publisher=creator,
            published_text=_xml.first_text(record, "issued", "modified"),
            level="provincie" if region else str(self.context.get("level", "")),
            regions=[region] if region else list(self.context.get("regions") or []),
            detail_url=_xml.first_text(record, "publicatieurl_xml"),
            identifiers=list(dict.fromkeys([key, full_id, *find_identifiers(published_in)])),
            extra={
                "version": full_id,
                "in_force_from": _xml.first_text(record, "inwerkingtredingDatum"),
            },
        )

    def parse_detail(self, page: Page, raw: RawScheme) -> RawScheme:
        root = _xml.parse_xml(page.content, page.url)
        if _xml.local(root) != "cvdr":
            raise ParseError(f"{page.url}: root <{_xml.local(root)}> is not a CVDR regulation")
        body = _xml.find_first(root, "body")
        if body is None:
            raise ParseError(f"{page.url}: CVDR regulation without <body>")
        title = _xml.first_text(root, "title") or raw.title
        published_in = _xml.text_of(_xml.find_first(root, "isFormatOf"))
        return dataclasses.replace(
            raw,
            title=title,
            text=_xml.render_text(body),
            identifiers=list(dict.fromkeys([*raw.identifiers, *find_identifiers(published_in)])),
            cited_titles=list(dict.fromkeys([*raw.cited_titles, title])),
            extra=raw.extra
            | {
                "in_force_from": _xml.first_text(root, "inwerkingtredingDatum"),
                "in_force_until": _xml.first_text(root, "uitwerkingtredingDatum"),
            },
        )
