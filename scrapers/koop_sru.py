"""KOOP SRU 2.0 scraper: subsidy publications in the Staatscourant and Provinciaal blad."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import ClassVar, Literal

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from scrapers import _xml
from scrapers._cite import find_cited_titles, find_identifiers
from scrapers._names import name_from_heading
from scrapers._regions import region_for, same_creator
from scrapers._sru import SruScraper, cql_string
from scrapers.base import Page, ParseError, RawScheme

logger = logging.getLogger(__name__)

PUBLICATION_LEVEL = {"Staatscourant": "rijk", "Provinciaal blad": "provincie"}
ORGANISATION_LEVEL = {"ministerie": "rijk", "provincie": "provincie"}


class KoopSruScraper(SruScraper):
    """Officiële bekendmakingen (KOOP) – subsidy publications via SRU 2.0.

    Endpoint: ``https://repository.overheid.nl/sru`` (the source url). One CQL searchRetrieve
    query per run: ``c.product-area=="officielepublicaties"``, ``w.publicatienaam`` (Staatscourant
    or Provinciaal blad), optional ``dt.creator`` (any of ``creators``: "Fryslân" or "Friesland";
    for subject discovery the ministries SZW, OCW and EZ), full-text terms
    (``cql.textAndIndexes``: any of ``terms``, and every one of ``all_terms``) and
    ``dt.modified>=`` today minus ``look_back_days`` — server-side, because client-side filtering
    of the first page hid recent items for others — sorted ``sortBy dt.modified/sort.descending``
    so the newest records come first and a capped run never drops them. Pages with
    ``startRecord += maximumRecords`` (or ``nextRecordPosition``) up to ``numberOfRecords`` and
    ``max_pages``. An envelope saying 0 records is a valid empty result; an SRU ``<diagnostics>``
    answer (HTTP 200) is a ParseError, except "query part ignored", which is a warning.

    Each record (gzd schema) gives key = ``dcterms:identifier`` (``stcrt-2026-…``/``prb-…``),
    title (the full heading), name (``dcterms:alternative`` where the record has one, else the
    regulation the heading names: ``scrapers._names``), publisher = creator (fallback
    publisher, authority), publication date, preferred URL, level (the source's configured
    level, else from publicatienaam) and region from the creator. Records of another
    publication or by another creator than configured are skipped (the server's
    w.publicatienaam and dt.creator clauses are checked again). With ``fetch_documents`` the XML
    manifestation (``<officiele-publicatie>``) is fetched; its paragraphs and table rows become
    ``text`` (where the aanvraagtijdvak and subsidieplafond are written) and cited titles/ids
    are extracted (cited ids are ``cited_identifiers``, never the record's own identity), and a
    citeertitel the document gives itself ("Deze regeling wordt aangehaald als: …") becomes the
    name unless the heading amends another regulation. Documents of records not stored yet are
    fetched first, so a first run that runs out of time stores what it has and continues on the
    next run.

    Backed by: the real namespace-stripped record ``koop/sru_record_gmb-2023-174296`` and real
    document XMLs (``koop/doc_*.xml``) in shared/samples; no real namespaced envelope of a
    subsidy search was available, so the tests' envelopes are modelled on SOURCES.md §1.3. The
    sort key and the creator names of the ministries are unverified against the live service.

    Live verification is recorded per source (``verified`` in config.toml, shown by
    ``tracker sources``); none of these requests has been verified against the live service yet.
    """

    name = "koop_sru"
    regions_from_items = True
    title = "Officiële bekendmakingen (Staatscourant / Provinciaal blad) via SRU"
    may_be_empty = True
    sru_params: ClassVar[dict[str, str]] = {
        "recordSchema": "gzd",
        "httpAccept": "application/xml",
    }
    filter_indexes: ClassVar[tuple[str, ...]] = (
        "c.product-area", "w.publicatienaam", "dt.modified", "cql.textAndIndexes"
    )  # fmt: skip

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        publication: Literal["Staatscourant", "Provinciaal blad"] = "Staatscourant"
        creators: list[str] = Field(default_factory=list)
        terms: list[str] = Field(
            default_factory=lambda: ["subsidieplafond", "openstelling", "aanvraagtijdvak"],
            min_length=1,
        )
        all_terms: list[str] = Field(default_factory=list)
        page_size: int = Field(100, ge=1, le=1000)
        sort_by: str = "dt.modified/sort.descending"
        fetch_documents: bool = True

    options: Options

    def build_query(self) -> str:
        """The CQL query for the configured publication, creators, terms and look-back."""
        opts = self.options
        terms = " or ".join(f"cql.textAndIndexes={cql_string(term)}" for term in opts.terms)
        clauses = [
            'c.product-area=="officielepublicaties"',
            f"w.publicatienaam=={cql_string(opts.publication)}",
            f"({terms})",
            *(f"cql.textAndIndexes={cql_string(term)}" for term in opts.all_terms),
        ]
        if opts.creators:
            creators = " or ".join(f"dt.creator=={cql_string(c)}" for c in opts.creators)
            clauses.append(f"({creators})" if len(opts.creators) > 1 else creators)
        today = self.context.today
        if today is not None:
            since = today - timedelta(days=self.context.look_back_days)
            clauses.append(f'dt.modified>="{since.isoformat()}"')
        return " and ".join(clauses)

    def parse_records(self, records: list[etree._Element], url: str) -> Iterator[RawScheme]:
        creators = self.options.creators
        wanted = self.options.publication
        for record in records:
            raw = self._parse_record(record, url)
            # the server filters on w.publicatienaam; a record of another publication (a
            # Gemeenteblad one when that clause is ignored) is not this source's
            if raw.extra["publication"] != wanted:
                logger.info("skipping %s: in %r, not %r", raw.key, raw.extra["publication"], wanted)
                continue
            # the server filters on dt.creator too; checking again keeps one province's source
            # from storing another province's publications if the server ignores the clause
            if creators and not same_creator(raw.publisher, creators):
                logger.info("skipping %s by %r: not %s", raw.key, raw.publisher, creators)
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
        # the configured level wins (the ESF+ source reads the Staatscourant at level eu)
        level = self.context.level or (
            PUBLICATION_LEVEL.get(publication) or ORGANISATION_LEVEL.get(organisation, "")
        )
        region = region_for(creator) if level == "provincie" else None
        regions = [region] if region else list(self.context.regions)
        detail = _xml.first_text(meta, "url")
        for item in _xml.find_all(meta, "itemUrl"):
            if not detail and item.get("manifestation") == "xml":
                detail = _xml.text_of(item)
        alternative = _xml.first_text(meta, "alternative")
        version = _xml.find_first(meta, "hasVersion")
        fallback = version.get("resourceIdentifier", "") if version is not None else ""
        return RawScheme(
            key=key,
            title=title,
            name=name_from_heading(title, citeertitel=alternative),
            url=_xml.first_text(meta, "preferredUrl")
            or fallback
            or f"https://zoek.officielebekendmakingen.nl/{key}.html",
            publisher=creator,
            summary=_xml.first_text(meta, "abstract"),
            published_text=_xml.first_text(meta, "available", "date"),
            level=level,
            regions=regions if level != "rijk" else [],
            detail_url=detail if self.options.fetch_documents else "",
            # the record's own identifier is its identity; ids in the heading or text are
            # regulations it cites (a plafondbesluit links to every regulation it covers)
            identifiers=[key],
            cited_titles=find_cited_titles(title),
            cited_identifiers=[i for i in find_identifiers(title) if i != key],
            extra={
                "publication": publication,
                "rubriek": _xml.first_text(meta, "type"),
                "modified": _xml.first_text(meta, "modified"),
                "alternative": alternative,
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
            name=name_from_heading(
                raw.title, citeertitel=str(raw.extra.get("alternative", "")), text=text
            ),
            cited_titles=list(dict.fromkeys([*raw.cited_titles, *find_cited_titles(text)])),
            cited_identifiers=list(dict.fromkeys([*raw.cited_identifiers, *ids])),
        )
