from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pydantic
import pytest

from scrapers.base import ParseError, RawScheme, SourceContext
from scrapers.cvdr import SUBSIDY_WORDS, CvdrScraper
from tests.scrapers.conftest import TODAY, page_from_bytes, page_from_fixture, page_from_sample

SRU = "http://127.0.0.1:8765/sru/Search"


def make(**options: object) -> CvdrScraper:
    opts = CvdrScraper.Options(**options)  # type: ignore[arg-type]
    return CvdrScraper(opts, SourceContext(today=TODAY, look_back_days=365))


def test_query_by_creator_and_title_terms() -> None:
    (request,) = make(creator="Gelderland", look_back=True).start_requests(SRU)
    params = parse_qs(urlsplit(request.url).query)
    assert params["x-connection"] == ["cvdr"]
    assert params["version"] == ["1.2"]
    words = " ".join(SUBSIDY_WORDS)
    assert params["query"] == [
        f'dcterms.creator="Gelderland" and dcterms.title any "{words}"'
        ' and dcterms.modified>="2025-11-27" sortBy dcterms.modified/sort.descending'
    ]


def test_query_by_identifier() -> None:
    (request,) = make(identifiers=["CVDR694120"], sort_by="").start_requests(SRU)
    assert parse_qs(urlsplit(request.url).query)["query"] == ["(dcterms.identifier==CVDR694120)"]


def test_options_need_identifiers_or_creator() -> None:
    with pytest.raises(pydantic.ValidationError):
        CvdrScraper.Options()
    with pytest.raises(pydantic.ValidationError):
        CvdrScraper.Options(identifiers=["BWBR0043015"])


def test_search_keeps_highest_version() -> None:
    page = page_from_fixture("cvdr/search_gelderland.xml", SRU + "?startRecord=1")
    (raw,) = make(creator="Gelderland").parse(page)
    assert raw.key == "CVDR694120"
    assert raw.extra["version"] == "CVDR694120_15"
    assert raw.identifiers == ["CVDR694120", "CVDR694120_15", "prb-2026-18840"]
    assert raw.title == "Regels Subsidieverlening Gelderland 2023"
    assert raw.level == "provincie" and raw.regions == ["NL-GE"]
    assert raw.url == "https://lokaleregelgeving.overheid.nl/CVDR694120"
    assert raw.detail_url.endswith("/cvdr/CVDR694120/15/xml/CVDR694120_15.xml")


def test_regulation_fixture_text() -> None:
    raw = RawScheme(key="CVDR694120", title="x")
    done = make(creator="Gelderland").parse_detail(page_from_fixture("cvdr/CVDR694120_15.xml"), raw)
    assert "uiterlijk op 15 februari 2027" in done.text
    assert "5.9 Grote artistieke producties en festivals" in done.text
    assert done.cited_titles == ["Regels Subsidieverlening Gelderland 2023"]
    assert done.extra["in_force_until"] == "2027-12-31"


def test_real_cvdr_sample() -> None:
    raw = RawScheme(key="CVDR100394", title="x")
    done = make(identifiers=["CVDR100394"]).parse_detail(
        page_from_sample("cvdr/cvdr_CVDR100394_2.xml"), raw
    )
    assert done.title == "Beleidsregels verkeersveiligheid en parkeren"
    assert "5.Gehandicaptenparkeerplaatsen" in done.text
    assert "Zelf bestuurder te zijn" in done.text
    assert "gmb-2016-146361" in done.identifiers
    assert done.extra["in_force_from"] == "2016-10-27"


def test_not_a_cvdr_document() -> None:
    with pytest.raises(ParseError):
        make(creator="Gelderland").parse_detail(
            page_from_sample("koop/doc_prb-2017-1003.xml"), RawScheme(key="k", title="t")
        )


# Real titles of provincial subsidy rules: Gelderland's "Regels Subsidieverlening Gelderland
# 2023", Noord-Brabant's CVDR381966 "Subsidieregeling buurtfonds Noord-Brabant" and Utrecht's
# prb-2017-2187 "Uitvoeringsverordening subsidie Binnenstedelijke Ontwikkeling provincie Utrecht
# 2017". CQL ``any`` compares whole words, so each must share a word with the query's terms.
@pytest.mark.parametrize(
    "title",
    [
        "Regels Subsidieverlening Gelderland 2023",
        "Subsidieregeling buurtfonds Noord-Brabant",
        "Uitvoeringsverordening subsidie Binnenstedelijke Ontwikkeling provincie Utrecht 2017",
        "Algemene subsidieverordening Gelderland 2016",
    ],
)
def test_title_terms_match_real_subsidy_titles_word_by_word(title: str) -> None:
    words = {w.casefold() for w in title.split()}
    assert words & set(make(creator="Gelderland").options.title_terms)


def _search(creator: bytes, title: bytes, scheme: bytes = b"overheid:Provincie") -> bytes:
    body = page_from_fixture("cvdr/search_gelderland.xml").content
    body = body.replace(
        b'scheme="overheid:Provincie">Gelderland<', b'scheme="' + scheme + b'">' + creator + b"<"
    )
    return body.replace(b"Regels Subsidieverlening Gelderland 2023", title)


def test_creator_check_skips_other_bodies_and_municipalities() -> None:
    scraper = make(creator="Utrecht")
    page = page_from_bytes(_search(b"Utrecht", b"Subsidieregeling cultuur Utrecht"), SRU)
    assert [r.regions for r in scraper.parse(page)] == [["NL-UT"]]
    town = page_from_bytes(
        _search(b"Utrecht", b"Subsidieregeling cultuur", b"overheid:Gemeente"), SRU
    )
    assert list(scraper.parse(town)) == []
    other = page_from_bytes(_search(b"Gelderland", b"Subsidieregeling cultuur"), SRU)
    assert list(scraper.parse(other)) == []


def test_title_without_subsidy_is_skipped() -> None:
    page = page_from_bytes(_search(b"Gelderland", b"Omgevingsverordening Gelderland"), SRU)
    assert list(make(creator="Gelderland").parse(page)) == []
