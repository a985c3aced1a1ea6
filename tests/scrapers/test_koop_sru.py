from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from scrapers._xml import find_all, parse_xml
from scrapers.base import ParseError, RawScheme, SourceContext
from scrapers.koop_sru import KoopSruScraper
from tests.scrapers.conftest import TODAY, page_from_bytes, page_from_fixture, page_from_sample

SRU = "http://127.0.0.1:8765/sru"


def make(**options: object) -> KoopSruScraper:
    return KoopSruScraper(
        KoopSruScraper.Options(**options),  # type: ignore[arg-type]
        SourceContext(today=TODAY, look_back_days=365, max_pages=10),
    )


def listing(name: str, start: int = 1, size: int = 3) -> str:
    return f"{SRU}?operation=searchRetrieve&version=2.0&startRecord={start}&maximumRecords={size}"


def test_start_request_builds_cql_with_look_back() -> None:
    scraper = make(publication="Provinciaal blad", creators=["Gelderland"], page_size=50)
    (request,) = scraper.start_requests(SRU)
    params = parse_qs(urlsplit(request.url).query)
    assert request.url.startswith(SRU + "?")
    assert params["operation"] == ["searchRetrieve"]
    assert params["version"] == ["2.0"]
    assert params["startRecord"] == ["1"]
    assert params["maximumRecords"] == ["50"]
    assert params["recordSchema"] == ["gzd"]
    query = params["query"][0]
    assert 'c.product-area=="officielepublicaties"' in query
    assert 'w.publicatienaam=="Provinciaal blad"' in query
    assert 'dt.creator=="Gelderland"' in query
    assert 'cql.textAndIndexes="aanvraagtijdvak"' in query
    assert 'dt.modified>="2025-11-27"' in query
    assert query.endswith(" sortBy dt.modified/sort.descending")  # newest first
    assert " " not in request.url  # spaces are percent-encoded


def test_staatscourant_pages() -> None:
    scraper = make(page_size=3)
    first = page_from_fixture("koop_sru/stcrt_page1.xml", listing("stcrt"))
    schemes = list(scraper.parse(first))
    assert [s.key for s in schemes] == ["stcrt-2026-30567", "stcrt-2026-41208", "stcrt-2021-34759"]
    sde, slim, nlld = schemes
    assert sde.publisher == "Ministerie van Klimaat en Groene Groei"
    assert sde.level == "rijk" and sde.regions == []
    assert sde.url == "https://zoek.officielebekendmakingen.nl/stcrt-2026-30567.html"
    assert sde.published_text == "2026-09-22"
    assert sde.detail_url == (
        "https://repository.overheid.nl/frbr/officielepublicaties/stcrt/2026/"
        "stcrt-2026-30567/1/xml/stcrt-2026-30567.xml"
    )
    assert slim.cited_titles == ["SLIM-regeling"]
    assert nlld.cited_titles == ["Tijdelijke subsidieregeling NL leert door met inzet van scholing"]
    assert nlld.publisher == "Ministerie van Sociale Zaken en Werkgelegenheid"
    assert nlld.extra["publication"] == "Staatscourant"

    (nxt,) = scraper.next_requests(first)
    assert parse_qs(urlsplit(nxt.url).query)["startRecord"] == ["4"]
    second = page_from_fixture("koop_sru/stcrt_page2.xml", nxt.url)
    keys = [s.key for s in scraper.parse(second)]
    assert keys == ["stcrt-2026-38814", "stcrt-2020-46170"]
    assert scraper.next_requests(second) == []


def test_original_regulation_cites_its_own_citeertitel() -> None:
    page = page_from_fixture("koop_sru/stcrt_page2.xml", listing("stcrt", 4))
    original = list(make().parse(page))[1]
    assert original.cited_titles == [
        "Tijdelijke subsidieregeling NL leert door met inzet van scholing"
    ]


def test_provinciaal_blad_levels_and_regions() -> None:
    scraper = make(publication="Provinciaal blad", page_size=3)
    schemes = [
        *scraper.parse(page_from_fixture("koop_sru/prb_page1.xml", listing("prb"))),
        *scraper.parse(page_from_fixture("koop_sru/prb_page2.xml", listing("prb", 4))),
    ]
    assert {s.key: s.regions for s in schemes} == {
        "prb-2026-6286": ["NL-LI"],
        "prb-2026-18840": ["NL-GE"],
        "prb-2026-17255": ["NL-GR"],
        "prb-2026-15731": ["NL-NB"],
        "prb-2026-16102": ["NL-OV"],
    }
    assert all(s.level == "provincie" for s in schemes)
    assert schemes[0].publisher == "Limburg"
    assert "Algemeen Plafondbesluit 2027" in schemes[1].cited_titles


