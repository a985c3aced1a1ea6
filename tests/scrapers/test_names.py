"""Short scheme names: headings and page titles in, the scheme's name out (issue 15).

Headings are those of the koop_sru/cvdr fixtures (constructed on real structures, several with
real titles); real samples are read from ../shared/samples at test time.
"""

from __future__ import annotations

import json

import pytest
from lxml import etree

from scrapers._cite import find_cited_titles
from scrapers._names import (
    cited_as,
    clean_name,
    is_heading,
    is_poor_name,
    name_from_heading,
    strip_page_suffix,
)
from scrapers._xml import find_all, parse_xml
from scrapers.base import RawScheme, SourceContext
from scrapers.bwb import BwbScraper
from scrapers.cvdr import CvdrScraper
from scrapers.eu_sedia import EuSediaScraper
from scrapers.feed import FeedScraper
from scrapers.html_list import HtmlListScraper
from scrapers.html_page import HtmlPageScraper
from scrapers.koop_sru import KoopSruScraper
from tests.scrapers.conftest import TODAY, page_from_bytes, page_from_fixture, page_from_sample

SRU = "http://127.0.0.1:8765/sru"


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        (
            "Regeling van de Minister van Klimaat en Groene Groei van 17 september 2026, nr. "
            "WJZ/26212345, houdende vaststelling van het subsidieplafond en de termijn van "
            "openstelling voor de Stimulering duurzame energieproductie en klimaattransitie "
            "in 2026",
            "Stimulering duurzame energieproductie en klimaattransitie in 2026",
        ),
        (
            "Regeling van de Minister van Sociale Zaken en Werkgelegenheid van 4 november 2026, "
            "nr. 2026-0000231877, tot wijziging van de SLIM-regeling in verband met de "
            "aanvraagtijdvakken en subsidieplafonds in 2027",
            "SLIM-regeling",
        ),
        (
            "Regeling van de Minister van Sociale Zaken en Werkgelegenheid van 1 juli 2021, "
            "2021-0000105767, tot wijziging van de Tijdelijke subsidieregeling NL leert door met "
            "inzet van scholing door toevoeging van een extra aanvraagtijdvak voor opleiders",
            "Tijdelijke subsidieregeling NL leert door met inzet van scholing",
        ),
        (
            "Regeling van de Minister van Sociale Zaken en Werkgelegenheid van 31 augustus 2020, "
            "nr. 2020-0000108203, tot verstrekking van subsidies aan opleiders voor het geven van "
            "scholing (Tijdelijke subsidieregeling NL leert door met inzet van scholing)",
            "Tijdelijke subsidieregeling NL leert door met inzet van scholing",
        ),
        (
            "Besluit van Gedeputeerde Staten van Groningen tot openstelling van de "
            "Subsidieregeling amateurkunst en erfgoed Groningen 2027",
            "Subsidieregeling amateurkunst en erfgoed Groningen 2027",
        ),
        (
            "Besluit van Gedeputeerde Staten van Noord-Holland van 15 januari 2019, nr. "
            "1159033/1159044, tot vaststelling van het subsidieplafond en indieningstermijn voor "
            "2019 op grond van de Uitvoeringsregeling subsidie Kennisontwikkeling Bodem en Water "
            "Noord-Holland 2017",
            "Uitvoeringsregeling subsidie Kennisontwikkeling Bodem en Water Noord-Holland 2017",
        ),
        (
            "Besluit van Gedeputeerde Staten van Utrecht van 6 april 2021, nr. 8222ACB5, tot "
            "wijziging van het ‘Openstellingsbesluit POP3 Jonge Landbouwersregeling Utrecht 2020’",
            "Openstellingsbesluit POP3 Jonge Landbouwersregeling Utrecht 2020",
        ),
        (
            "Besluit van gedeputeerde staten van de provincie Zuid-Holland van 22 november 2022, "
            "PZH-2022-818441161, tot vaststelling van het Openstellingsbesluit 2023 voor de "
            "Subsidieregeling beheer recreatiegebieden Zuid-Holland (Openstellingsbesluit Sbr "
            "Zuid-Holland 2023)",
            "Openstellingsbesluit Sbr Zuid-Holland 2023",
        ),
        (
            "Besluit van de Gedeputeerde Staten van de provincie Flevoland houdende regels omtrent "
            "subsidies Besluit tot openstelling Regeling niet-productieve investeringen water uit "
            "de Subsidieverordening Plattelandsontwikkeling (P0P3) provincie Flevoland 2014-2020",
            "Regeling niet-productieve investeringen water",
        ),
        ("Eerste wijziging van het Algemeen Plafondbesluit 2027", "Algemeen Plafondbesluit 2027"),
        (
            "Wijzigingen Uitvoeringsbesluit subsidies Overijssel 2017, oktober 2026",
            "Uitvoeringsbesluit subsidies Overijssel 2017",
        ),
        (
            "Vaststelling Openstellingsbesluit Subsidieregeling provinciale "
            "LEADER-projecten Drenthe",
            "Openstellingsbesluit Subsidieregeling provinciale LEADER-projecten Drenthe",
        ),
        ("Regels Subsidieverlening Gelderland 2023", "Regels Subsidieverlening Gelderland 2023"),
        (
            "Provincie Zeeland – Openstellingsbesluit niet-productieve investeringen water",
            "Openstellingsbesluit niet-productieve investeringen water",
        ),
        (
            "Regeling van de Minister van Landbouw van 3 maart 2026, nr. 1, houdende vaststelling "
            "van de subsidieplafonds en termijnen van openstelling",
            "Regeling houdende vaststelling van de subsidieplafonds en termijnen van openstelling",
        ),
    ],
)
def test_name_from_heading(heading: str, name: str) -> None:
    assert name_from_heading(heading) == name


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("SDE++ aanvragen | RVO.nl", "SDE++"),
        ("SLIM aanvragen | Uitvoering van Beleid SZW", "SLIM"),
        ("SLIM-regeling: aanvragen voor mkb-ondernemingen", "SLIM-regeling"),
        (
            "Tijdelijke subsidieregeling NL leert door met inzet van sectoraal maatwerk: aanvragen",
            "Tijdelijke subsidieregeling NL leert door met inzet van sectoraal maatwerk",
        ),
        (
            "Subsidie verduurzamingsadvies bedrijfsgebouwen: vragen en antwoorden",
            "Subsidie verduurzamingsadvies bedrijfsgebouwen",
        ),
        ("Demo Energiesubsidie - RVO.nl", "Demo Energiesubsidie"),
        ("Sprintsubsidie | Provincie Limburg", "Sprintsubsidie"),
        ("Vragen en antwoorden | Provincie Limburg", "Vragen en antwoorden"),
        ("Aanvragen", "Aanvragen"),  # nothing would be left
        ("SDE++ 2026", "SDE++ 2026"),
    ],
)
def test_page_suffixes_are_stripped(title: str, name: str) -> None:
    assert strip_page_suffix(title) == name
    assert name_from_heading(title) == name


