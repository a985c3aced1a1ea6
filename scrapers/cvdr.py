"""CVDR scraper: provincial and municipal subsidy regulations (lokaleregelgeving.overheid.nl)."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import ClassVar

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scrapers import _xml
from scrapers._cite import find_identifiers
from scrapers._names import name_from_heading
from scrapers._regions import region_for, same_creator
from scrapers._sru import SruScraper, cql_string
from scrapers.base import Page, ParseError, RawScheme

logger = logging.getLogger(__name__)

CVDR_ID = re.compile(r"^(CVDR\d+)(?:_(\d+))?$")


# Words (not substrings: CQL ``any`` matches whole words) that real subsidy-rule titles use:
# "Subsidieregeling …", "Regels subsidieverlening …", "Uitvoeringsverordening subsidie …",
# "Algemene subsidieverordening …", "… subsidieplafond …".
SUBSIDY_WORDS = (
    "subsidie", "subsidies", "subsidieregeling", "subsidieverlening", "subsidieverordening",
    "subsidieplafond", "subsidieplafonds", "subsidieregels",
)  # fmt: skip


class CvdrScraper(SruScraper):
    """lokaleregelgeving.overheid.nl (CVDR) – decentral regulations via SRU.

    Endpoint: ``https://zoekservice.overheid.nl/sru/Search`` with ``x-connection=cvdr``, SRU 1.2
    (the source url). Configure either ``identifiers`` (``CVDR742212``) or a ``creator`` (e.g.
    "Gelderland") with ``title_terms``. CQL ``any`` matches whole words, so ``any "subsidie"``
    alone would miss "Subsidieregeling …" and "Regels subsidieverlening …": the default terms
    are the compounds real titles use (``SUBSIDY_WORDS``), and every title is checked again on
    our side for "subsidie". With ``look_back`` the query adds ``dcterms.modified>=`` today minus
    ``look_back_days``; results are sorted ``sortBy dcterms.modified/sort.descending``.

    A creator such as "Utrecht" or "Groningen" is both a province and a municipality, so each
    record's creator is checked like ``koop_sru`` does: it must name the configured province,
    and a creator whose ``scheme`` says Gemeente is skipped. Each record's enriched
    ``publicatieurl_xml`` is the regulation XML (``<cvdr><meta>…<body><regeling>``), whose text
    goes into ``text``. The title is the official title; the name is the citeertitel
    (``dcterms:alternative``), else the regulation the title names. Key = the CVDR number
    without version (``CVDR742212``); when a page holds several versions the highest is kept,
    leaving out versions whose ``uitwerkingtredingDatum`` (cvdripm) lies before the run's date.
    The regulation XML's ``uitwerkingtredingDatum`` becomes ``in_force_until``: once it has
    passed, the normaliser closes the scheme and keeps no window after that day (a yearly
    "1 januari tot en met 31 maart" of a regulation that ended in 2019 is not next year's).
    Level provincie and the region of the province. The Provinciaal blad publication the
    version came from (``isFormatOf``) is added to ``identifiers`` so it merges with the
    ``koop_sru`` record.

    Backed by: the real regulation XML ``cvdr/cvdr_CVDR100394_2.xml`` (Kampen, not a subsidy rule
    but the same schema). No real CVDR SRU record was available; the record layout (owmskern,
    owmsmantel, cvdripm, enriched ``publicatieurl_xml``) follows SOURCES.md §2.2; the index names
    (``dcterms.creator``) and the sort key are unverified against the live service.

    Live verification is recorded per source (``verified`` in config.toml, shown by
    ``tracker sources``); none of these requests has been verified against the live service yet.
    """

    name = "cvdr"
    regions_from_items = True
    title = "lokaleregelgeving.overheid.nl – CVDR regulations via SRU"
    may_be_empty = True
    sru_version = "1.2"
    sru_params: ClassVar[dict[str, str]] = {"x-connection": "cvdr"}
    filter_indexes: ClassVar[tuple[str, ...]] = ("dcterms.modified",)

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        identifiers: list[str] = Field(default_factory=list)
        creator: str | None = None
        title_terms: list[str] = Field(default_factory=lambda: list(SUBSIDY_WORDS))
        look_back: bool = False
        page_size: int = Field(100, ge=1, le=1000)
        sort_by: str = "dcterms.modified/sort.descending"

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
            clauses = [f"dcterms.creator={cql_string(opts.creator or '')}"]
            if opts.title_terms:
                clauses.append(f"dcterms.title any {cql_string(' '.join(opts.title_terms))}")
        today = self.context.today
        if opts.look_back and today is not None:
            since = today - timedelta(days=self.context.look_back_days)
            clauses.append(f'dcterms.modified>="{since.isoformat()}"')
        return " and ".join(clauses)

    def parse_records(self, records: list[etree._Element], url: str) -> Iterator[RawScheme]:
        best: dict[str, tuple[int, RawScheme]] = {}
        for record in records:
            version, raw = self._parse_record(record, url)
            if not self._wanted(record, raw):
                continue
            if self._ended(raw.in_force_until):
                # a version no longer in force (uitwerkingtredingDatum passed) is no live
                # scheme; a later version of the same regulation may still be
                logger.info("skipping %s: in force until %s", raw.extra["version"],
                            raw.in_force_until)  # fmt: skip
                continue
            if raw.key not in best or version > best[raw.key][0]:
                best[raw.key] = (version, raw)
        for _, raw in best.values():
            yield raw

    def _wanted(self, record: etree._Element, raw: RawScheme) -> bool:
        """The creator check and the title check of a creator search."""
        opts = self.options
        if opts.identifiers or not opts.creator:
            return True
        creator = _xml.find_first(record, "creator")
        scheme = (creator.get("scheme", "") if creator is not None else "").casefold()
        if "gemeente" in scheme or not same_creator(raw.publisher, [opts.creator]):
            logger.info("skipping %s by %r: not %r", raw.key, raw.publisher, opts.creator)
            return False
        if "subsidie" not in raw.title.casefold():
            logger.info("skipping %s: title %r is not a subsidy rule", raw.key, raw.title)
            return False
        return True

    def _ended(self, until: str) -> bool:
        """Whether an uitwerkingtredingDatum ('YYYY-MM-DD') lies before the run's date."""
        today = self.context.today
        try:
            return today is not None and bool(until) and date.fromisoformat(until[:10]) < today
        except ValueError:
            return False

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
        title = _xml.first_text(record, "title") or key
        return version, RawScheme(
            key=key,
            title=title,
            name=name_from_heading(title, citeertitel=_xml.first_text(record, "alternative")),
            url=f"https://lokaleregelgeving.overheid.nl/{key}",
            publisher=creator,
            published_text=_xml.first_text(record, "issued", "modified"),
            level="provincie" if region else self.context.level,
            regions=[region] if region else list(self.context.regions),
            detail_url=_xml.first_text(record, "publicatieurl_xml"),
            identifiers=list(dict.fromkeys([key, full_id, *find_identifiers(published_in)])),
            in_force_until=_xml.first_text(record, "uitwerkingtredingDatum"),
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
        text = _xml.render_text(body)
        alternative = _xml.first_text(root, "alternative")
        until = _xml.first_text(root, "uitwerkingtredingDatum")
        if self._ended(until):
            logger.info("%s: in force until %s, so closed", raw.key, until)
        return dataclasses.replace(
            raw,
            title=title,
            name=name_from_heading(title, citeertitel=alternative, text=text) or raw.name,
            text=text,
            identifiers=list(dict.fromkeys([*raw.identifiers, *find_identifiers(published_in)])),
            cited_titles=list(dict.fromkeys([*raw.cited_titles, title])),
            # the normaliser closes a regulation whose end passed (no window after it)
            in_force_until=until or raw.in_force_until,
            extra=raw.extra
            | {
                "in_force_from": _xml.first_text(root, "inwerkingtredingDatum"),
                "in_force_until": _xml.first_text(root, "uitwerkingtredingDatum"),
            },
        )