def test_paging_stops_at_max_pages() -> None:
    scraper = KoopSruScraper(context=SourceContext(today=TODAY, max_pages=1))
    page = page_from_fixture("koop_sru/stcrt_page1.xml", listing("stcrt"))
    assert scraper.next_requests(page) == []


def test_paging_without_next_record_position_uses_start_plus_size() -> None:
    body = page_from_fixture("koop_sru/stcrt_page1.xml").content.replace(
        b"<sru:nextRecordPosition>4</sru:nextRecordPosition>", b""
    )
    page = page_from_bytes(body, listing("stcrt", 1, 3))
    (nxt,) = make().next_requests(page)
    assert "startRecord=4" in nxt.url and "maximumRecords=3" in nxt.url


def test_paging_continues_after_the_records_received() -> None:
    # the server serves 3 records where 100 were asked (its own cap): the next page starts at
    # 4, not at 101 (records 4-100 were skipped)
    body = (
        page_from_fixture("koop_sru/stcrt_page1.xml")
        .content.replace(b"<sru:nextRecordPosition>4</sru:nextRecordPosition>", b"")
        .replace(b"<sru:numberOfRecords>5<", b"<sru:numberOfRecords>500<")
    )
    (nxt,) = make().next_requests(page_from_bytes(body, listing("stcrt", 1, 100)))
    assert parse_qs(urlsplit(nxt.url).query)["startRecord"] == ["4"]
    (nxt,) = make().next_requests(page_from_bytes(body, listing("stcrt", 4, 100)))
    assert parse_qs(urlsplit(nxt.url).query)["startRecord"] == ["7"]


def test_paging_stops_on_a_page_without_records() -> None:
    body = (
        b"<searchRetrieveResponse><numberOfRecords>500</numberOfRecords><records/>"
        b"</searchRetrieveResponse>"
    )
    assert make().next_requests(page_from_bytes(body, listing("stcrt", 101, 100))) == []


def test_detail_document_text_and_citations() -> None:
    scraper = make()
    raw = next(iter(scraper.parse(page_from_fixture("koop_sru/stcrt_page1.xml", listing("s")))))
    nlld = list(scraper.parse(page_from_fixture("koop_sru/stcrt_page1.xml", listing("s"))))[2]
    done = scraper.parse_detail(page_from_fixture("koop_sru/docs/stcrt-2026-30567.xml"), raw)
    assert "kan worden ingediend van 27 oktober 2026, 9.00 uur, tot en met 26 november 2026" in (
        done.text
    )
    assert (
        "Het subsidieplafond voor subsidieaanvragen in 2026 bedraagt € 8.000.000.000." in done.text
    )
    assert "Artikel 1 Openstelling" in done.text
    assert raw.text == ""  # parse_detail returns a new object
    done = scraper.parse_detail(page_from_fixture("koop_sru/docs/stcrt-2021-34759.xml"), nlld)
    assert "van 1 september 2021, 9.00 uur tot en met 8 september 2021, 17.00 uur" in done.text
    assert (
        done.cited_titles[0] == "Tijdelijke subsidieregeling NL leert door met inzet van scholing"
    )


def test_detail_tables_become_rows() -> None:
    scraper = make(publication="Provinciaal blad")
    raw = list(scraper.parse(page_from_fixture("koop_sru/prb_page1.xml", listing("p"))))[1]
    done = scraper.parse_detail(page_from_fixture("koop_sru/docs/prb-2026-18840.xml"), raw)
    assert (
        "3.4 | Ondergrond in beeld ten behoeve van ruimtelijke ontwikkeling | "
        "18 november 2026 tot en met 31 december 2026 | € 30.000"
    ) in done.text
    assert "Regels Subsidieverlening Gelderland 2023" in done.cited_titles


def test_version_two_changes_closing_date() -> None:
    scraper = make(publication="Provinciaal blad")
    raw = list(scraper.parse(page_from_fixture("koop_sru/prb_page2.xml", listing("p", 4))))[0]
    v1 = scraper.parse_detail(page_from_fixture("koop_sru/docs/prb-2026-15731.xml"), raw)
    v2 = scraper.parse_detail(page_from_fixture("koop_sru/docs/prb-2026-15731.v2.xml"), raw)
    assert "tot en met 31 januari 2027" in v1.text
    assert "tot en met 28 februari 2027" in v2.text