def test_poor_names_and_headings() -> None:
    heading = "Regeling van de Minister van Financiën van 2 januari 2026, nr. 5, houdende regels"
    assert is_heading(heading) and is_poor_name(heading)
    assert is_heading("Besluit van 12 maart 2026, houdende regels over subsidie")
    assert is_poor_name("SDE++ aanvragen | RVO.nl") and is_poor_name("SLIM-regeling: aanvragen")
    assert not is_poor_name("SLIM-regeling") and not is_heading("SLIM-regeling")
    assert not is_poor_name("Regeling houdende vaststelling van de subsidieplafonds")
    assert clean_name("  ‘Openstellingsbesluit X 2020’. ") == "Openstellingsbesluit X 2020"
    assert name_from_heading("") == "" and name_from_heading("", citeertitel="X-regeling") == (
        "X-regeling"
    )


def test_citeertitel_stated_in_the_text_names_the_scheme() -> None:
    text = "Artikel 5\nDeze regeling wordt aangehaald als: Regeling openstelling SDE++ 2026.\n"
    assert cited_as(text) == "Regeling openstelling SDE++ 2026"
    assert cited_as("Dit besluit wordt aangehaald als ‘Openstellingsbesluit X 2027’.") == (
        "Openstellingsbesluit X 2027"
    )
    assert cited_as("Citeertitel: Subsidieregeling Y 2026\n") == "Subsidieregeling Y 2026"
    assert cited_as("Geen citeertitel hier.") == ""
    heading = "Regeling van de Minister van Klimaat van 1 mei 2026, nr. 7, houdende regels"
    assert name_from_heading(heading, text=text) == "Regeling openstelling SDE++ 2026"
    # an amendment belongs to the regulation it amends, whatever it calls itself
    amendment = (
        "Regeling van de Minister van SZW van 1 mei 2026, tot wijziging van de SLIM-regeling"
    )
    assert name_from_heading(amendment, text=text) == "SLIM-regeling"
    # metadata wins over the text
    assert name_from_heading(heading, citeertitel="Regeling Z", text=text) == "Regeling Z"


