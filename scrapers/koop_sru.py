"""KOOP SRU 2.0 scraper: subsidy publications in the Staatscourant and Provinciaal blad."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Literal

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from scrapers import _xml
from scrapers._cite import find_cited_titles, find_identifiers
from scrapers._regions import region_for
from scrapers._sru import sru_envelope, sru_next_request, sru_records, sru_search
from scrapers.base import Page, ParseError, RawScheme, Request, Scraper

logger = logging.getLogger(__name__)

PUBLICATION_LEVEL = {"Staatscourant": "rijk", "Provinciaal blad": "provincie"}
ORGANISATION_LEVEL = {"ministerie": "rijk", "provincie": "provincie"}


class KoopSruScraper(Scraper):
    """Officiële bekendmakingen (KOOP) – subsidy publications via SRU 2.0.

    Endpoint: ``https://repository.overheid.nl/sru`` (the source url). One CQL searchRetrieve
    query per run: ``c.product-area=="officielepublicaties"``, ``w.publicatienaam`` (Staatscourant
    or Provinciaal blad), optional ``dt.creator`` (e.g. "Gelderland"), full-text terms
    (``cql.textAndIndexes``) and ``dt.modified>=`` today minus ``look_back_days`` — the date filter
    is server-side because client-side filtering of the first page hid recent items for others.
    Pages with ``startRecord += maximumRecords`` (or ``nextRecordPosition``) up to
    ``numberOfRecords`` and ``max_pages``. An envelope saying 0 records is a valid empty result;
    an SRU ``<diagnostics>`` answer (HTTP 200) is a ParseError.

    Each record (gzd schema) gives key = ``dcterms:identifier`` (``stcrt-2026-…``/``prb-…``),
    title, publisher = creator (fallback publisher, authority), publication date, preferred URL,
    level/region from publicatienaam and creator. With ``fetch_documents`` the XML manifestation
    (``<officiele-publicatie>``) is fetched; its paragraphs and table rows become ``text`` (where
    the aanvraagtijdvak and subsidieplafond are written) and cited titles/ids are extracted.

    Backed by: the real namespace-stripped record ``koop/sru_record_gmb-2023-174296`` and real
    document XMLs (``koop/doc_*.xml``) in shared/samples; no real namespaced envelope of a
    subsidy search was available, so the tests' envelopes are modelled on SOURCES.md §1.3.
    Last verified 2026-11-27 (samples only, no live access).
    """

    name = "koop_sru"
    title = "Officiële bekendmakingen (Staatscourant / Provinciaal blad) via SRU"
    may_be_empty = True

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        publication: Literal["Staatscourant", "Provinciaal blad"] = "Staatscourant"
        creator: str | None = None
        terms: list[str] = Field(
            default_factory=lambda: ["subsidieplafond", "openstelling", "aanvraagtijdvak"],
            min_length=1,
        )
        page_size: int = Field(100, ge=1, le=1000)
        fetch_documents: bool = True

    options: Options

    def build_query(self) -> str:
        """The CQL query for the configured publication, creator, terms and look-back."""
        opts = self.options
        terms = " or ".join(f'cql.textAndIndexes="{term}"' for term in opts.terms)
        clauses = [
            'c.product-area=="officielepublicaties"',
            f'w.publicatienaam=="{opts.publication}"',
            f"({terms})",
        ]
        if opts.creator:
            clauses.append(f'dt.creator=="{opts.creator}"')
        today = self.context.get("today")
        if isinstance(today, date):
            since = today - timedelta(days=int(self.context.get("look_back_days", 365)))
            clauses.append(f'dt.modified>="{since.isoformat()}"')
        return " and ".join(clauses)

    def start_requests(self, url: str) -> list[Request]:
        extra = {"recordSchema": "gzd", "httpAccept": "application/xml"}
        query = self.build_query()
        return [
            sru_search(url, query, version="2.0", page_size=self.options.page_size, extra=extra)
        ]

    def next_requests(self, page: Page) -> list[Request]:
        root, total = sru_envelope(page)
        return sru_next_request(page, total, root, int(self.context.get("max_pages", 50)))

    def parse(self, page: Page) -> Iterator[RawScheme]:
        wanted = region_for(self.options.creator) if self.options.creator else None
        for record in sru_records(page):
            raw = self._parse_record(record, page.url)
            # the server filters on dt.creator too; checking again keeps one province's source
            # from storing another province's publications if the server ignores the clause
            if self.options.creator and not _same_creator(
                raw.publisher, self.options.creator, wanted
            ):
                logger.info(
                    "skipping %s by %r: not %r", raw.key, raw.publisher, self.options.creator
                )
                continue
            yield raw

    def _parse_record(self, record: etree._Element, url: str) -> RawScheme:
        meta = _xml.find_first(record, "recordData")
        if meta is None:
            raise ParseError(f"{url}: record without <recordData>")
        key = _xml.first_text(meta, "identifier")
        title = _xml.first_text(meta, "title")
        if not key or not title:
            raise ParseError(f"{url}: record without identifier or title")
        creator = _xml.first_text(meta, "creator", "publisher", "authority")
        publication = _xml.first_text(meta, "publicatienaam") or self.options.publication
        organisation = _xml.first_text(meta, "organisatietype").lower()
        level = PUBLICATION_LEVEL.get(publication) or ORGANISATION_LEVEL.get(organisation, "")
        region = region_for(creator) if level == "provincie" else None
        regions = [region] if region else list(self.context.get("regions") or [])
        detail = _xml.first_text(meta, "url")
        for item in _xml.find_all(meta, "itemUrl"):
            if not detail and item.get("manifestation") == "xml":
                detail = _xml.text_of(item)
        version = _xml.find_first(meta, "hasVersion")
        fallback = version.get("resourceIdentifier", "") if version is not None else ""
        return RawScheme(
            key=key,
            title=title,
            url=_xml.first_text(meta, "preferredUrl")
            or fallback
            or f"https://zoek.officielebekendmakingen.nl/{key}.html",
            publisher=creator,
            summary=_xml.first_text(meta, "abstract"),
            published_text=_xml.first_text(meta, "available", "date"),
            level=level or str(self.context.get("level", "")),
            regions=regions if level != "rijk" else [],
            detail_url=detail if self.options.fetch_documents else "",
            identifiers=list(dict.fromkeys([key, *find_identifiers(title)])),
            cited_titles=find_cited_titles(title),
            extra={
                "publication": publication,
                "rubriek": _xml.first_text(meta, "type"),
                "modified": _xml.first_text(meta, "modified"),
            },
        )

    def parse_detail(self, page: Page, raw: RawScheme) -> RawScheme:
        root = _xml.parse_xml(page.content, page.url)
        if _xml.local(root) != "officiele-publicatie":
            raise ParseError(f"{page.url}: root <{_xml.local(root)}> is not officiele-publicatie")
        text = _xml.render_text(root)
        ids = [i for i in find_identifiers(text) if i != raw.key]
        return dataclasses.replace(
            raw,
            text=text,
            identifiers=list(dict.fromkeys([*raw.identifiers, *ids])),
            cited_titles=list(dict.fromkeys([*raw.cited_titles, *find_cited_titles(text)])),
        )


def _same_creator(found: str, wanted: str, wanted_region: str | None) -> bool:
    if wanted_region is not None:
        return region_for(found) == wanted_region
    return found.strip().lower() == wanted.strip().lower()
