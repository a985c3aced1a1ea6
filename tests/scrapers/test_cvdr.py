from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pydantic
import pytest

from scrapers.base import ParseError, RawScheme, SourceContext
from scrapers.cvdr import SUBSIDY_WORDS, CvdrScraper
from tests.scrapers.conftest import TODAY, page_from_bytes, page_from_fixture, page_from_sample
from tracker.config import SourceConfig
from tracker.ingest.normalise import normalise_scheme
from tracker.read.timefmt import AMSTERDAM

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


def _ending(version: bytes, until: bytes) -> tuple[bytes, bytes]:
    start = b"<overheidrg:inwerkingtredingDatum>" + version + b"</overheidrg:inwerkingtredingDatum>"
    end = b"<overheidrg:uitwerkingtredingDatum>" + until + b"</overheidrg:uitwerkingtredingDatum>"
    return start, start + end


def test_search_skips_versions_no_longer_in_force() -> None:
    body = page_from_fixture("cvdr/search_gelderland.xml").content
    # version 14 ended when 15 began: 15 is kept
    ended_14 = body.replace(*_ending(b"2025-12-19", b"2026-11-17"))
    (raw,) = make(creator="Gelderland").parse(page_from_bytes(ended_14, SRU + "?startRecord=1"))
    assert raw.extra["version"] == "CVDR694120_15" and raw.in_force_until == ""
    # the regulation was withdrawn yesterday (2026-11-26): no version is a live scheme
    withdrawn = ended_14.replace(*_ending(b"2026-11-18", b"2026-11-26"))
    page = page_from_bytes(withdrawn, SRU + "?startRecord=1")
    assert list(make(creator="Gelderland").parse(page)) == []


def test_regulation_no_longer_in_force_is_closed() -> None:
    # the real LEADER openstelling of Drenthe, in force 8 mei - 31 december 2024: its window
    # (8 mei - 1 november 2024) stays, and the scheme is closed
    scraper = make(creator="Drenthe")
    raw = RawScheme(key="CVDR717701", title="x", level="provincie", regions=["NL-DR"])
    done = scraper.parse_detail(page_from_fixture("cvdr/CVDR717701_1.xml"), raw)
    assert done.in_force_until == "2024-12-31"
    data = normalise_scheme(done, SourceConfig(level="provincie", url=SRU), SRU, TODAY)
    assert data.status == "closed"
    opens = [w.opens_at.astimezone(AMSTERDAM).date() for w in data.windows if w.opens_at]
    assert opens == [date(2024, 5, 8)]
    # Gelderland's rule with its end moved before today (2026-06-30): its deadline of
    # 15 februari 2027 cannot be, so no window is left and nothing is open or upcoming
    body = page_from_fixture("cvdr/CVDR694120_15.xml").content.replace(
        b"<overheidrg:uitwerkingtredingDatum>2027-12-31<",
        b"<overheidrg:uitwerkingtredingDatum>2026-06-30<",
    )
    raw = RawScheme(key="CVDR694120", title="x", level="provincie", regions=["NL-GE"])
    done = make(creator="Gelderland").parse_detail(page_from_bytes(body, SRU), raw)
    data = normalise_scheme(done, SourceConfig(level="provincie", url=SRU), SRU, TODAY)
    assert (data.status, data.windows) == ("closed", ())
    # still in force (until 2027-12-31): the deadline stands
    raw = RawScheme(key="CVDR694120", title="x", level="provincie", regions=["NL-GE"])
    done = make(creator="Gelderland").parse_detail(page_from_fixture("cvdr/CVDR694120_15.xml"), raw)
    data = normalise_scheme(done, SourceConfig(level="provincie", url=SRU), SRU, TODAY)
    assert data.status != "closed" and data.windows


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
