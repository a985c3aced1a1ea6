"""A staff correction applies to the span, not to one publication's copy of it (both databases).

Two publications of one scheme (merged on their shared BWBR identifier) state the same
application period, so the scheme stores a window per publication and readers see one. When
staff correct the period shown, every copy takes the corrected dates and the lock: calendar,
feeds, API and public pages show one period with the corrected dates, and re-scrapes of either
publication leave it alone. Releasing the correction lets the next scrapes restore what the
sources say, again as one period and one alert. Modelled on the SLIM regulation (BWBR0043015)
as the Staatscourant and the RVO page both state it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import NOW
from tests.e2e.support import add_staff, login, make_app, post_form
from tests.integration._alerts import alert_config
from tracker.alerts.events import record_changes
from tracker.config import ReviewConfig
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.store import store_scheme
from tracker.models import Event, Source, Window
from tracker.read.describe import window_phrase
from tracker.staff import review

OPENS = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 7 december 09:00 Amsterdam
CLOSES = datetime(2027, 1, 6, 16, 0, tzinfo=UTC)  # 6 januari 17:00 Amsterdam
CORRECTED = datetime(2027, 1, 20, 16, 0, tzinfo=UTC)  # 20 januari 17:00 Amsterdam
TITLE = "Subsidieregeling SLIM"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PUBLICATIONS = (("stcrt", "stcrt-2026-1"), ("rvo", "rvo-slim"))


def _publication(key: str, source: str) -> SchemeData:
    window = WindowData(OPENS, CLOSES, True, True, "day", Decimal("12500000"), "", 0.95)
    return SchemeData(key=key, title=TITLE, url=f"https://{source}.example.nl/{key}",
                      publisher="Ministerie van Sociale Zaken en Werkgelegenheid", summary="",
                      level="rijk", regions=(), published_on=None,
                      identifiers=("BWBR0043015",), cited_titles=(), windows=(window,),
                      status="upcoming")  # fmt: skip


def _scrape(engine: Engine, now: datetime) -> int:
    """Both publications scraped again, stating the original period; the changes recorded."""
    with Session(engine) as s:
        changes = []
        for source, key in PUBLICATIONS:
            changes += store_scheme(s, source, _publication(key, source), now).changes
        record_changes(s, changes, now)
        s.commit()
        return len(changes)


@pytest.fixture
def scheme_id(engine: Engine) -> int:
    with Session(engine) as s:
        s.add_all([Source(id=source) for source, _ in PUBLICATIONS])
        s.commit()
    _scrape(engine, NOW)
    with Session(engine) as s:
        windows = s.exec(select(Window)).all()
        assert len(windows) == 2 and len({w.publication_id for w in windows}) == 2
        assert len({w.scheme_id for w in windows}) == 1
        return windows[0].scheme_id


@pytest.fixture
def client(engine: Engine, scheme_id: int) -> Iterator[TestClient]:
    add_staff(engine)
    with TestClient(make_app(alert_config(), engine)) as c:
        login(c)
        yield c


def _shown_window_id(client: TestClient, scheme_id: int) -> int:
    [window] = client.get(f"/api/schemes/{scheme_id}").json()["windows"]
    return int(window["id"])


def _phrase(closes_at: datetime) -> str:
    return window_phrase(Window(scheme_id=0, opens_at=OPENS, closes_at=closes_at,
                                opens_has_time=True, closes_has_time=True,
                                budget_eur=Decimal("12500000")))  # fmt: skip


def _assert_one_period(client: TestClient, scheme_id: int, closes_at: datetime) -> None:
    """Calendar, feeds, API and public pages show exactly one period, closing at closes_at."""
    deadline = closes_at.astimezone(AMSTERDAM).strftime("DTEND;TZID=Europe/Amsterdam:%Y%m%dT%H%M%S")
    calendar = client.get("/calendar.ics").text
    assert calendar.count("BEGIN:VEVENT") == 2, "one opening and one deadline"
    assert calendar.count("Aanvraagtermijn sluit: " + TITLE) == 1
    assert calendar.count(deadline) == 1, calendar
    phrase = _phrase(closes_at)
    for path in ("/feeds/schemes.atom", "/feeds/schemes.rss"):
        [entry] = feedparser.parse(client.get(path).content).entries
        assert entry.summary.count("Aanvraagperiode:") == 1, path
        assert phrase in entry.summary, (path, entry.summary)
    for path in ("/api/windows", f"/api/windows?scheme_id={scheme_id}"):
        [window] = client.get(path).json()
        assert datetime.fromisoformat(window["closes_at"]) == closes_at, path
    [window] = client.get(f"/api/schemes/{scheme_id}").json()["windows"]
    assert datetime.fromisoformat(window["closes_at"]) == closes_at
    assert client.get("/regelingen").text.count(phrase) == 1
    assert client.get("/").text.count(f">{TITLE}</a>") == 2, "opening soon and closing, once each"


def _window_events(engine: Engine, kind: str) -> list[Event]:
    with Session(engine) as s:
        return list(s.exec(select(Event).where(Event.kind == kind).order_by(col(Event.id))).all())


def test_a_correction_covers_every_copy_of_the_span(
    client: TestClient, engine: Engine, scheme_id: int
) -> None:
    page = f"/beheer/regelingen/{scheme_id}"
    _assert_one_period(client, scheme_id, CLOSES)
    shown = _shown_window_id(client, scheme_id)
    form = {"opens_on": "2026-12-07", "opens_time": "09:00", "closes_on": "2027-01-20",
            "closes_time": "17:00"}  # fmt: skip
    response = post_form(client, page, f"{page}/periodes/{shown}/corrigeren", form)
    assert response.status_code == 303
    with Session(engine) as s:
        windows = s.exec(select(Window)).all()
        assert len(windows) == 2, "each publication keeps its own copy"
        assert {(w.closes_at, w.staff_locked, w.locked_by) for w in windows} == {
            (CORRECTED, True, "anna")
        }
    _assert_one_period(client, scheme_id, CORRECTED)
    assert len(_window_events(engine, "window_changed")) == 1, "one correction, one alert"

    # re-scrapes of either publication state the old dates: the correction holds
    assert _scrape(engine, NOW + timedelta(hours=1)) == 0
    _assert_one_period(client, scheme_id, CORRECTED)

    # released: the next scrapes restore what the sources say, as one period and one alert
    response = post_form(client, page, f"{page}/periodes/{shown}/vrijgeven", {})
    assert response.status_code == 303
    with Session(engine) as s:
        assert not any(w.staff_locked for w in s.exec(select(Window)).all())
    _assert_one_period(client, scheme_id, CORRECTED)
    assert _scrape(engine, NOW + timedelta(hours=2)) == 1
    _assert_one_period(client, scheme_id, CLOSES)
    changed = _window_events(engine, "window_changed")
    assert len(changed) == 2 and changed[-1].after is not None
    assert datetime.fromisoformat(changed[-1].after["closes_at"]) == CLOSES
    alerts = feedparser.parse(client.get("/feeds/alerts.atom").content)
    assert sum(e.title.startswith("Aanvraagperiode gewijzigd") for e in alerts.entries) == 2


def test_a_review_verdict_covers_every_copy_of_the_span(engine: Engine, scheme_id: int) -> None:
    config = ReviewConfig(confidence_threshold=0.99, hold_low_confidence=True)
    with Session(engine) as s:
        [item] = review.review_queue(s, config)  # two copies, one span: one item
        assert "lage zekerheid" in item.reasons[0]
        review.decide(s, item.window, review.Verdict.APPROVED, "anna", NOW + timedelta(minutes=1))
        s.commit()
        assert review.review_queue(s, config) == [], "the other copy is decided too"
