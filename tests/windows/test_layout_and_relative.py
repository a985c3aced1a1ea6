"""Error categories of issue 10 on invented texts: weekdays, tables, schemes, stops, decoys."""

from __future__ import annotations

from datetime import date

from tracker.windows import extract_windows


def _fields(text: str, today: date, published: date | None = None) -> tuple[object, ...]:
    r = extract_windows(text, today, published=published)
    return r.opens, r.opens_time, r.closes, r.closes_time, r.status


def test_weekdays_resolve_against_the_page_date_only() -> None:
    text = (
        "Maandagochtend om 9.00 uur ging het loket van de Regeling Buurtkracht open. "
        "Woensdag rond 15.30 uur was er geen budget meer beschikbaar."
    )
    friday = date(2031, 3, 14)
    opens, opens_time, closes, closes_time, status = _fields(text, friday, friday)
    assert (opens, closes, status) == (date(2031, 3, 10), date(2031, 3, 12), "closed")
    assert (str(opens_time), str(closes_time)) == ("09:00:00", "15:30:00")
    assert _fields(text, friday)[0] is None  # no page date: weekdays stay unresolved


def test_coming_and_past_weekdays() -> None:
    text = "Het loket zou afgelopen dinsdag opengaan. Aanvragen kan nu vanaf aanstaande vrijdag."
    wednesday = date(2031, 3, 12)
    assert _fields(text, wednesday, wednesday)[0] == date(2031, 3, 14)


def test_linearised_table_takes_the_first_row() -> None:
    text = (
        "Opening date\nNext deadline\nDeadline model\nCall for village greens\n"
        "03 February 2031\n17 June 2031\nCall for city parks\n01 March 2031\n02 July 2031"
    )
    got = _fields(text, date(2031, 4, 1))
    assert got == (date(2031, 2, 3), None, date(2031, 6, 17), None, "open")


def test_rows_under_a_deadline_heading_belong_to_the_first_named_scheme() -> None:
    text = (
        "The deadlines for submitting proposals are:\nSmall grants 4 March 2031\n"
        "Large grants 8 April 2031\nSmall grants 9 September 2031"
    )
    got = extract_windows(text, date(2031, 5, 1))
    assert got.closes == date(2031, 9, 9)
    assert "decoy_nearby" in got.reasons  # the large-grants row competes


def test_a_stop_phrase_closes_only_its_own_call() -> None:
    text = (
        "Ronde voor wijkprojecten\nDeadline 9 september 2031.\n"
        "Ronde voor dorpsprojecten\nDeadline 8 mei 2031. Deze oproep is afgesloten."
    )
    assert _fields(text, date(2031, 6, 1))[2:] == (date(2031, 9, 9), None, "open")


def test_decoy_words_govern_their_own_date_only() -> None:
    text = "Op 2 januari 2031 gepubliceerd. De deadline voor aanvragen is 1 maart 2031."
    got = extract_windows(text, date(2031, 2, 1))
    assert got.closes == date(2031, 3, 1)
    assert "decoy_nearby" not in got.reasons
    applies = (
        "De nieuwe regels zijn van toepassing op aanvragen die vanaf 1 april 2031 binnenkomen."
    )
    assert extract_windows(applies, date(2031, 2, 1)).opens is None


def test_day_month_cells_need_a_year_above_and_a_whole_cell() -> None:
    from tracker.windows.dates import find_mentions

    def days(text: str) -> list[tuple[int | None, int | None, int | None]]:
        return [(m.day, m.month, m.year) for m in find_mentions(text)]

    table = "Deadline\n09-01\n27-02"
    assert days("Data 2031\n" + table) == [(9, 1, 2031), (27, 2, 2031)]
    assert days(table) == []  # no year written above: not read
    assert days("Leeftijd 2031\n10-12\n13-15") == []  # age groups: 13-15 is no day-month
    assert days("Versie 2031\nv1.2\n10.30\n3-1\nArt. 4:22") == []
    assert days("Uitslag 2031: de wedstrijd eindigde in 09-01 voor de thuisploeg") == []
    assert days("Data 2031\nDeadline | 09-01 | 27-02") == [(9, 1, 2031), (27, 2, 2031)]


def test_a_dash_under_a_single_deadline_label_goes_to_review() -> None:
    # A range or two deadlines? Read as a range, but never published unseen.
    got = extract_windows("Deadline: 14/01/2031 – 07/10/2031", date(2031, 5, 1))
    assert (got.opens, got.closes) == (date(2031, 1, 14), date(2031, 10, 7))
    assert got.review and "ambiguous_range" in got.reasons
    plain = extract_windows("Aanvragen: 14/01/2031 – 07/10/2031", date(2031, 5, 1))
    assert not plain.review and "ambiguous_range" not in plain.reasons


def test_a_range_written_backwards_goes_to_review() -> None:
    # Reviewer set 21 (a Brabant heritage page listing "indieningstermijn van 4 juni 2019 tot en
    # met 13 december 2018"): a typo in the text, so neither end is published unseen.
    text = (
        "a) Restauratie: indienen van 4 juni 2018 tot en met 31 oktober 2018.\n"
        "b) Onderzoek: indienen van 4 juni 2019 tot en met 13 december 2018."
    )
    got = extract_windows(text, date(2018, 11, 15))
    assert got.review and "backwards_range" in got.reasons
    plain = extract_windows(text.split("\n")[0], date(2018, 11, 15))
    assert not plain.review and "backwards_range" not in plain.reasons
