"""scrapers._html.read_scheme_page on lxml: the text BeautifulSoup's get_text gave, cheaply."""

from __future__ import annotations

import pytest

from scrapers import _html
from scrapers.base import ParseError
from tests.scrapers.conftest import page_from_bytes, page_from_fixture

URL = "https://example.test/regeling"


def read(
    body: bytes, content_selector: str | None = None, title_selector: str | None = None
) -> _html.SchemePage:
    return _html.read_scheme_page(
        page_from_bytes(body, URL), content_selector=content_selector, title_selector=title_selector
    )


def test_noise_is_removed_without_gluing_the_text_around_it() -> None:
    body = (
        b"<html><body><main><h1>Regeling</h1>"
        b"<p>Sub<script>var x = 1;</script>sidie<!-- c -->aanvragen<nav>Home</nav>kan</p>"
        b"<p>Tot <b>1 mei</b> 2027</p></main></body></html>"
    )
    page = read(body)
    # every text node stays a word of its own, as BeautifulSoup's get_text(" ") gave it
    assert page.text == "Regeling\nSub sidie aanvragen kan\nTot 1 mei 2027"
    assert "var x" not in page.text and "Home" not in page.text


def test_a_form_around_the_page_is_unwrapped_a_small_one_dropped() -> None:
    body = (
        b"<html><body><form id='mainForm'><div id='content'><h1>Besluit</h1>"
        b"<p>De subsidie kan worden aangevraagd tot 1 mei 2027.</p>"
        b"<form><label>Zoek</label></form></div></form></body></html>"
    )
    page = read(body)
    assert page.title == "Besluit"
    assert "aangevraagd tot 1 mei 2027" in page.text and "Zoek" not in page.text


def test_landmark_inside_a_template_is_not_the_content() -> None:
    body = (
        b"<html><body><template><main><p>sjabloon</p></main></template>"
        b"<article><h1>Echt</h1><p>Aanvragen kan tot 1 mei.</p></article></body></html>"
    )
    page = read(body)
    assert page.title == "Echt" and "sjabloon" not in page.text


def test_class_content_is_a_whole_class_token() -> None:
    body = (
        b"<html><body><div class='contentblok'><p>niet deze</p></div>"
        b"<div class='kolom content'><p>Wel deze tekst.</p></div></body></html>"
    )
    assert read(body).text == "Wel deze tekst."


def test_labelled_fields_dt_th_and_question_headings() -> None:
    body = (
        "<html><body><main><h1>Regeling</h1>"
        "<dl><dt>Startdatum</dt><dd>1 maart 2027</dd></dl>"
        "<table><tr><th>Totaal budget</th><td>€ 5.000.000</td></tr></table>"
        "<h2>Wat is de indieningstermijn?</h2><p>Tot 1 mei 2027.</p><!-- x --><p>Daarna niet.</p>"
        "<h2>Over</h2><p>Status: open</p></main></body></html>"
    ).encode()
    page = read(body)
    assert page.fields == [
        ("Startdatum", "1 maart 2027"),
        ("Totaal budget", "€ 5.000.000"),
        ("Wat is de indieningstermijn?", "Tot 1 mei 2027. Daarna niet."),
        ("Status", "open"),
    ]
    assert page.amount_text == "€ 5.000.000"
    assert "Totaal budget | € 5.000.000" in page.text


def test_utf8_without_declaration_is_read_as_utf8() -> None:
    # a short UTF-8 body the encoding guesser (charset_normalizer) calls CP932: "竄ｬ 250.000"
    assert read("€ 250.000".encode()).text == "€ 250.000"


def test_declared_encoding_is_used() -> None:
    body = "<html><head><meta charset='windows-1252'></head><body><p>café €</p></body></html>"
    assert read(body.encode("cp1252")).text == "café €"


def test_unusable_declared_encoding_falls_back() -> None:
    body = b"<html><head><meta charset='\x01x'></head><body><p>tekst</p></body></html>"
    assert read(body).text == "tekst"


def test_description_inside_removed_noise_still_gives_the_summary() -> None:
    body = (
        b"<html><body><main><h1>T</h1><nav><meta name='description' content='Kort.'></nav>"
        b"<p>Langere tekst.</p></main></body></html>"
    )
    assert read(body).summary == "Kort."


def test_text_after_closing_html_does_not_enter_the_content() -> None:
    body = b"<html><body><main><p>Binnen.</p></main></body></html><p>Na afloop.</p>"
    assert read(body).text == "Binnen."


def test_entities_are_never_loaded() -> None:
    body = (
        b'<!DOCTYPE html [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<html><body><p>a &e; b &amp; c</p></body></html>"
    )
    text = read(body).text
    assert "root:" not in text and "a" in text and "& c" in text


def test_selectors_read_the_element_they_select() -> None:
    page = page_from_fixture("html_page/constructed_limburg_qa.html")
    read_page = _html.read_scheme_page(page, content_selector="div[role=main]", title_selector="h2")
    assert read_page.title == "Wat is de indieningstermijn?"
    assert read_page.fields[0][0] == "Wat is de indieningstermijn?"


