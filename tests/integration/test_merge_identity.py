"""Scheme identity through the real KOOP parse, normalise and store path (both backends).

Distinct regulations never merge on likeness or on identifiers a publication only cites;
publications about one regulation end on its scheme, or at least as a staff proposal. The
headings are real Staatscourant/Provinciaal blad headings or modelled on them (noted per test).
"""

from __future__ import annotations

from datetime import timedelta
from xml.sax.saxutils import escape

import pytest
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scrapers.base import Page, RawScheme, SourceContext
from scrapers.koop_sru import KoopSruScraper
from tests.conftest import NOW
from tracker.config import SourceConfig
from tracker.ingest.normalise import normalise_scheme
from tracker.ingest.store import store_scheme
from tracker.models import MergeProposal, Publication, Scheme, SchemeKey, Source

SRU = "http://127.0.0.1:8765/sru"
GELDERLAND = {"level": "provincie", "regions": ["NL-GE"]}
RIJK = {"level": "rijk"}


def _record(key: str, title: str, creator: str, publication: str) -> etree._Element:
    """A gzd record as the SRU service returns it (modelled on SOURCES.md §1.3)."""
    orgtype = "ministerie" if publication == "Staatscourant" else "provincie"
    xml = (
        f"<record><recordData><gzd><originalData><meta><owmskern>"
        f"<identifier>{key}</identifier><title>{escape(title)}</title>"
        f"<creator>{escape(creator)}</creator></owmskern>"
        f"<owmsmantel><available>2026-10-01</available></owmsmantel><tpmeta>"
        f"<organisatietype>{orgtype}</organisatietype>"
        f"<publicatienaam>{publication}</publicatienaam></tpmeta></meta></originalData>"
        f"<enrichedData><itemUrl manifestation='xml'>{SRU}/{key}.xml</itemUrl>"
        f"</enrichedData></gzd></recordData></record>"
    )
    return etree.fromstring(xml.encode())


def koop(key: str, title: str, text: str = "", *, province: str = "") -> RawScheme:
    """A Staatscourant record (a Provinciaal blad one of ``province``), with its document."""
    publication = "Provinciaal blad" if province else "Staatscourant"
    creator = province or "Ministerie van Sociale Zaken en Werkgelegenheid"
    scraper = KoopSruScraper(
        KoopSruScraper.Options(publication=publication),  # type: ignore[arg-type]
        SourceContext(today=NOW.date()),
    )
    (raw,) = scraper.parse_records([_record(key, title, creator, publication)], SRU)
    if text:
        paragraphs = "".join(f"<al>{escape(p)}</al>" for p in text.split("\n"))
        document = f"<officiele-publicatie><regeling>{paragraphs}</regeling></officiele-publicatie>"
        page = Page(url=raw.detail_url, status=200, headers={}, content=document.encode(),
                    fetched_at=NOW)  # fmt: skip
        raw = scraper.parse_detail(page, raw)
    return raw


def store(engine: Engine, *items: tuple[str, RawScheme, dict[str, object]]) -> Session:
    session = Session(engine)
    for source_id in dict.fromkeys(s for s, _r, _c in items):
        session.add(Source(id=source_id))
    session.flush()
    for n, (source_id, raw, config) in enumerate(items):
        source = SourceConfig(url=SRU, **config)  # type: ignore[arg-type]
        data = normalise_scheme(raw, source, SRU, NOW.date())
        store_scheme(session, source_id, data, NOW + timedelta(minutes=n))
    session.commit()
    return session


def schemes_of(session: Session) -> dict[str, set[str]]:
    """Publication keys per scheme title."""
    found: dict[str, set[str]] = {}
    for pub in session.exec(select(Publication)).all():
        scheme = session.get_one(Scheme, pub.scheme_id)
        found.setdefault(scheme.title, set()).add(pub.key)
    return found


def proposals(session: Session) -> list[tuple[str, str, str]]:
    return [
        (session.get_one(Scheme, p.scheme_id).title, session.get_one(Scheme, p.target_id).title,
         p.reason)
        for p in session.exec(select(MergeProposal)).all()
    ]  # fmt: skip


