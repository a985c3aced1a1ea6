from __future__ import annotations

import pytest

from scrapers.base import ParseError
from scrapers.feed import FeedScraper, published_date
from tests.scrapers.conftest import page_from_bytes, page_from_fixture, page_from_sample

RSS = "http://127.0.0.1:8765/rss?q=x"


def make(**options: object) -> FeedScraper:
    return FeedScraper(FeedScraper.Options(**options))  # type: ignore[arg-type]


def test_real_kamerstukken_feed() -> None:
    page = page_from_sample("koop/rss_obk_kamerstukken_2022-04-25_to_05-02.xml", RSS)
    items = list(make().parse(page))
    assert len(items) == 150
    first = items[0]
    assert first.key == "kst-1027687"
    assert first.publisher == "Tweede Kamer der Staten-Generaal"
    assert first.title == (
        "Maatregelen verkeersveiligheid; Brief regering; Stand van zaken verkeersveiligheid"
    )
    assert first.url == "https://zoek.officielebekendmakingen.nl/kst-1027687.html"
    # "Mon, 02 May 2022 00:00:00 +0200": the date in its own offset, not the UTC day before
    assert first.published_text == "2022-05-02"
    assert first.extra["category"] == "Kamerstuk"
    assert first.identifiers == ["kst-1027687"]
    assert items[2].key == "blg-1027694"
    assert len({i.key for i in items}) == 150


def test_subsidy_feed_levels_regions_and_citations() -> None:
    items = list(make().parse(page_from_fixture("feed/obk_subsidies.xml", RSS)))
    assert len(items) == 6
    by_key = {i.key: i for i in items}
    gelderland = by_key["prb-2026-18840"]
    assert gelderland.publisher == "Gelderland"
    assert gelderland.level == "provincie" and gelderland.regions == ["NL-GE"]
    slim = by_key["stcrt-2026-41208"]
    assert slim.level == "rijk" and slim.regions == []
    assert slim.cited_titles == ["SLIM-regeling"]
    assert by_key["prb-2026-6286"].regions == ["NL-LI"]
    assert all(i.detail_url == "" for i in items)


def test_keyword_filter_is_case_insensitive() -> None:
    page = page_from_fixture("feed/obk_subsidies.xml", RSS)
    keys = [i.key for i in make(keywords=["SUBSIDIE", "plafondbesluit"]).parse(page)]
    assert "prb-2026-16544" not in keys
    assert "prb-2026-18840" in keys and len(keys) == 5
    assert list(make(keywords=["nothing-matches"]).parse(page)) == []


def test_detail_option_follows_links() -> None:
    page = page_from_fixture("feed/obk_subsidies.xml", RSS)
    first = next(iter(make(detail=True).parse(page)))
    assert first.detail_url == "https://zoek.officielebekendmakingen.nl/prb-2026-18840.html"
    html = page_from_fixture("html_page/constructed_uvb_slim.html", first.detail_url)
    done = make(detail=True).parse_detail(html, first)
    assert "1 maart 2027, 9.00 uur tot 31 maart 2027" in done.text


def test_plain_atom_feed() -> None:
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>Nieuws</title><id>urn:x</id><updated>2026-11-20T10:00:00Z</updated>"
        b"<entry><id>urn:nieuws:1</id><title>Nieuwe ronde <b>SLIM</b></title>"
        b'<link href="https://example.test/slim"/><updated>2026-11-20T10:00:00Z</updated>'
        b"<summary>Het aanvraagtijdvak opent op 1 maart 2027.</summary></entry></feed>"
    )
    (item,) = make().parse(page_from_bytes(body, RSS))
    assert item.key == "urn:nieuws:1"
    assert item.title == "Nieuwe ronde SLIM"
    assert item.summary == "Het aanvraagtijdvak opent op 1 maart 2027."


@pytest.mark.parametrize("body", [b"", b"<html><body><p>Niet gevonden</p></body></html>"])
def test_not_a_feed_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        list(make().parse(page_from_bytes(body, RSS)))


def test_publication_filter_drops_other_journals() -> None:
    page = page_from_fixture(
        "feed/obk_subsidies.xml", "https://zoek.officielebekendmakingen.nl/rss"
    )
    every = list(make().parse(page))
    national = list(make(publications=["stcrt"]).parse(page))
    assert national and all(s.key.startswith("stcrt-") for s in national)
    assert len(national) < len(every)
    assert all(s.level == "rijk" for s in national)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("Mon, 02 May 2022 00:00:00 +0200", "2022-05-02"),
        ("Sun, 01 May 2022 23:30:00 GMT", "2022-05-01"),
        ("2026-11-27T00:30:00+01:00", "2026-11-27"),
        ("gisteren", ""),
        ("", ""),
    ],
)
def test_published_date_keeps_the_local_day(value: str, day: str) -> None:
    assert published_date(value) == day