# --- scrapers fill ``name`` (fixtures) -------------------------------------------------------


def _koop() -> KoopSruScraper:
    return KoopSruScraper(KoopSruScraper.Options(), SourceContext(today=TODAY, max_pages=10))


def test_koop_sru_records_get_short_names_and_keep_the_heading() -> None:
    page = page_from_fixture("koop_sru/stcrt_page1.xml", SRU + "?startRecord=1")
    sde, slim, nlld = _koop().parse(page)
    assert sde.title.startswith("Regeling van de Minister van Klimaat en Groene Groei van 17 sep")
    assert sde.name == "Stimulering duurzame energieproductie en klimaattransitie in 2026"
    assert slim.name == "SLIM-regeling"
    assert nlld.name == "Tijdelijke subsidieregeling NL leert door met inzet van scholing"
    provincial = list(_koop().parse(page_from_fixture("koop_sru/prb_page1.xml", SRU)))
    assert all(r.name and not is_poor_name(r.name) for r in provincial)
    assert all(not r.name.startswith(("Besluit van", "Regeling van")) for r in provincial)


def test_koop_sru_document_citeertitel_becomes_the_name() -> None:
    raw = next(iter(_koop().parse(page_from_fixture("koop_sru/stcrt_page1.xml", SRU))))
    # constructed document: the structure of the koop_sru fixtures plus a citeertitel article
    body = (
        b"<officiele-publicatie><staatscourant><regeling><regeling-tekst><artikel>"
        b"<kop><label>Artikel</label><nr>4</nr></kop>"
        b"<al>Deze regeling wordt aangehaald als: Regeling openstelling SDE++ 2026.</al>"
        b"</artikel></regeling-tekst></regeling></staatscourant></officiele-publicatie>"
    )
    done = _koop().parse_detail(page_from_bytes(body, "https://example.test/doc.xml"), raw)
    assert done.name == "Regeling openstelling SDE++ 2026"
    assert done.title == raw.title  # the heading stays the publication's title
    plain = _koop().parse_detail(
        page_from_fixture("koop_sru/docs/stcrt-2026-30567.xml", "https://example.test/d.xml"), raw
    )
    assert plain.name == raw.name  # no citeertitel in the document: the derived name stays


def test_koop_sru_record_alternative_is_the_name() -> None:
    page = page_from_fixture("koop_sru/stcrt_page1.xml", SRU).content
    marker = b"</dcterms:title>"
    assert marker in page
    changed = page.replace(
        marker, marker + b"<dcterms:alternative>Regeling SDE++ 2026</dcterms:alternative>", 1
    )
    sde = next(iter(_koop().parse(page_from_bytes(changed, SRU))))
    assert sde.name == "Regeling SDE++ 2026"
    assert sde.extra["alternative"] == "Regeling SDE++ 2026"