# Modelled on Gelderland's "Algemeen Plafondbesluit": one decision sets the ceilings of several
# regulations and links to each regulation's own Provinciaal blad publication.
PLAFOND = (
    "prb-2025-99",
    "Algemeen Plafondbesluit 2025",
    "Gedeputeerde Staten van Gelderland\n"
    "Gelet op artikel 4:25, eerste lid, van de Algemene wet bestuursrecht;\nBesluiten\n"
    "Artikel 1 Subsidieplafonds\n"
    "a. Subsidieregeling energiecoaches Gelderland "
    "(https://zoek.officielebekendmakingen.nl/prb-2024-11.html): looptijd 1 januari 2025 tot en "
    "met 31 december 2025, € 500.000;\n"
    "b. Subsidieregeling dorpshuizen Gelderland "
    "(https://zoek.officielebekendmakingen.nl/prb-2024-22.html): looptijd 1 maart 2025 tot en "
    "met 30 april 2025, € 300.000.",
)
ENERGIECOACHES = (
    "prb-2024-11",
    "Besluit van Gedeputeerde Staten van Gelderland van 9 januari 2024, houdende regels voor "
    "energiecoaches (Subsidieregeling energiecoaches Gelderland)",
)
DORPSHUIZEN = (
    "prb-2024-22",
    "Besluit van Gedeputeerde Staten van Gelderland van 16 januari 2024, houdende regels voor "
    "dorpshuizen (Subsidieregeling dorpshuizen Gelderland)",
)


def _gelderland(key: str, title: str, text: str = "") -> tuple[str, RawScheme, dict[str, object]]:
    return ("prb", koop(key, title, text, province="Gelderland"), GELDERLAND)


def test_cited_identifiers_are_not_the_publications_own() -> None:
    plafond = koop(*PLAFOND, province="Gelderland")
    assert plafond.identifiers == ["prb-2025-99"]
    assert plafond.cited_identifiers == ["prb-2024-11", "prb-2024-22"]


# the decision first (a first run stores newest first), or the regulations first
@pytest.mark.parametrize("decision_first", [True, False])
def test_a_decision_citing_two_regulations_joins_neither(
    engine: Engine, decision_first: bool
) -> None:
    items = [_gelderland(*ENERGIECOACHES), _gelderland(*DORPSHUIZEN)]
    items.insert(0 if decision_first else 2, _gelderland(*PLAFOND))
    with store(engine, *items) as s:
        assert schemes_of(s) == {
            "Algemeen Plafondbesluit 2025": {"prb-2025-99"},
            "Subsidieregeling energiecoaches Gelderland": {"prb-2024-11"},
            "Subsidieregeling dorpshuizen Gelderland": {"prb-2024-22"},
        }
        assert proposals(s) == []
        plafond = s.exec(select(Scheme).where(Scheme.title == "Algemeen Plafondbesluit 2025"))
        assert plafond.one().identifiers == ["prb-2025-99"]
        ids = s.exec(select(SchemeKey.value).where(SchemeKey.kind == "id")).all()
        assert sorted(ids) == ["prb-2024-11", "prb-2024-22", "prb-2025-99"]


def test_a_decision_citing_one_regulation_joins_it_or_is_proposed(engine: Engine) -> None:
    # an openstelling citing only its regulation's publication (modelled on the plafond above)
    opening = (
        "prb-2025-98",
        "Openstelling energiecoaches 2025",
        "Gedeputeerde Staten van Gelderland\nBesluiten\nArtikel 1\nDe Subsidieregeling "
        "energiecoaches Gelderland (https://zoek.officielebekendmakingen.nl/prb-2024-11.html) "
        "wordt opengesteld van 1 januari 2025 tot en met 31 december 2025.",
    )
    with store(engine, _gelderland(*ENERGIECOACHES), _gelderland(*opening)) as s:
        assert schemes_of(s) == {
            "Subsidieregeling energiecoaches Gelderland": {"prb-2024-11", "prb-2025-98"}
        }
        pub = s.exec(select(Publication).where(Publication.key == "prb-2025-98")).one()
        assert (pub.merge_kind, pub.merge_reason) == (
            "identifier", "verwijst naar regelingsnummer prb-2024-11"
        )  # fmt: skip
        scheme = s.get_one(Scheme, pub.scheme_id)
        assert scheme.identifiers == ["prb-2024-11", "prb-2025-98"]