def test_title_selector_sees_the_page_without_noise() -> None:
    body = (
        b"<html><body><main><nav><h2>Menu</h2></nav><h2>Subsidie X</h2>"
        b"<p>Aanvragen tot 1 mei 2027.</p></main></body></html>"
    )
    assert read(body, title_selector="h2").title == "Subsidie X"
    assert read(body, content_selector="main p", title_selector="h2").text == (
        "Aanvragen tot 1 mei 2027."
    )


def test_only_comments_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no text"):
        read(b"<!-- niets -->")


def test_a_deeply_nested_page_is_read_to_the_end() -> None:
    # 300 unclosed <div>s: libxml2's own tree stops at 256 open elements and drops the rest
    items = b"".join(b"<div class='item'><p>Regel %d</p>" % i for i in range(300))
    body = b"<html><body><main><h1>Lijst</h1>" + items + b"<p>Deadline: 1 mei 2027</p></main>"
    page = read(body + b"</body></html>")
    assert page.fields == [("Deadline", "1 mei 2027")]
    assert page.text.endswith("Regel 299\nDeadline: 1 mei 2027")


def test_ruby_annotations_and_template_text_are_left_out() -> None:
    body = (
        "<html><body><main><h1>Kop</h1><p>Kanji <ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>"
        " klaar</p><template><p>sjabloon</p></template></main></body></html>"
    ).encode()
    assert read(body).text == "Kop\nKanji 漢 klaar"


BODIES = [
    b"<html><body><p>caf\xc3\xa9</p></body></html>",
    b"\xef\xbb\xbf<html><body><p>caf\xc3\xa9</p></body></html>",
    b"\xff\xfe<\x00p\x00>\x00",  # a UTF-16 mark on UTF-8-decodable bytes
    b"\xfe\xff\x00\x00rest",
    b"\xff\xfe\x00\x00<p>",
    b"\x00\x00\xfe\xff<p>",
    b"\xfe\xff",
    b'<?xml version="1.0" encoding="ISO-8859-1"?><html><p>x</p></html>',
    b'  <?xml encoding="UTF-8" ?><html></html>',
    b'<html><head><meta charset="Windows-1252"></head><body>caf\xc3\xa9</body></html>',
    b"<html><head><meta http-equiv='Content-Type' content='text/html; charset=utf-8'></head>",
    b"<html><head><meta charset=></head></html>",
    b"<html><head><meta charset='koi8-r'/></head></html>",
    b"<html>" + b"x" * 3000 + b"<meta charset=latin-1></html>",  # past where bs4 looks
    b"<html>" + b"x" * 60000 + b"<meta charset=latin-1>" + b"y" * 10000 + b"</html>",
    b"<html><body><p>caf\xe9 cr\xe8me br\xfbl\xe9e, d\xe9j\xe0 vu</p></body></html>",  # Latin-1
    b"<html><head><meta charset=utf-8></head><body>\xe9</body></html>",
]


@pytest.mark.parametrize("body", BODIES)
def test_encodings_are_beautifulsoups_without_loading_it_for_utf8(body: bytes) -> None:
    from bs4.dammit import EncodingDetector

    detector = EncodingDetector(body, is_html=True)
    expected = list(detector.encodings)
    if _html._is_utf8(detector.markup):
        detector.chardet_encoding = "utf-8"  # what the reader always did for UTF-8
        expected = list(detector.encodings)
        if not detector.markup.isascii():
            # one deliberate difference: non-ASCII that decodes as UTF-8 is UTF-8, before a
            # declaration that says otherwise (after a byte-order mark)
            mark = [detector.sniffed_encoding] if detector.sniffed_encoding else []
            expected = list(dict.fromkeys([*mark, "utf-8", *expected]))
    assert _html._encodings(body) == (detector.markup, expected)


@pytest.mark.parametrize(
    ("body", "content_type", "word"),
    [
        # a short Windows-1252 page without a meta tag: the header says what it is
        (b"<html><body><h1>Regeling Zee\xebn</h1></body></html>",
         "text/html; charset=windows-1252", "Zeeën"),
        # ISO-8859-15 puts the euro sign at 0xA4 (Windows-1252 reads it as the currency sign)
        (b"<html><body><p>Budget \xa4 2.000.000</p></body></html>",
         "text/html; charset=ISO-8859-15", "€ 2.000.000"),
        # a server saying latin-1 means Windows-1252, as browsers read it (0x80 is the euro)
        (b"<html><body><p>Budget \x80 500</p></body></html>",
         'text/html; charset="iso-8859-1"', "€ 500"),
        # UTF-8 behind a stale latin-1 meta tag and header
        (b'<html><head><meta charset="iso-8859-1"></head><body>Co\xc3\xb6rdinatie</body></html>',
         "text/html; charset=iso-8859-1", "Coördinatie"),
    ],
)  # fmt: skip
def test_the_http_charset_is_read_before_guessing(
    body: bytes, content_type: str, word: str
) -> None:
    from tests.scrapers.conftest import page_from_bytes

    page = page_from_bytes(body, "https://www.zeeland.nl/x", content_type=content_type)
    tree, _encoding = _html.tree_of(page)
    assert word in "".join(tree.itertext())