def test_bwb_names_from_record_and_toestand() -> None:
    scraper = BwbScraper(
        BwbScraper.Options(identifiers=["BWBR0043015"]), SourceContext(today=TODAY)
    )
    (raw,) = scraper.parse(page_from_fixture("bwb/search_slim.xml", SRU + "/Search"))
    assert raw.name == "SLIM-regeling"
    done = scraper.parse_detail(page_from_fixture("bwb/toestand_BWBR0043015.xml"), raw)
    assert done.name == "SLIM-regeling" and done.title == "SLIM-regeling"


def test_cvdr_names_from_fixtures() -> None:
    scraper = CvdrScraper(CvdrScraper.Options(creator="Flevoland"), SourceContext(today=TODAY))
    raw = RawScheme(key="CVDR602887", title="x")
    done = scraper.parse_detail(page_from_fixture("cvdr/CVDR602887_1.xml"), raw)
    assert done.title.startswith("Besluit van de Gedeputeerde Staten van de provincie Flevoland")
    assert done.name == "Regeling niet-productieve investeringen water"
    (gelderland,) = CvdrScraper(
        CvdrScraper.Options(creator="Gelderland"), SourceContext(today=TODAY)
    ).parse(page_from_fixture("cvdr/search_gelderland.xml", SRU + "/Search"))
    assert gelderland.name == "Regels Subsidieverlening Gelderland 2023"


def test_html_page_name_drops_page_suffixes() -> None:
    context = SourceContext(level="rijk", publisher="RVO")
    rvo = "https://www.rvo.nl/subsidies-financiering/sde/aanvragen"
    (sde,) = HtmlPageScraper(HtmlPageScraper.Options(), context).parse(
        page_from_fixture("html_page/constructed_rvo_sde.html", rvo)
    )
    assert sde.title == "SDE++ aanvragen" and sde.name == "SDE++"
    uvb = "https://www.uitvoeringvanbeleidszw.nl/subsidies-en-regelingen/nl-leert-door"
    (nlld,) = HtmlPageScraper(HtmlPageScraper.Options(), context).parse(
        page_from_fixture("html_page/constructed_uvb_nl_leert_door.html", uvb)
    )
    assert nlld.title.endswith(": aanvragen")
    assert nlld.name == "Tijdelijke subsidieregeling NL leert door met inzet van sectoraal maatwerk"
    pinned = HtmlPageScraper(HtmlPageScraper.Options(scheme_title="SLIM-regeling"), context)
    (slim,) = pinned.parse(page_from_fixture("html_page/constructed_uvb_slim.html", uvb))
    assert slim.name == "SLIM-regeling"


def test_html_list_and_feed_names() -> None:
    listing = HtmlListScraper(
        HtmlListScraper.Options(item="li.teaser"),
        SourceContext(level="rijk"),
    )
    items = list(
        listing.parse(
            page_from_fixture("html_list/constructed_rvo_list.html", "https://www.rvo.nl/x")
        )
    )
    assert items and all(i.name == name_from_heading(i.title) for i in items)
    # a listing's titles are scheme names already: nothing is cut from "ISDE: isolatie…"
    assert [i.name for i in items] == [i.title for i in items]
    feed = FeedScraper(FeedScraper.Options(), SourceContext())
    entries = list(feed.parse(page_from_fixture("feed/obk_subsidies.xml", "https://x.test/rss")))
    by_key = {e.key: e for e in entries}
    assert by_key["stcrt-2026-41208"].name == "SLIM-regeling"
    assert by_key["prb-2026-17255"].name == (
        "Subsidieregeling amateurkunst en erfgoed Groningen 2027"
    )


# --- real samples (../shared/samples, read at test time) ------------------------------------


def _element_text(path: str, local_name: str) -> str:
    root = etree.fromstring(page_from_sample(path).content)
    found = root.xpath(f"//*[local-name()='{local_name}']")
    assert found, f"{local_name} not in {path}"
    return " ".join("".join(found[0].itertext()).split())


