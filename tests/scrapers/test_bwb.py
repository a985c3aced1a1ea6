from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pydantic
import pytest

from scrapers.base import ParseError, RawScheme, SourceContext
from scrapers.bwb import BwbScraper
from tests.scrapers.conftest import TODAY, page_from_bytes, page_from_fixture, page_from_sample

SRU = "http://127.0.0.1:8765/sru/Search"


def make(*ids: str) -> BwbScraper:
    return BwbScraper(
        BwbScraper.Options(identifiers=list(ids)), SourceContext(today=TODAY, max_pages=5)
    )


def test_start_request_queries_identifiers_in_force_today() -> None:
    (request,) = make("BWBR0043015", "BWBR0044046").start_requests(SRU)
    params = parse_qs(urlsplit(request.url).query)
    assert params["x-connection"] == ["BWB"]
    assert params["query"] == [
        "(dcterms.identifier==BWBR0043015 or dcterms.identifier==BWBR0044046)"
        " and overheidbwb.geldigheidsdatum==2026-11-27"
    ]


def test_options_reject_non_bwbr_ids() -> None:
    with pytest.raises(pydantic.ValidationError):
        BwbScraper.Options(identifiers=["CVDR100394"])
    with pytest.raises(pydantic.ValidationError):
        BwbScraper.Options(identifiers=["BWBR0043015"], colour="red")  # type: ignore[call-arg]


def test_search_record_deduplicated_and_mapped() -> None:
    page = page_from_fixture("bwb/search_slim.xml", SRU + "?startRecord=1&maximumRecords=50")
    (raw,) = make("BWBR0043015").parse(page)
    assert raw.key == "BWBR0043015"
    assert raw.identifiers == ["BWBR0043015"]
    assert raw.title == "SLIM-regeling"
    assert raw.level == "rijk" and raw.regions == []
    assert raw.publisher == "Sociale Zaken en Werkgelegenheid"
    assert raw.url == "https://wetten.overheid.nl/BWBR0043015"
    assert raw.detail_url.endswith("/bwb/BWBR0043015/2026-11-11_0/xml/BWBR0043015_2026-11-11_0.xml")
    assert make("BWBR0043015").next_requests(page) == []


def _slim_search(*replacements: tuple[bytes, bytes]) -> bytes:
    body = page_from_fixture("bwb/search_slim.xml").content
    for old, new in replacements:
        assert old in body
        body = body.replace(old, new)
    return body


END = b"<overheidbwb:geldigheidsperiode_einddatum>9999-12-31<"


def test_version_whose_validity_ended_is_skipped() -> None:
    # the only dated version ended before today (2026-11-27); the undated one says nothing
    body = _slim_search((END, END.replace(b"9999-12-31", b"2026-06-30")))
    (raw,) = make("BWBR0043015").parse(page_from_bytes(body, SRU + "?startRecord=1"))
    assert raw.detail_url.endswith("/2026-03-04_0/xml/BWBR0043015_2026-03-04_0.xml")
    # both versions ended: nothing of this regulation is presented
    second_ended = (
        b"<dcterms:modified>2026-03-04</dcterms:modified>",
        b"<dcterms:modified>2026-03-04</dcterms:modified></overheidbwb:owmskern>"
        b"<overheidbwb:bwbipm><overheidbwb:geldigheidsperiode_einddatum>2026-03-03"
        b"</overheidbwb:geldigheidsperiode_einddatum></overheidbwb:bwbipm><overheidbwb:owmskern>",
    )
    body = _slim_search((END, END.replace(b"9999-12-31", b"2026-06-30")), second_ended)
    assert list(make("BWBR0043015").parse(page_from_bytes(body, SRU + "?startRecord=1"))) == []


def test_version_in_force_today_wins_over_an_earlier_listed_one() -> None:
    # the first version starts after today (2027-01-01): the second, undated, one is kept
    start = b"<overheidbwb:geldigheidsperiode_startdatum>2026-11-11<"
    body = _slim_search((start, start.replace(b"2026-11-11", b"2027-01-01")))
    (raw,) = make("BWBR0043015").parse(page_from_bytes(body, SRU + "?startRecord=1"))
    assert raw.detail_url.endswith("/2026-03-04_0/xml/BWBR0043015_2026-03-04_0.xml")
    (raw,) = make("BWBR0043015").parse(page_from_fixture("bwb/search_slim.xml", SRU))
    assert raw.extra["in_force_from"] == "2026-11-11"
    assert raw.extra["in_force_until"] == "9999-12-31"