def test_fetch_documents_false_leaves_detail_url_empty() -> None:
    page = page_from_fixture("koop_sru/stcrt_page1.xml", listing("s"))
    assert all(s.detail_url == "" for s in make(fetch_documents=False).parse(page))


def test_zero_records_is_empty_not_an_error() -> None:
    page = page_from_fixture("koop_sru/empty.xml", listing("s"))
    assert list(make().parse(page)) == []
    assert make().next_requests(page) == []


def test_diagnostics_is_a_parse_error() -> None:
    page = page_from_fixture("koop_sru/diagnostics.xml", listing("s"))
    with pytest.raises(ParseError, match="mismatched input"):
        list(make().parse(page))


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><body>Service unavailable</body></html>",
        b'<?xml version="1.0"?><sru:searchRetrieveResponse xmlns:sru="x"><sru:numberOf',
        b"<searchRetrieveResponse><numberOfRecords>2</numberOfRecords></searchRetrieveResponse>",
        b"<searchRetrieveResponse><numberOfRecords>many</numberOfRecords></searchRetrieveResponse>",
    ],
)
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        list(make().parse(page_from_bytes(body, listing("s"))))


def test_entities_are_not_expanded() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<officiele-publicatie><al>&x;</al></officiele-publicatie>"
    )
    raw = next(iter(make().parse(page_from_fixture("koop_sru/stcrt_page1.xml", listing("s")))))
    done = make().parse_detail(page_from_bytes(body, "https://example.test/doc.xml"), raw)
    assert "root:" not in done.text


def _real_record_envelope() -> bytes:
    """The real Gemeenteblad record (namespaces stripped) in a one-record envelope."""
    record = page_from_sample("koop/sru_record_gmb-2023-174296.nsstripped.xml").content
    return (
        b"<searchRetrieveResponse><version>2.0</version><numberOfRecords>1</numberOfRecords>"
        b"<records>" + record + b"</records></searchRetrieveResponse>"
    )


def test_real_namespace_stripped_record() -> None:
    root = parse_xml(_real_record_envelope())
    raw = make()._parse_record(next(find_all(root, "record")), listing("s"))
    assert raw.key == "gmb-2023-174296"
    assert raw.publisher == "Bergeijk"
    assert raw.published_text == "2023-04-20"
    assert raw.url == "https://zoek.officielebekendmakingen.nl/gmb-2023-174296.html"
    assert raw.detail_url.endswith("/gmb/2023/gmb-2023-174296/1/xml/gmb-2023-174296.xml")
    assert raw.extra["publication"] == "Gemeenteblad"
    assert raw.summary == "verwijderen van asbest van het dak"


def test_record_of_another_publication_is_skipped() -> None:
    # the real record is a Gemeenteblad publication: not the Staatscourant's, nor a province's
    page = page_from_bytes(_real_record_envelope(), listing("s"))
    assert list(make().parse(page)) == []
    assert list(make(publication="Provinciaal blad").parse(page)) == []


def test_configured_level_wins_over_the_publication() -> None:
    # nl_stcrt_esf reads the Staatscourant (stcrt-2023-32379, ESF+) at level eu
    scraper = KoopSruScraper(
        KoopSruScraper.Options(terms=["Subsidieregeling ESF+ 2021-2027"]),
        SourceContext(today=TODAY, level="eu"),
    )
    (raw,) = scraper.parse(page_from_fixture("koop_sru/stcrt_esf.xml", listing("s")))
    assert raw.key == "stcrt-2023-32379"
    assert raw.level == "eu"
    assert raw.extra["publication"] == "Staatscourant"


@pytest.mark.parametrize(
    ("sample", "phrase"),
    [
        ("koop/doc_prb-2017-1003.xml", "Publicatiedatum: 7 maart 2017"),
        ("koop/doc_stcrt-2015-47076.xml", "ligt vanaf 24 december 2015 zes weken ter inzage"),
        ("koop/doc_gmb-2017-100002.xml", "Winschoten, 14 juni 2017"),
    ],
)
def test_real_document_xml(sample: str, phrase: str) -> None:
    raw = next(iter(make().parse(page_from_fixture("koop_sru/stcrt_page1.xml", listing("s")))))
    done = make().parse_detail(page_from_sample(sample), raw)
    assert phrase in " ".join(done.text.split())