def test_real_bwb_toestand_citeertitel_is_the_name() -> None:
    sample = "bwb/bwb_toestand_BWBR0002365_rijkssubsidieregeling_amw.xml"
    citeertitel = _element_text(sample, "citeertitel")
    scraper = BwbScraper(
        BwbScraper.Options(identifiers=["BWBR0002365"]), SourceContext(today=TODAY)
    )
    raw = RawScheme(key="BWBR0002365", title="BWBR0002365")
    done = scraper.parse_detail(page_from_sample(sample), raw)
    assert done.name == citeertitel and not is_poor_name(done.name)


def test_real_cvdr_alternative_is_the_name() -> None:
    sample = "cvdr/cvdr_CVDR100394_2.xml"
    alternative = _element_text(sample, "alternative")
    scraper = CvdrScraper(CvdrScraper.Options(identifiers=["CVDR100394"]), SourceContext())
    done = scraper.parse_detail(page_from_sample(sample), RawScheme(key="CVDR100394", title="x"))
    assert done.name == alternative


def test_real_koop_record_and_feed_names() -> None:
    record = page_from_sample("koop/sru_record_gmb-2023-174296.nsstripped.xml").content
    body = (
        b"<searchRetrieveResponse><version>2.0</version><numberOfRecords>1</numberOfRecords>"
        b"<records>" + record + b"</records></searchRetrieveResponse>"
    )
    # a Gemeenteblad record: the Staatscourant source skips it, so it is read on its own
    raw = _koop()._parse_record(next(find_all(parse_xml(body), "record")), SRU)
    # a notice, not a decision heading: its own title is its name
    assert raw.name == raw.title and not is_heading(raw.title)
    rss = "https://zoek.officielebekendmakingen.nl/rss"
    entries = list(
        FeedScraper(FeedScraper.Options(), SourceContext()).parse(
            page_from_sample("koop/rss_obk_kamerstukken_2022-04-25_to_05-02.xml", rss)
        )
    )
    assert len(entries) == 150
    assert all(e.name and not is_poor_name(e.name) for e in entries)
    assert all(e.name == name_from_heading(e.title) for e in entries)


def test_real_sedia_topic_title_is_the_name() -> None:
    page = page_from_sample("eu_sedia/search_response_horizon_9_results.json")
    titles = {
        row["metadata"]["identifier"][0]: row["metadata"]["title"][0]
        for row in json.loads(page.content)["results"]
        if row.get("metadata", {}).get("title")
    }
    schemes = list(EuSediaScraper(EuSediaScraper.Options(), SourceContext()).parse(page))
    assert schemes and all(s.name == s.title == titles[s.key] for s in schemes)


def test_a_wijzigingsregeling_names_the_regulation_it_amends() -> None:
    # the title of a real UVB news item (uitvoeringvanbeleidszw.nl, 2024)
    title = "Wijzigingsregeling Subsidieregeling praktijkleren in de derde leerweg"
    regulation = "Subsidieregeling praktijkleren in de derde leerweg"
    assert name_from_heading(title) == regulation
    assert find_cited_titles(title) == [regulation]


def test_a_cited_title_ends_before_the_next_gelet_op() -> None:
    # the real preamble of Fryslân's openstellingsbesluit 2025 (CVDR738014)
    text = (
        "Gelet op artikel 1.2 van de Subsidieregeling biotoopverbetering weidevogelgraslanden en "
        "gelet op artikel 4:25 van de Algemene wet bestuursrecht;"
    )
    assert find_cited_titles(text)[0] == "Subsidieregeling biotoopverbetering weidevogelgraslanden"


def test_a_citeertitel_heading_does_not_take_the_next_line() -> None:
    # the last article of the real Subsidieregeling ESF+ 2021–2027 (stcrt-2022-11636)
    text = (
        "Artikel 8.3 Citeertitel\n"
        "Deze regeling wordt aangehaald als: Subsidieregeling ESF+ 2021–2027."
    )
    assert not any(t.startswith("Deze regeling") for t in find_cited_titles(text))
    assert cited_as(text) == "Subsidieregeling ESF+ 2021–2027"
    assert cited_as("Artikel 8.3 Citeertitel\nDe regeling treedt in werking.") == ""