IGNORED_VALIDITY = (
    b"</sru:records>",
    b"</sru:records><sru:diagnostics><diag:diagnostic"
    b' xmlns:diag="http://docs.oasis-open.org/ns/search-ws/diagnostic">'
    b"<diag:uri>info:srw/diagnostic/1/16</diag:uri>"
    b"<diag:message>Unsupported index overheidbwb.geldigheidsdatum: query part ignored"
    b"</diag:message></diag:diagnostic></sru:diagnostics>",
)


def test_ignored_validity_filter_fails_the_page() -> None:
    # without the date filter the answer holds every version, expired ones included
    page = page_from_bytes(_slim_search(IGNORED_VALIDITY), SRU + "?startRecord=1")
    with pytest.raises(ParseError, match="ignored the filter overheidbwb.geldigheidsdatum"):
        list(make("BWBR0043015").parse(page))
    with pytest.raises(ParseError, match="results unfiltered"):
        make("BWBR0043015").next_requests(page)


def test_toestand_fixture_keeps_application_articles() -> None:
    raw = RawScheme(key="BWBR0043015", title="SLIM-regeling")
    done = make("BWBR0043015").parse_detail(page_from_fixture("bwb/toestand_BWBR0043015.xml"), raw)
    assert "Artikel 2.13 Aanvraagtijdvakken" in done.text
    assert "van 1 maart 2027, 9.00 uur tot en met 31 maart 2027, 17.00 uur" in done.text
    assert "bedraagt € 28.000.000" in done.text
    assert "Artikel 2.20" not in done.text  # no application wording
    assert "jci1.3" not in done.text  # meta-data skipped
    assert "SLIM-regeling" in done.cited_titles
    assert done.extra["in_force_from"] == "2026-11-11"


def test_real_toestand_sample() -> None:
    raw = RawScheme(key="BWBR0002365", title="BWBR0002365")
    page = page_from_sample("bwb/bwb_toestand_BWBR0002365_rijkssubsidieregeling_amw.xml")
    done = make("BWBR0002365").parse_detail(page, raw)
    assert done.title == "Rijkssubsidieregeling voor het algemeen maatschappelijk werk"
    assert (
        "Artikel 32\n1 Aanvragen tot het verkrijgen van subsidie dienen voor 1 november"
        in done.text
    )
    assert "Artikel 36" in done.text
    assert "Artikel 42" not in done.text  # a reporting deadline, not an application
    assert "Artikel 1\n" not in done.text
    assert "jci1.3" not in done.text


def test_wrong_document_is_a_parse_error() -> None:
    raw = RawScheme(key="BWBR0002365", title="x")
    with pytest.raises(ParseError, match="toestand"):
        make("BWBR0002365").parse_detail(page_from_sample("bwb/bwb_manifest_BWBR0045754.xml"), raw)


def test_record_without_bwbr_id_is_a_parse_error() -> None:
    body = (
        b"<searchRetrieveResponse><numberOfRecords>1</numberOfRecords><records><record>"
        b"<recordData><identifier>nonsense</identifier></recordData></record></records>"
        b"</searchRetrieveResponse>"
    )
    with pytest.raises(ParseError, match="BWBR"):
        list(make("BWBR0043015").parse(page_from_bytes(body, SRU)))


def test_subject_search_finds_successors_by_title_authority_and_type() -> None:
    scraper = BwbScraper(
        BwbScraper.Options(
            identifiers=["BWBR0043015"],
            title_terms=["scholing", "ontwikkelen"],
            authorities=["Sociale Zaken en Werkgelegenheid", "Onderwijs, Cultuur en Wetenschap"],
        ),
        SourceContext(today=TODAY),
    )
    query = scraper.build_query()
    assert query == (
        '(dcterms.identifier==BWBR0043015 or (overheidbwb.titel any "scholing ontwikkelen"'
        ' and (overheid.authority=="Sociale Zaken en Werkgelegenheid"'
        ' or overheid.authority=="Onderwijs, Cultuur en Wetenschap")'
        ' and dcterms.type=="ministeriele-regeling"))'
        " and overheidbwb.geldigheidsdatum==2026-11-27"
    )


def test_options_need_identifiers_or_title_terms() -> None:
    with pytest.raises(pydantic.ValidationError):
        BwbScraper.Options()
