from __future__ import annotations

import pytest

from scrapers.base import ParseError, SourceContext
from scrapers.html_page import HtmlPageScraper
from tests.scrapers.conftest import page_from_bytes, page_from_fixture, page_from_sample

RVO = "https://www.rvo.nl/subsidies-financiering/sde/aanvragen"


def make(**options: object) -> HtmlPageScraper:
    opts = HtmlPageScraper.Options(**options)  # type: ignore[arg-type]
    return HtmlPageScraper(opts, SourceContext(level="rijk", publisher="RVO"))


def test_rvo_labelled_fields_and_badge() -> None:
    (raw,) = make().parse(page_from_fixture("html_page/constructed_rvo_sde.html", RVO))
    assert raw.key == RVO and raw.url == RVO
    assert raw.title == "SDE++ aanvragen"
    assert raw.text.startswith(
        "Startdatum: dinsdag 27 oktober 2026\nEinddatum: donderdag 26 november 2026\n"
        "Totaal budget: € 8.000.000.000\n"
    )
    assert raw.amount_text == "€ 8.000.000.000"
    assert raw.status_text == "Deze regeling is gesloten"
    assert raw.summary == "Hoe vraagt u SDE++ aan in de openstellingsronde 2026?"
    assert "Gepubliceerd op: 17 september 2026" in raw.text
    assert "dataLayer" not in raw.text and "Home" not in raw.text
    assert "Rijksdienst voor Ondernemend Nederland" not in raw.text  # footer dropped
    assert raw.level == "rijk" and raw.publisher == "RVO"
    assert "<" not in raw.text


def test_uvb_window_sentence_and_status() -> None:
    url = "https://www.uitvoeringvanbeleidszw.nl/subsidies-en-regelingen/slim/aanvragen"
    (raw,) = make(scheme_title="SLIM-regeling", identifiers=["BWBR0043015"]).parse(
        page_from_fixture("html_page/constructed_uvb_slim.html", url)
    )
    assert raw.title == "SLIM-regeling: aanvragen voor mkb-ondernemingen"
    assert (
        "kunnen worden ingediend van 1 maart 2027, 9.00 uur tot 31 maart 2027, 17.00 uur, "
        "Nederlandse tijd." in raw.text
    )
    assert "Tijdvak 2 2026: opent op 10 augustus en sluit op 7 september 2026" in raw.text
    assert raw.status_text == "Bijna open"
    assert raw.cited_titles == ["SLIM-regeling"] and raw.identifiers == ["BWBR0043015"]
    assert "Naar de inhoud" not in raw.text


def test_nl_leert_door_real_sentence() -> None:
    (raw,) = make().parse(page_from_fixture("html_page/constructed_uvb_nl_leert_door.html"))
    assert "van 15 maart 2021, 9.00 uur tot 26 april 2021, 17.00 uur, Nederlandse tijd" in raw.text
    assert raw.status_text == "Deze regeling is gesloten"


def test_limburg_question_headings() -> None:
    url = "https://www.limburg.nl/onderwerpen/economie/@10534/vragen-antwoorden/"
    (raw,) = make(key="limburg-verduurzamingsadvies").parse(
        page_from_fixture("html_page/constructed_limburg_qa.html", url)
    )
    assert raw.key == "limburg-verduurzamingsadvies"
    fields = raw.extra["fields"]
    assert fields["Wat is de indieningstermijn?"] == (
        "Uiterlijk 5 februari 2027 moet de subsidieaanvraag door de Provincie Limburg "
        "zijn ontvangen."
    )
    assert fields["Wat is de looptijd van de subsidieregeling?"] == "Van 1 mei 2025 tot 1 mei 2027."
    assert fields["Wat is het subsidieplafond?"] == "Het subsidieplafond bedraagt € 250.000."
    assert "Subsidiebedrag?: De subsidie bedraagt maximaal 90%" in raw.text
    assert raw.amount_text.startswith("De subsidie bedraagt maximaal 90%")


def test_selector_overrides() -> None:
    page = page_from_fixture("html_page/constructed_limburg_qa.html")
    (raw,) = make(content="div[role=main]", title="h2").parse(page)
    assert raw.title == "Wat is de indieningstermijn?"
    with pytest.raises(ParseError, match="matched nothing"):
        list(make(content="#missing").parse(page))


def test_text_is_capped() -> None:
    paragraphs = "".join(f"<p>alinea {i} met tekst</p>" for i in range(5000)).encode()
    body = b"<html><body><main><h1>T</h1>" + paragraphs + b"</main></body></html>"
    (raw,) = make(max_chars=1000).parse(page_from_bytes(body, "https://example.test/"))
    assert len(raw.text) == 1000


def test_title_falls_back_to_head_title() -> None:
    body = b"<html><head><title>Alleen titel</title></head><body><p>Tekst</p></body></html>"
    (raw,) = make().parse(page_from_bytes(body, "https://example.test/"))
    assert raw.title == "Alleen titel" and raw.text == "Tekst"


def test_empty_body_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        list(make().parse(page_from_bytes(b"  ", "https://example.test/")))