def test_a_regulation_after_a_decision_citing_it_alone_is_proposed(engine: Engine) -> None:
    opening = (
        "prb-2025-98",
        "Openstelling energiecoaches 2025",
        "Artikel 1\nDe Subsidieregeling energiecoaches Gelderland "
        "(https://zoek.officielebekendmakingen.nl/prb-2024-11.html) wordt opengesteld.",
    )
    with store(engine, _gelderland(*opening), _gelderland(*ENERGIECOACHES)) as s:
        assert len(schemes_of(s)) == 2
        assert proposals(s) == [(
            "Subsidieregeling energiecoaches Gelderland", "Openstelling energiecoaches 2025",
            "regelingsnummer prb-2024-11 wordt aangehaald door een publicatie daarvan",
        )]  # fmt: skip


WEIDEVOGELS = "Subsidieregeling biotoopverbetering weidevogelgraslanden"
# the real heading and wording of Fryslân's openstellingsbesluit 2025 (CVDR738014)
WEIDEVOGELS_2025 = (
    "prb-2025-5002",
    f"Openstellingsbesluit {WEIDEVOGELS} 2025",
    f"Gedeputeerde Staten van provincie Fryslân,\nGelet op artikel 1.2 van de {WEIDEVOGELS} en "
    "gelet op artikel 4:25 van de Algemene wet bestuursrecht;\nBesluiten:\n"
    f"Het Openstellingsbesluit {WEIDEVOGELS} 2025 vast te stellen.\n"
    "Artikel 2 Openstelling en aanvraagperiode\n1. Aanvragen voor subsidies kunnen vanaf 9 "
    "april 2025 tot en met 3 juni 2025 worden ingediend.",
)


def _fryslan(key: str, title: str, text: str = "") -> tuple[str, RawScheme, dict[str, object]]:
    return ("prb", koop(key, title, text, province="Fryslân"),
            {"level": "provincie", "regions": ["NL-FR"]})  # fmt: skip


def test_an_openstellingsbesluit_joins_its_regulation(engine: Engine) -> None:
    with store(engine, _fryslan("prb-2024-5001", WEIDEVOGELS), _fryslan(*WEIDEVOGELS_2025)) as s:
        assert schemes_of(s) == {WEIDEVOGELS: {"prb-2024-5001", "prb-2025-5002"}}


def test_an_openstellingsbesluit_by_its_title_alone_is_proposed(engine: Engine) -> None:
    key, title, _text = WEIDEVOGELS_2025
    with store(engine, _fryslan("prb-2024-5001", WEIDEVOGELS), _fryslan(key, title)) as s:
        assert len(schemes_of(s)) == 2, "the year may be an edition's: not merged"
        assert [(a, b) for a, b, _r in proposals(s)] == [(title, WEIDEVOGELS)]


def test_an_opening_for_next_year_joins_the_regulation_it_opens(engine: Engine) -> None:
    # Gelderland's editions (modelled on its Provinciaal blad headings) and a decision opening
    # the 2024 edition for 2025 whose text cites the general subsidy ordinance first
    def edition(key: str, year: int, day: str) -> tuple[str, RawScheme, dict[str, object]]:
        return _gelderland(key, f"Besluit van Gedeputeerde Staten van Gelderland van {day}, "
                           "houdende regels voor subsidie voor vakkrachten (Subsidieregeling "
                           f"vakkracht scholing Gelderland {year})")  # fmt: skip

    opening = _gelderland(
        "prb-2025-300",
        "Besluit van Gedeputeerde Staten van Gelderland van 10 december 2024, tot openstelling "
        "van de Subsidieregeling vakkracht scholing Gelderland 2024 voor het jaar 2025",
        "Gedeputeerde Staten van Gelderland,\nGelet op artikel 4:25, eerste lid, van de "
        "Algemene wet bestuursrecht en artikel 4 van de Algemene subsidieverordening Gelderland "
        "2016;\nBesluiten:\nArtikel 1\nDe Subsidieregeling vakkracht scholing Gelderland 2024 "
        "wordt opengesteld van 1 februari 2025 tot en met 31 maart 2025.",
    )
    assert opening[1].name == "Subsidieregeling vakkracht scholing Gelderland 2024"
    items = (edition("prb-2024-100", 2024, "5 maart 2024"),
             edition("prb-2025-200", 2025, "4 maart 2025"), opening)  # fmt: skip
    with store(engine, *items) as s:
        assert schemes_of(s) == {
            "Subsidieregeling vakkracht scholing Gelderland 2024": {"prb-2024-100", "prb-2025-300"},
            "Subsidieregeling vakkracht scholing Gelderland 2025": {"prb-2025-200"},
        }
