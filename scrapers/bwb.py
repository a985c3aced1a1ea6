"""BWB scraper: national subsidy regulations (wetten.overheid.nl) by identifier or subject."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from datetime import date
from typing import ClassVar

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scrapers import _xml
from scrapers._names import name_from_heading
from scrapers._sru import SruScraper, cql_string
from scrapers.base import Page, ParseError, RawScheme

logger = logging.getLogger(__name__)

BWB_ID = re.compile(r"^BWBR\d{7}$")
# Articles about when and how to apply; only these go into the text for the window extractor.
APPLY_WORDS = re.compile(
    r"aanvraagtijdvak|aanvraagperiode|aanvragen|aanvraag|indienen|ingediend|openstelling|"
    r"subsidieplafond",
    re.IGNORECASE,
)


class BwbScraper(SruScraper):
    """wetten.overheid.nl (BWB) – consolidated national regulations via SRU.

    Endpoint: ``https://zoekservice.overheid.nl/sru/Search`` with ``x-connection=BWB`` (the source
    url). Two ways to select regulations, combinable:

    - ``identifiers`` (``BWBR…``): ``dcterms.identifier==BWBR… or …`` — for a regulation known
      to run now;
    - by subject, so successors are found without knowing their identifier (a scheme such as
      "NL leert door" comes back under a new regulation): ``title_terms`` searched with
      ``overheidbwb.titel any "…"`` (BWB rejects ``==`` and ``dcterms.title`` on titles, per a
      public client), narrowed to ``authorities`` (``overheid.authority``, e.g. "Sociale Zaken en
      Werkgelegenheid") and ``types`` (``dcterms.type``, default ministeriele-regeling).

    With ``current_only`` the query adds ``overheidbwb.geldigheidsdatum==today``, so only
    regulations in force today are returned and an expired one simply drops out. The record's
    own validity (``bwbipm/geldigheidsperiode_startdatum`` and ``_einddatum``, 9999-12-31 while
    in force) is checked as well: a version that ended before today is skipped, and of several
    versions of one regulation the one in force today is kept. A server that ignores the
    geldigheidsdatum clause (an "Unsupported index … query part ignored" diagnostic) answers
    unfiltered results: that page is a ParseError. Each record's
    ``locatie_toestand`` (enriched data) is the consolidated "toestand" XML; from it the articles
    that mention aanvragen, indienen, aanvraagtijdvak, openstelling or subsidieplafond go into
    ``text`` with their labels ("Artikel 32 …"). Key and identifiers = the BWBR id, level rijk;
    the citeertitel is the title, the name and a cited title, so amendments in the Staatscourant
    merge with it (the record's ``dcterms:alternative`` until the toestand is read).

    Backed by: the real toestand XML of BWBR0002365 (Rijkssubsidieregeling algemeen maatschappelijk
    werk) in shared/samples/bwb. No real BWB SRU *search record* was available: the record layout
    (owmskern / bwbipm / enrichedData ``locatie_toestand``) follows SOURCES.md §2.1 and client code,
    so the record parser looks names up anywhere in the record. The index names for subject
    search (``overheidbwb.titel``, ``overheid.authority``, ``dcterms.type``) come from client
    code and are unverified against the live service.

    Live verification is recorded per source (``verified`` in config.toml, shown by
    ``tracker sources``); none of these requests has been verified against the live service yet.
    """

    name = "bwb"
    title = "wetten.overheid.nl – BWB regulations via SRU"
    may_be_empty = True
    sru_params: ClassVar[dict[str, str]] = {"x-connection": "BWB"}
    filter_indexes: ClassVar[tuple[str, ...]] = ("overheidbwb.geldigheidsdatum",)

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        identifiers: list[str] = Field(default_factory=list)
        title_terms: list[str] = Field(default_factory=list)
        authorities: list[str] = Field(default_factory=list)
        types: list[str] = Field(default_factory=lambda: ["ministeriele-regeling"])
        current_only: bool = True
        page_size: int = Field(50, ge=1, le=1000)
        sort_by: str = ""

        @field_validator("identifiers")
        @classmethod
        def _check_ids(cls, value: list[str]) -> list[str]:
            bad = [i for i in value if not BWB_ID.match(i)]
            if bad:
                raise ValueError(f"not BWBR identifiers: {bad}")
            return value

        @model_validator(mode="after")
        def _check(self) -> BwbScraper.Options:
            if not self.identifiers and not self.title_terms:
                raise ValueError("set identifiers or title_terms")
            return self

    options: Options

    def build_query(self) -> str:
        """CQL: the identifiers, or-ed with the subject search, restricted to today's versions."""
        opts = self.options
        selections = [f"dcterms.identifier=={i}" for i in opts.identifiers]
        if opts.title_terms:
            subject = [f"overheidbwb.titel any {cql_string(' '.join(opts.title_terms))}"]
            if opts.authorities:
                subject.append(_any_of("overheid.authority", opts.authorities))
            if opts.types:
                subject.append(_any_of("dcterms.type", opts.types))
            selections.append("(" + " and ".join(subject) + ")")
        query = f"({' or '.join(selections)})"
        today = self.context.today
        if opts.current_only and today is not None:
            query += f" and overheidbwb.geldigheidsdatum=={today.isoformat()}"
        return query

    def parse_records(self, records: list[etree._Element], url: str) -> Iterator[RawScheme]:
        best: dict[str, tuple[bool, RawScheme]] = {}
        for record in records:
            raw = self._parse_record(record, url)
            ended, current = self._validity(raw)
            if ended:
                # a version whose validity ended (the server ignored or lacked the date filter,
                # or the regulation was withdrawn): never presented as a live scheme
                logger.info("skipping %s: in force until %s", raw.key, raw.extra["in_force_until"])
                continue
            # one record per version: the first in force today, else the first
            if raw.key not in best or (current and not best[raw.key][0]):
                best[raw.key] = (current, raw)
        for _current, raw in best.values():
            yield raw

    def _validity(self, raw: RawScheme) -> tuple[bool, bool]:
        """(ended before today, in force today) of a record version, from its bwbipm dates.

        ``geldigheidsperiode_einddatum`` 9999-12-31 means open-ended; a missing or unreadable
        date says nothing (then the version counts as in force).
        """
        today = self.context.today
        if today is None:
            return False, True
        start = _iso_day(str(raw.extra.get("in_force_from", "")))
        until = _iso_day(str(raw.extra.get("in_force_until", "")))
        ended = until is not None and until < today
        return ended, not ended and (start is None or start <= today)

    def _parse_record(self, record: etree._Element, url: str) -> RawScheme:
        key = _xml.first_text(record, "identifier")
        if not BWB_ID.match(key):
            raise ParseError(f"{url}: BWB record without a BWBR identifier ({key!r})")
        title = _xml.first_text(record, "title", "citeertitel") or key
        short = _xml.first_text(record, "citeertitel", "alternative")
        return RawScheme(
            key=key,
            title=title,
            name=name_from_heading(title, citeertitel=short),
            url=f"https://wetten.overheid.nl/{key}",
            publisher=_xml.first_text(record, "authority", "creator", "publisher"),
            published_text=_xml.first_text(record, "modified", "issued"),
            level="rijk",
            detail_url=_xml.first_text(record, "locatie_toestand"),
            identifiers=[key],
            cited_titles=[title],
            in_force_until=_xml.first_text(record, "geldigheidsperiode_einddatum"),
            extra={
                "type": _xml.first_text(record, "type"),
                "in_force_from": _xml.first_text(record, "geldigheidsperiode_startdatum"),
                "in_force_until": _xml.first_text(record, "geldigheidsperiode_einddatum"),
            },
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
            name=citeertitel or (name_from_heading(intitule) if intitule else raw.name),
            text="\n\n".join(parts)[: _xml.MAX_TEXT],
            cited_titles=list(dict.fromkeys([*raw.cited_titles, *titles])),
            # the toestand's inwerkingtreding is when this consolidated text took effect; it
            # carries no end date (the search record's einddatum says until when it holds)
            extra=raw.extra | {"in_force_from": root.get("inwerkingtreding", "")},
        )


def _iso_day(value: str) -> date | None:
    """A 'YYYY-MM-DD' date; None for '' or anything else."""
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _any_of(index: str, values: list[str]) -> str:
    clause = " or ".join(f"{index}=={cql_string(v)}" for v in values)
    return f"({clause})" if len(values) > 1 else clause