@pytest.mark.parametrize(
    ("sample", "phrase"),
    [
        # real officielebekendmakingen HTML: everything sits inside <form id="mainForm">
        ("koop/doc_gmb-2017-100007.html", "Rheden"),
        ("koop/doc_stcrt-2013-10981.html", "Staphorst"),
    ],
)
def test_real_officielebekendmakingen_html_has_text(sample: str, phrase: str) -> None:
    page = page_from_sample(sample, "https://zoek.officielebekendmakingen.nl/x.html")
    (raw,) = make().parse(page)
    assert raw.title and len(raw.text) > 200
    assert phrase in raw.text
    assert not raw.suspect


def test_title_without_text_is_a_parse_error() -> None:
    body = b"<html><head><title>Subsidie</title></head><body><h1>Subsidie X</h1></body></html>"
    with pytest.raises(ParseError, match="title .* but no text"):
        list(make().parse(page_from_bytes(body, RVO)))


PARKED = (
    b"<html><head><title>sportaccommodaties.nl</title></head><body><main>"
    b"<h1>sportaccommodaties.nl</h1><p>Dit domein is te koop. Neem contact op met de eigenaar."
    b"</p></main></body></html>"
)
RELAUNCH = (
    b"<html><head><title>Welkom</title></head><body><main><h1>Welkom op onze nieuwe website</h1>"
    b"<p>Alles is vernieuwd. Kijk rond in het menu.</p></main></body></html>"
)
UNRELATED = (
    b"<html><head><title>Nieuws</title></head><body><main><h1>Nieuws</h1>"
    b"<p>Lees hier het laatste nieuws over onze organisatie en onze mensen.</p>"
    b"</main></body></html>"
)


@pytest.mark.parametrize(
    ("body", "reason"),
    [(PARKED, "geparkeerd"), (RELAUNCH, "vernieuwd"), (UNRELATED, "geen aanvraagperiode")],
)
def test_parking_or_redesign_page_is_suspect(body: bytes, reason: str) -> None:
    scraper = make(scheme_title="SDE++")
    (raw,) = scraper.parse(page_from_bytes(body, RVO))
    assert reason in raw.suspect
    assert scraper.warnings and reason in scraper.warnings[0]


def test_redirect_to_another_host_is_suspect() -> None:
    scraper = HtmlPageScraper(HtmlPageScraper.Options(), SourceContext(url=RVO))
    page = page_from_fixture("html_page/constructed_rvo_sde.html", "https://parking.example/")
    (raw,) = scraper.parse(page)
    assert "andere host" in raw.suspect
    assert raw.key == RVO  # the configured page, not where it redirected to
    (ok,) = scraper.parse(page_from_fixture("html_page/constructed_rvo_sde.html", RVO))
    assert ok.suspect == ""


def test_redirect_to_a_section_above_the_page_is_suspect() -> None:
    """A removed scheme page sent to the subsidy overview: its dates are other schemes'."""
    scraper = HtmlPageScraper(HtmlPageScraper.Options(), SourceContext(url=RVO))
    overview = "https://www.rvo.nl/subsidies-financiering"
    (raw,) = scraper.parse(page_from_fixture("html_page/constructed_rvo_sde.html", overview))
    assert "overzichtspagina (/subsidies-financiering)" in raw.suspect
    home = page_from_fixture("html_page/constructed_rvo_sde.html", "https://www.rvo.nl/")
    assert "overzichtspagina" in next(iter(scraper.parse(home))).suspect
    # a trailing slash, or a page moved sideways (a new slug), is no overview
    for same in (RVO + "/", "https://www.rvo.nl/subsidies-financiering/sde-plus-plus"):
        (ok,) = scraper.parse(page_from_fixture("html_page/constructed_rvo_sde.html", same))
        assert ok.suspect == "", same


def test_a_maintenance_page_is_suspect_by_its_title() -> None:
    body = (
        b"<html><head><title>Tijdelijk niet beschikbaar</title></head><body><main>"
        b"<h1>Tijdelijk niet beschikbaar</h1><p>De pagina's over subsidies zijn even niet "
        b"bereikbaar. Probeer het later opnieuw.</p></main></body></html>"
    )
    (raw,) = make(scheme_title="SDE++").parse(page_from_bytes(body, RVO))
    assert "tijdelijk niet beschikbaar" in raw.suspect


OBK = "https://zoek.officielebekendmakingen.nl/"


def test_real_publication_title_and_date_come_from_dublin_core() -> None:
    # the first h1 with text is the table of contents ("Inhoudsopgave"); DC.title is the title
    page = page_from_sample("koop/doc_gmb-2017-100007.html", OBK + "gmb-2017-100007.html")
    (raw,) = make().parse(page)
    assert raw.title == "Bekendmaking Wet op de kansspelen St. Inloophuis Velp Zuid"
    assert raw.published_text == "2017-06-14"
    page = page_from_sample("koop/doc_stcrt-2013-10981.html", OBK + "stcrt-2013-10981.html")
    (raw,) = make().parse(page)
    assert (
        raw.title == "Omgevingsvergunning ‘uitbreiden van een woning, Jan Arendsland 13’, Staphorst"
    )
    assert raw.published_text == "2013-04-23"


def test_table_of_contents_heading_is_no_title() -> None:
    # the same real page without its DC.title: the TOC heading is passed over for <title>
    page = page_from_sample("koop/doc_gmb-2017-100007.html")
    body = page.content.replace(b'<meta name="DC.title"', b'<meta name="x-removed"')
    (raw,) = make().parse(page_from_bytes(body, OBK + "gmb-2017-100007.html"))
    assert raw.title == "Bekendmaking Wet op de kansspelen St. Inloophuis Velp Zuid"
