"""The pipeline passes the page's own date to the extractor, so weekday words resolve."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from scrapers.base import RawScheme
from tracker.config import SourceConfig
from tracker.ingest.normalise import normalise_scheme

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SOURCE = SourceConfig.model_validate(
    {"scraper": "html_list", "url": "https://x.nl/nieuws", "level": "rijk"}
)
TEXT = (
    "Maandagochtend om 9.00 uur ging het loket van de Regeling Buurtkracht open. "
    "Woensdag rond 15.30 uur was er geen budget meer beschikbaar."
)


def _windows(published_text: str) -> list[tuple[datetime | None, datetime | None]]:
    raw = RawScheme(key="k", title="Buurtkracht", text=TEXT, published_text=published_text)
    data = normalise_scheme(raw, SOURCE, "https://x.nl/nieuws/1", date(2031, 3, 20))
    return [
        (
            w.opens_at.astimezone(AMSTERDAM) if w.opens_at else None,
            w.closes_at.astimezone(AMSTERDAM) if w.closes_at else None,
        )
        for w in data.windows
    ]


def test_weekdays_in_a_dated_publication_resolve_against_its_date() -> None:
    assert _windows("2031-03-14") == [
        (
            datetime(2031, 3, 10, 9, 0, tzinfo=AMSTERDAM),
            datetime(2031, 3, 12, 15, 30, tzinfo=AMSTERDAM),
        )
    ]


def test_without_a_publication_date_weekdays_stay_unresolved() -> None:
    assert _windows("") == []
