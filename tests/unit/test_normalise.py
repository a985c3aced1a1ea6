"""RawScheme → SchemeData: structured dates are read as dates, never re-written as a sentence."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from scrapers.base import RawScheme, RawWindow
from tracker.config import SourceConfig
from tracker.ingest.normalise import (
    NormaliseError,
    SchemeData,
    WindowData,
    absolute_url,
    clean_text,
    normalise_scheme,
)
from tracker.read.timefmt import AMSTERDAM

TODAY = date(2026, 11, 27)
SOURCE = SourceConfig.model_validate(
    {"scraper": "html_list", "url": "https://x.nl/lijst", "level": "rijk"}
)


def _windows(*raw: RawWindow) -> list[tuple[datetime | None, datetime | None]]:
    data = normalise_scheme(RawScheme(key="k", title="T", windows=list(raw)), SOURCE,
                            "https://x.nl/lijst", TODAY)  # fmt: skip
    return [(w.opens_at, w.closes_at) for w in data.windows]


@pytest.mark.parametrize(
    ("opens", "closes", "expected"),
    [
        # SEDIA: ISO with an offset; a date-only value serialised as midnight UTC
        ("2027-01-13T00:00:00.000+0000", "2027-04-08T17:00:00.000+0200",
         (datetime(2027, 1, 12, 23, tzinfo=UTC), datetime(2027, 4, 8, 15, tzinfo=UTC))),
        # listing fields as RVO writes them
        ("27 oktober 2026", "26 november 2026 17.00 uur",
         (datetime(2026, 10, 26, 23, tzinfo=UTC), datetime(2026, 11, 26, 16, tzinfo=UTC))),
        # a year-less deadline before the opening is next year's
        ("1 december 2026", "15 januari",
         (datetime(2026, 11, 30, 23, tzinfo=UTC), datetime(2027, 1, 15, 22, 59, 59, tzinfo=UTC))),
        ("", "31 december 2026", (None, datetime(2026, 12, 31, 22, 59, 59, tzinfo=UTC))),
    ],
)  # fmt: skip
def test_structured_fields_are_dates(
    opens: str, closes: str, expected: tuple[datetime | None, datetime | None]
) -> None:
    assert _windows(RawWindow(opens_text=opens, closes_text=closes)) == [expected]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # read in December and again in January: the same window, open now (it jumped a year
        # when each field's year was guessed on its own)
        (date(2026, 12, 15), (date(2026, 12, 1), date(2027, 1, 31))),
        (date(2027, 1, 20), (date(2026, 12, 1), date(2027, 1, 31))),
        # closed a month ago: that window, not next winter's
        (date(2027, 3, 1), (date(2026, 12, 1), date(2027, 1, 31))),
        # half a year after it closed: the next one
        (date(2027, 9, 1), (date(2027, 12, 1), date(2028, 1, 31))),
    ],
)
def test_year_less_fields_are_read_as_one_window(today: date, expected: tuple[date, date]) -> None:
    raw = RawScheme(
        key="k", title="T", windows=[RawWindow(opens_text="1 december", closes_text="31 januari")]
    )
    data = normalise_scheme(raw, SOURCE, "https://x.nl/lijst", today)  # fmt: skip
    [window] = data.windows
    assert window.opens_at is not None and window.closes_at is not None
    local = (window.opens_at.astimezone(AMSTERDAM).date(),
             window.closes_at.astimezone(AMSTERDAM).date())  # fmt: skip
    assert local == expected


@pytest.mark.parametrize(
    ("opens", "closes"),
    [("binnenkort", "31 maart 2027"), ("1 maart 2027", "tweede kwartaal"), ("", "")],
)
def test_a_field_without_one_clear_date_gives_no_window(opens: str, closes: str) -> None:
    assert _windows(RawWindow(opens_text=opens, closes_text=closes)) == []


def test_structured_budget_is_a_number_and_text_windows_do_not_duplicate() -> None:
    raw = RawScheme(
        key="k",
        title="T",
        text="Aanvragen indienen van 1 maart 2027 tot en met 31 maart 2027.",
        windows=[
            RawWindow(
                opens_text="2027-03-01",
                closes_text="2027-03-31",
                budget_text="€ 117 miljoen",
                status_text="Open",
            )
        ],  # fmt: skip
    )
    data = normalise_scheme(raw, SOURCE, "https://x.nl/lijst", TODAY)
    [window] = data.windows
    assert window.budget_eur == Decimal("117000000") and window.confidence == 1.0
    assert window.status_text == "Open"


def test_a_listing_status_before_the_closing_field_is_no_second_window() -> None:
    # the ISDE item of tests/fixtures/html_list/constructed_rvo_list.html: the item text read
    # "Open voor aanvragen … 31 december 2026" as an opening on the closing date (QA walkthrough)
    raw = RawScheme(
        key="isde",
        title="ISDE",
        text="ISDE Open voor aanvragen U vraagt de subsidie aan nadat de maatregel is"
        " uitgevoerd. 31 december 2026",
        windows=[RawWindow(closes_text="31 december 2026", status_text="Open voor aanvragen")],
    )
    data = normalise_scheme(raw, SOURCE, "https://x.nl/lijst", TODAY)
    assert [(w.opens_at, w.closes_at) for w in data.windows] == [
        (None, datetime(2026, 12, 31, 22, 59, 59, tzinfo=UTC))
    ]


def test_text_urls_and_required_fields() -> None:
    assert clean_text("  a&amp;b <b>c</b>\n d ", 100) == "a&b c d"
    assert absolute_url("/r/1", "https://x.nl/lijst") == "https://x.nl/r/1"
    assert absolute_url("javascript:alert(1)", "https://x.nl/") == ""
    # another scheme than the page's: urljoin returned it as is, newline included
    assert absolute_url("https://e.test/a\nATTACH:x", "http://x.nl/") == "https://e.test/aATTACH:x"
    assert absolute_url("/a b\x00c", "https://x.nl/") == "https://x.nl/a%20b%00c"
    assert absolute_url("https://e\x0b.test/", "https://x.nl/") == ""
    with pytest.raises(NormaliseError):
        normalise_scheme(RawScheme(key="", title="T"), SOURCE, "https://x.nl/", TODAY)
    data = normalise_scheme(RawScheme(key="k", title="T", url="/r/1"), SOURCE,
                            "https://x.nl/lijst", TODAY)  # fmt: skip
    assert data.url == "https://x.nl/r/1" and data.windows == ()


def test_content_hash_is_the_hash_of_the_whole_record_as_json() -> None:
    """Stored hashes stay valid: the hash is that of ``asdict`` as JSON, computed without its
    deep copy (issue 14); a field of a new kind would show here. ``cited_identifiers`` (added
    later) is left out while empty, so hashes stored before it existed stay valid."""
    window = WindowData(datetime(2027, 3, 1, 8, tzinfo=UTC), None, True, False, "day",
                        Decimal("117000000.00"), "snippet", 0.9, "open")  # fmt: skip
    data = SchemeData(key="k", title="Regeling", url="https://x.nl/r", publisher="SZW",
                      summary="s", level="rijk", regions=("NL-GE", "NL-UT"),
                      published_on=date(2026, 11, 1), identifiers=("BWBR1",),
                      cited_titles=("Wet",), windows=(window, replace(window, opens_at=None)),
                      status="open", scheme_pin="pin", themes=("scholing",), name="R")  # fmt: skip
    for item in (data, replace(data, windows=(), published_on=None, scheme_pin=None)):
        fields = asdict(item)
        assert fields.pop("cited_identifiers") == ()
        payload = json.dumps(fields, default=str, sort_keys=True)
        assert item.content_hash() == hashlib.sha256(payload.encode()).hexdigest()
    cites = replace(data, cited_identifiers=("prb-2024-11",))
    payload = json.dumps(asdict(cites), default=str, sort_keys=True)
    assert cites.content_hash() == hashlib.sha256(payload.encode()).hexdigest()
