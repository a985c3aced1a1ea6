"""BWB scraper: national subsidy regulations (wetten.overheid.nl) by BWBR identifier."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from datetime import date

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, field_validator

from scrapers import _xml
from scrapers._sru import sru_envelope, sru_next_request, sru_records, sru_search
from scrapers.base import Page, ParseError, RawScheme, Request, Scraper

logger = logging.getLogger(__name__)

BWB_ID = re.compile(r"^BWBR\d{7}$")
# Articles about when and how to apply; only these go into the text for the window extractor.
APPLY_WORDS = re.compile(
    r"aanvraagtijdvak|aanvraagperiode|aanvragen|aanvraag|indienen|ingediend|openstelling|"
    r"subsidieplafond",
    re.IGNORECASE,
)


class BwbScraper(Scraper):
    """wetten.overheid.nl (BWB) – consolidated national regulations via SRU.

    Endpoint: ``https://zoekservice.overheid.nl/sru/Search`` with ``x-connection=BWB`` (the source
    url). The configured identifiers (``BWBR…``) are asked for in one CQL query
    ``dcterms.identifier==BWBR… or …``, restricted with ``overheidbwb.geldigheidsdatum==today``
    to the version in force (``current_only``). Each record's ``locatie_toestand`` (enriched
    data) is the consolidated "toestand" XML; from it the articles that mention aanvragen,
    indienen, aanvraagtijdvak, openstelling or subsidieplafond go into ``text`` with their
    labels ("Artikel 32 …"). Key and identifiers = the BWBR id, level rijk; the citeertitel is
    a cited title so amendments in the Staatscourant merge with it.

    Backed by: the real toestand XML of BWBR0002365 (Rijkssubsidieregeling algemeen maatschappelijk
    werk) in shared/samples/bwb. No real BWB SRU *search record* was available: the record layout
    (owmskern / bwbipm / enrichedData ``locatie_toestand``) follows SOURCES.md §2.1 and client code,
    so the record parser looks names up anywhere in the record. An expired regulation has no
    version valid today and yields nothing (``may_be_empty``). Last verified 2026-11-27.
    """

    name = "bwb"
    title = "wetten.overheid.nl – BWB regulations via SRU"
    may_be_empty = True

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        identifiers: list[str] = Field(min_length=1)
        current_only: bool = True
        page_size: int = Field(50, ge=1, le=1000)

        @field_validator("identifiers")
        @classmethod
        def _check_ids(cls, value: list[str]) -> list[str]:
            bad = [i for i in value if not BWB_ID.match(i)]
            if bad:
                raise ValueError(f"not BWBR identifiers: {bad}")
            return value

    options: Options

    def start_requests(self, url: str) -> list[Request]:
        ids = " or ".join(f"dcterms.identifier=={i}" for i in self.options.identifiers)
        query = f"({ids})"
        today = self.context.get("today")
        if self.options.current_only and isinstance(today, date):
            query += f" and overheidbwb.geldigheidsdatum=={today.isoformat()}"
        extra = {"x-connection": "BWB"}
        return [
            sru_search(url, query, version="2.0", page_size=self.options.page_size, extra=extra)
        ]

    def next_requests(self, page: Page) -> list[Request]:
        root, total = sru_envelope(page)
        return sru_next_request(page, total, root, int(self.context.get("max_pages", 10)))

    def parse(self, page: Page) -> Iterator[RawScheme]:
        seen: set[str] = set()
        for record in sru_records(page):
            raw = self._parse_record(record, page.url)
            if raw.key not in seen:  # one record per version; keep the first
                seen.add(raw.key)
                yield raw

    def _parse_record(self, record: etree._Element, url: str) -> RawScheme:
        key = _xml.first_text(record, "identifier")
        if not BWB_ID.match(key):
            raise ParseError(f"{url}: BWB record without a BWBR identifier ({key!r})")
        title = _xml.first_text(record, "title", "citeertitel") or key
        return RawScheme(
            key=key,
            title=title,
            url=f"https://wetten.overheid.nl/{key}",
            publisher=_xml.first_text(record, "authority", "creator", "publisher"),
            published_text=_xml.first_text(record, "modified", "issued"),
            level="rijk",
            detail_url=_xml.first_text(record, "locatie_toestand"),
            identifiers=[key],
            cited_titles=[title],
            extra={"type": _xml.first_text(record, "type")},
        )

    def parse_detail(self, page: Page, raw: RawScheme) -> RawScheme:
        root = _xml.parse_xml(page.content, page.url)
        if _xml.local(root) != "toestand":
            raise ParseError(f"{page.url}: root <{_xml.local(root)}> is not a BWB toestand")
        citeertitel = _xml.first_text(root, "citeertitel")
        intitule = _xml.first_text(root, "intitule")
        parts = [intitule] if intitule else []
        for artikel in _xml.find_all(root, "artikel"):
            body = _xml.render_text(artikel)
            if APPLY_WORDS.search(body):
                label = artikel.get("label", "")
                parts.append(body if body.startswith(label) else f"{label}\n{body}".strip())
        titles = [t for t in (citeertitel, intitule) if t]
        return dataclasses.replace(
            raw,
            title=citeertitel or raw.title,
            text="\n\n".join(parts)[: _xml.MAX_TEXT],
            cited_titles=list(dict.fromkeys([*raw.cited_titles, *titles])),
            extra=raw.extra | {"in_force_from": root.get("inwerkingtreding", "")},
        )
