"""Dutch wording of windows, amounts and changed states."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

from tracker.models import Window
from tracker.read.describe import format_money, state_phrase, window_phrase


def test_window_phrase_in_local_time() -> None:
    window = Window(
        scheme_id=1,
        opens_at=datetime(2027, 3, 1, 8, 0, tzinfo=UTC),
        closes_at=datetime(2027, 3, 31, 15, 0, tzinfo=UTC),
        opens_has_time=True,
        closes_has_time=True,
        budget_eur=Decimal("17000000"),
    )
    assert window_phrase(window) == (
        "van 1 maart 2027 09:00 tot en met 31 maart 2027 17:00, budget € 17.000.000"
    )


def test_a_deadline_at_24_uur_reads_24_00_not_23_59() -> None:
    from datetime import date

    from tracker.read.timefmt import local_moment
    from tracker.windows import extract_windows

    got = extract_windows(
        "Aanvragen kan van 1 maart 2027 tot en met 31 maart 2027 24.00 uur.", date(2027, 2, 1)
    )
    assert got.closes == date(2027, 3, 31) and got.closes_time is not None
    window = Window(
        scheme_id=1,
        opens_at=local_moment(date(2027, 3, 1), None),
        closes_at=local_moment(date(2027, 3, 31), got.closes_time, end_of_day=True),
        closes_has_time=True,
    )
    assert window_phrase(window) == "van 1 maart 2027 tot en met 31 maart 2027 24:00"
    # a time the source wrote as 23:59 stays 23:59
    window.closes_at = local_moment(date(2027, 3, 31), time(23, 59))
    assert window_phrase(window).endswith("31 maart 2027 23:59")


def test_money() -> None:
    assert format_money(Decimal("8000000000")) == "€ 8.000.000.000"
    assert format_money(Decimal("2800.50")) == "€ 2.800,50"
    assert format_money(None) == ""


def test_state_phrase_reads_like_dutch() -> None:
    state = {
        "opens_at": "2026-09-30T22:00:00+00:00",  # 1 oktober 2026, no time given
        "closes_at": "2027-01-31T16:00:00+00:00",  # 31 januari 2027 17:00
        "budget_eur": "2500000.00",
    }
    assert state_phrase(state) == (
        "opent 1 oktober 2026, sluit 31 januari 2027 17:00, budget € 2.500.000"
    )
    assert state_phrase({"opens_at": None, "closes_at": None, "budget_eur": None}) == (
        "opent onbekend, sluit onbekend"
    )


def test_vague_window_names_its_period_not_the_surrounding_text() -> None:
    from tracker.read.describe import vague_period

    heading = "Wijzigingen Uitvoeringsbesluit subsidies Overijssel 2017, oktober 2026"
    month = Window(scheme_id=1, precision="month", snippet=heading)
    assert vague_period(month) == "oktober 2026"
    assert window_phrase(month) == "datum nog niet bekend (verwacht: oktober 2026)"
    quarter = Window(
        scheme_id=1, precision="quarter", snippet="open in het tweede kwartaal van 2027"
    )
    assert window_phrase(quarter) == "datum nog niet bekend (verwacht: tweede kwartaal van 2027)"
    season = Window(scheme_id=1, precision="season", snippet="Verwacht: najaar 2026.")
    assert vague_period(season) == "najaar 2026"
    unknown = Window(scheme_id=1, precision="year", snippet="Regeling 2017, wordt herzien")
    assert window_phrase(unknown) == "datum nog niet bekend"


def test_publisher_and_regions_are_names() -> None:
    from tracker.models import Scheme
    from tracker.read.describe import publisher_label, region_names, scheme_header_lines

    def scheme(**kw: object) -> Scheme:
        return Scheme.model_validate({"slug": "s", "title": "T", **kw})

    assert publisher_label(scheme(publisher="Gelderland")) == "provincie Gelderland"
    assert publisher_label(scheme(publisher="Gedeputeerde Staten van Fryslân")) == (
        "provincie Fryslân"
    )
    assert publisher_label(scheme(level="provincie", regions=["NL-LI"])) == "provincie Limburg"
    rvo = scheme(url="https://www.rvo.nl/subsidies-financiering/sde")
    assert publisher_label(rvo) == "Rijksdienst voor Ondernemend Nederland"
    assert publisher_label(scheme(publisher="Minister van OCW")) == "Minister van OCW"
    assert publisher_label(scheme(url="https://example.org/x")) == ""
    assert region_names(["NL-GE", "NL-OV"]) == "Gelderland, Overijssel"
    lines = scheme_header_lines(scheme(publisher="Gelderland", level="provincie",
                                       regions=["NL-GE"]))  # fmt: skip
    assert "Uitgever: provincie Gelderland" in lines and "Niveau: Provincie (Gelderland)" in lines
    # the EU's sources name the Commission in English; it is stored so, shown in Dutch
    eu = scheme(publisher="European Commission", level="eu")
    assert publisher_label(eu) == "Europese Commissie" and eu.publisher == "European Commission"
    assert "Uitgever: Europese Commissie" in scheme_header_lines(eu)


def test_counts_take_the_singular_for_one() -> None:
    from tracker.read.describe import count_nl

    assert count_nl(1, "abonnement", "abonnementen") == "1 abonnement"
    assert count_nl(2, "abonnement", "abonnementen") == "2 abonnementen"
    assert count_nl(0, "verzoek", "verzoeken") == "0 verzoeken"


def test_feed_html_escapes_every_line_and_links_urls() -> None:
    from feeds.build import lines_html

    body = lines_html(["Regeling: <b>x</b> & y", 'Officiële bron: https://e.org/?a=1&b="2"'])
    assert body.startswith("<p>Regeling: &lt;b&gt;x&lt;/b&gt; &amp; y</p>")
    assert '<a href="https://e.org/?a=1&amp;b=&quot;2&quot;">' in body


def test_an_old_change_alert_tells_what_it_told_then() -> None:
    """A→B, then B→C: the first alert still says B, was A, and that it is C now."""
    from tracker.detect.change import WindowState
    from tracker.models import Event, EventKind, Scheme
    from tracker.read.describe import event_lines, event_title

    def moment(day: int) -> datetime:
        return datetime(2027, 3, day, 16, tzinfo=UTC)

    def state(day: int) -> dict[str, str | None]:
        return WindowState(moment(1), moment(day), None).as_json()

    now_window = Window(id=3, scheme_id=7, opens_at=moment(1), closes_at=moment(25),
                        opens_has_time=True, closes_has_time=True)  # fmt: skip
    first = Event(kind=EventKind.WINDOW_CHANGED, scheme_id=7, window_id=3, before=state(10),
                  after=state(20), dedupe_key="a")  # fmt: skip
    scheme = Scheme(id=7, slug="vakkracht", title="Regeling Vakkracht", level="rijk")
    title = event_title(first, scheme, now_window)
    assert title.endswith("tot en met 20 maart 2027 17:00")
    lines = event_lines(first, scheme, now_window, moment(2))
    assert "Aanvraagperiode: van 1 maart 2027 17:00 tot en met 20 maart 2027 17:00" in lines
    assert "Inmiddels gewijzigd in: van 1 maart 2027 17:00 tot en met 25 maart 2027 17:00" in lines
    assert "Was: opent 1 maart 2027 17:00, sluit 10 maart 2027 17:00" in lines
    latest = Event(kind=EventKind.WINDOW_CHANGED, scheme_id=7, window_id=3, before=state(20),
                   after=state(25), dedupe_key="b")  # fmt: skip
    assert not any(line.startswith("Inmiddels") for line in event_lines(
        latest, scheme, now_window, moment(2)))  # fmt: skip