def test_creator_option_keeps_only_that_province() -> None:
    scraper = KoopSruScraper(
        KoopSruScraper.Options(publication="Provinciaal blad", creators=["Limburg"]),
        SourceContext(today=TODAY),
    )
    page = page_from_fixture("koop_sru/prb_page1.xml", "https://repository.overheid.nl/sru")
    items = list(scraper.parse(page))
    assert [i.key for i in items] == ["prb-2026-6286"]
    assert items[0].regions == ["NL-LI"]


def test_fryslan_matches_both_creator_names() -> None:
    scraper = make(publication="Provinciaal blad", creators=["Fryslân", "Friesland"])
    query = scraper.build_query()
    assert '(dt.creator=="Fryslân" or dt.creator=="Friesland")' in query
    record = page_from_fixture("koop_sru/prb_page1.xml").content.replace(
        b">Limburg<", b">Friesland<"
    )
    items = list(scraper.parse(page_from_bytes(record, listing("prb"))))
    assert [i.key for i in items] == ["prb-2026-6286"]
    assert items[0].regions == ["NL-FR"]


def test_subject_discovery_by_ministries_and_terms() -> None:
    scraper = make(
        creators=["Ministerie van Sociale Zaken en Werkgelegenheid"],
        terms=["scholing", "leven lang ontwikkelen"],
        all_terms=["subsidie"],
    )
    query = scraper.build_query()
    assert '(cql.textAndIndexes="scholing" or cql.textAndIndexes="leven lang ontwikkelen")' in query
    assert 'cql.textAndIndexes="subsidie"' in query
    page = page_from_fixture("koop_sru/stcrt_page1.xml", listing("stcrt"))
    # the SDE++ record is by the climate ministry: the creator check drops it
    assert [s.key for s in scraper.parse(page)] == ["stcrt-2026-41208", "stcrt-2021-34759"]


def test_configured_text_with_a_quote_stays_inside_its_cql_string() -> None:
    """A '"' or '\\' in a configured term or creator is escaped (CQL 1.2): it cannot end the
    string and turn the rest into query syntax."""
    scraper = make(creators=['Gemeente "Oost"'], terms=['ESF+ "2021-2027"', "a\\b"])
    query = scraper.build_query()
    assert 'dt.creator=="Gemeente \\"Oost\\""' in query
    assert 'cql.textAndIndexes="ESF+ \\"2021-2027\\""' in query
    assert 'cql.textAndIndexes="a\\\\b"' in query
    assert query.count("(") == query.count(")")


IGNORED = b"""<?xml version="1.0" encoding="UTF-8"?>
<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse"
    xmlns:diag="http://docs.oasis-open.org/ns/search-ws/diagnostic">
  <sru:version>2.0</sru:version>
  <sru:numberOfRecords>0</sru:numberOfRecords>
  <sru:diagnostics><diag:diagnostic>
    <diag:uri>info:srw/diagnostic/1/80</diag:uri>
    <diag:message>query part ignored: sortBy dt.modified/sort.descending</diag:message>
  </diag:diagnostic></sru:diagnostics>
</sru:searchRetrieveResponse>"""


def test_query_part_ignored_is_a_warning_not_an_error() -> None:
    scraper = make()
    assert list(scraper.parse(page_from_bytes(IGNORED, listing("s")))) == []
    assert scraper.warnings == [
        "SRU-waarschuwing: query part ignored: sortBy dt.modified/sort.descending"
        " (info:srw/diagnostic/1/80)"
    ]
    list(scraper.parse(page_from_bytes(IGNORED, listing("s"))))
    assert len(scraper.warnings) == 1  # once per run


def test_other_diagnostic_stays_an_error_with_records_present() -> None:
    body = page_from_fixture("koop_sru/stcrt_page1.xml").content.replace(
        b"</sru:records>",
        b"</sru:records><sru:diagnostics><diag:diagnostic xmlns:diag='d'>"
        b"<diag:uri>info:srw/diagnostic/1/10</diag:uri><diag:message>syntax</diag:message>"
        b"</diag:diagnostic></sru:diagnostics>",
    )
    with pytest.raises(ParseError, match="syntax"):
        list(make().parse(page_from_bytes(body, listing("s"))))


def test_real_staatscourant_xml_keeps_day_numbers_whole() -> None:
    # the real stcrt-2015-47076 writes "Bergen, 2" + "3" + " december 2015" in three <nadruk>
    page = page_from_sample("koop/doc_stcrt-2015-47076.xml")
    raw = RawScheme(key="stcrt-2015-47076", title="Bergen")
    done = make().parse_detail(page, raw)
    assert "Bergen, 23 december 2015" in done.text
    assert "2 3 december" not in done.text
