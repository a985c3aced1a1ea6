from __future__ import annotations

import pydantic
import pytest

from scrapers.base import ParseError, SourceContext
from scrapers.html_list import HtmlListScraper
from tests.scrapers.conftest import page_from_bytes, page_from_fixture

LIST = "https://www.rvo.nl/subsidies-financiering"
OPTIONS = {
    "item": "li.teaser",
    "title": "h3",
    "link": "h3 a",
    "opens": ".opens",
    "closes": ".closes",
    "status": ".badge",
    "summary": ".intro",
    "next": "a[rel=next]",
}


def make(max_pages: int = 10, **overrides: object) -> HtmlListScraper:
    opts = HtmlListScraper.Options(**(OPTIONS | overrides))  # type: ignore[arg-type]
    return HtmlListScraper(opts, SourceContext(level="rijk", max_pages=max_pages))


def test_items_with_absolute_links_and_windows() -> None:
    schemes = list(make().parse(page_from_fixture("html_list/constructed_rvo_list.html", LIST)))
    assert [s.key for s in schemes] == [
        "https://www.rvo.nl/subsidies-financiering/sde",
        "https://www.rvo.nl/subsidies-financiering/isde/woningeigenaren",
        "https://www.rvo.nl/subsidies-financiering/mit",
    ]
    sde, isde, mit = schemes
    assert sde.title == "Stimulering Duurzame Energieproductie en Klimaattransitie (SDE++)"
    assert sde.status_text == "Deze regeling is gesloten"
    assert (sde.windows[0].opens_text, sde.windows[0].closes_text) == (
        "27 oktober 2026",
        "26 november 2026",
    )
    assert isde.windows[0].opens_text == "" and isde.windows[0].closes_text == "31 december 2026"
    assert mit.status_text == "Bijna open"
    assert sde.summary.startswith("Subsidie voor de productie")
    assert all(s.detail_url == "" and s.level == "rijk" for s in schemes)


def test_paging_follows_next_link_and_stops() -> None:
    scraper = make()
    first = page_from_fixture("html_list/constructed_rvo_list.html", LIST)
    (nxt,) = scraper.next_requests(first)
    assert nxt.url == LIST + "?page=2"
    second = page_from_fixture("html_list/constructed_rvo_list_page2.html", nxt.url)
    assert [s.title for s in scraper.parse(second)] == ["WBSO"]
    assert scraper.next_requests(second) == []


def test_max_pages_caps_paging() -> None:
    scraper = make(max_pages=1)
    assert (
        scraper.next_requests(page_from_fixture("html_list/constructed_rvo_list.html", LIST)) == []
    )


def test_zero_matches_is_a_parse_error() -> None:
    page = page_from_fixture("html_list/empty_redesign.html", LIST)
    with pytest.raises(ParseError, match=r"selector 'li.teaser' matched 0 items"):
        list(make().parse(page))
    assert list(make(expect_min=0).parse(page)) == []


def test_follow_details_reads_the_scheme_page() -> None:
    scraper = make(follow_details=True)
    sde = next(iter(scraper.parse(page_from_fixture("html_list/constructed_rvo_list.html", LIST))))
    assert sde.detail_url == "https://www.rvo.nl/subsidies-financiering/sde"
    done = scraper.parse_detail(
        page_from_fixture("html_page/constructed_rvo_sde.html", sde.detail_url), sde
    )
    assert "Startdatum: dinsdag 27 oktober 2026" in done.text
    assert done.amount_text == "€ 8.000.000.000"
    assert done.title == sde.title


def test_item_selector_is_required() -> None:
    with pytest.raises(pydantic.ValidationError):
        HtmlListScraper.Options()  # type: ignore[call-arg]


def test_an_item_that_lost_its_title_is_suspect_not_dropped() -> None:
    """Dropped, it was a healthy run without it: counted missing, then 'removed' while listed."""
    from tests.scrapers.conftest import page_from_bytes

    body = (
        b'<ul><li class="teaser"><h3><a href="/subsidies-financiering/mit">MIT</a></h3></li>'
        b'<li class="teaser"><h3><a href="/subsidies-financiering/wbso"><img alt=""></a></h3>'
        b"</li></ul>"
    )
    scraper = make()
    mit, wbso = scraper.parse(page_from_bytes(body, LIST))
    assert mit.title == "MIT" and mit.suspect == ""
    assert wbso.suspect == "lijstitem 2 zonder titel"
    assert wbso.key == "https://www.rvo.nl/subsidies-financiering/wbso"
    assert scraper.warnings == [f"{LIST}: lijstitem 2 zonder titel"]


def test_a_link_with_a_newline_or_another_scheme_is_cleaned_like_a_browser_does() -> None:
    """An href on another scheme than the page's came back from urljoin unchanged, newline and
    all; the stored link then broke the calendar of every subscriber."""
    markup = (
        b'<ul><li class="teaser"><h3><a href="https://evil.test/a&#10;ATTACH:x">Een</a></h3></li>'
        b'<li class="teaser"><h3><a href=" /r/2 x\r\n">Twee</a></h3></li>'
        b'<li class="teaser"><h3><a href="mailto:a@b.test">Drie</a></h3></li></ul>'
        b'<a rel="next" href="http://x.test/p\n2">verder</a>'
    )
    page = page_from_bytes(markup, LIST)
    scraper = make()
    one, two, three = scraper.parse(page)
    assert (one.key, one.url) == ("https://evil.test/aATTACH:x",) * 2
    assert (two.key, two.url) == ("https://www.rvo.nl/r/2%20x",) * 2
    assert three.url == LIST and three.key == "mailto:a@b.test"
    assert [r.url for r in scraper.next_requests(page)] == ["http://x.test/p2"]
