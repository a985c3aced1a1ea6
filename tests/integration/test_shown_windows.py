"""One window per span on every read-side display (issue 11), on both databases.

Windows are stored per publication: two publications of one scheme (merged on their shared
BWBR identifier) that state the same application period keep a window each. Readers must
see that period once: public pages, the scheme feeds, the calendar, the JSON API, the staff
list, detail page and Overzicht timeline (``tracker.read.queries.shown_windows``). Only the
staff detail page lists each publication's own copy, in its Publicaties table.

The data is modelled on the SLIM regulation (BWBR0043015) as the Staatscourant and the RVO
page both state its application period.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW
from tests.e2e.support import add_staff, login, make_app
from tests.integration._alerts import alert_config
from tracker.alerts.events import record_changes
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.store import store_scheme
from tracker.models import Source, Window
from tracker.read.describe import window_phrase
from tracker.read.queries import scheme_windows, shown_windows
from tracker.read.schemes import load_rows
from tracker.web.dashboard.overview import upcoming_marks

OPENS = NOW + timedelta(days=10, hours=1)  # 09:00 Amsterdam
CLOSES = NOW + timedelta(days=40, hours=10)  # 17:00 Amsterdam
TITLE = "Subsidieregeling SLIM"


def _publication(key: str, source: str) -> SchemeData:
    window = WindowData(OPENS, CLOSES, True, True, "day", Decimal("12500000"), "", 0.95)
    return SchemeData(key=key, title=TITLE, url=f"https://{source}.example.nl/{key}",
                      publisher="Ministerie van Sociale Zaken en Werkgelegenheid", summary="",
                      level="rijk", regions=(), published_on=None,
                      identifiers=("BWBR0043015",), cited_titles=(), windows=(window,),
                      status="upcoming")  # fmt: skip


@pytest.fixture
def scheme_id(engine: Engine) -> int:
    with Session(engine) as s:
        s.add_all([Source(id="stcrt"), Source(id="rvo")])
        first = store_scheme(s, "stcrt", _publication("stcrt-2026-1", "stcrt"), NOW)
        second = store_scheme(s, "rvo", _publication("rvo-slim", "rvo"), NOW)
        record_changes(s, [*first.changes, *second.changes], NOW)
        s.commit()
        assert first.scheme.id is not None and second.scheme.id == first.scheme.id
        windows = s.exec(select(Window)).all()
        assert len(windows) == 2 and len({w.publication_id for w in windows}) == 2
        return first.scheme.id


@pytest.fixture
def client(engine: Engine, scheme_id: int) -> Iterator[TestClient]:
    add_staff(engine)
    with TestClient(make_app(alert_config(), engine)) as c:
        yield c


def _phrase(engine: Engine) -> str:
    with Session(engine) as s:
        return window_phrase(s.exec(select(Window)).first() or Window(scheme_id=0))


def test_the_read_query_gives_one_window_per_span(engine: Engine, scheme_id: int) -> None:
    with Session(engine) as s:
        stored = s.exec(select(Window)).all()
        [shown] = scheme_windows(s, [scheme_id])[scheme_id]
        assert shown.id == min(w.id or 0 for w in stored), "the oldest copy is shown"
        [row] = load_rows(s, NOW)
        assert [w.id for w in row.windows] == [shown.id]
        marks = upcoming_marks([row], NOW)
        assert [(m.kind, m.window.id) for m in marks] == [("opent", shown.id), ("sluit", shown.id)]
        # a staff-locked copy wins, and a different span is a window of its own
        later = next(w for w in stored if w.id != shown.id)
        later.staff_locked = True
        other = Window(scheme_id=scheme_id, opens_at=OPENS + timedelta(days=365),
                       closes_at=CLOSES + timedelta(days=365))  # fmt: skip
        assert [w.id for w in shown_windows([*stored, other])] == [later.id, None]


def test_calendar_and_scheme_feeds_list_the_period_once(client: TestClient) -> None:
    calendar = client.get("/calendar.ics").text
    assert calendar.count("BEGIN:VEVENT") == 2, "one opening and one deadline"
    assert calendar.count("Aanvraagtermijn sluit: " + TITLE) == 1
    for path in ("/feeds/schemes.atom", "/feeds/schemes.rss"):
        feed = feedparser.parse(client.get(path).content)
        [entry] = feed.entries
        assert entry.summary.count("Aanvraagperiode:") == 1, path
    alerts = feedparser.parse(client.get("/feeds/alerts.atom").content)
    announced = [e.title for e in alerts.entries if e.title.startswith("Aanvraagperiode bekend")]
    assert len(announced) == 1, "the second publication's copy was no news"


def test_api_lists_the_period_once(client: TestClient, scheme_id: int) -> None:
    windows = client.get("/api/windows").json()
    assert len(windows) == 1 and windows[0]["scheme_id"] == scheme_id
    assert len(client.get("/api/windows", params={"scheme_id": scheme_id}).json()) == 1
    assert len(client.get(f"/api/schemes/{scheme_id}").json()["windows"]) == 1
    login(client)
    assert len(client.get("/api/windows").json()) == 1, "staff too"


def test_public_pages_show_the_period_once(client: TestClient, engine: Engine) -> None:
    phrase = _phrase(engine)
    assert client.get("/regelingen").text.count(phrase) == 1
    start = client.get("/").text
    assert start.count(f">{TITLE}</a>") == 2, "once under opening soon, once under closing"


def test_staff_pages_show_the_period_once(
    client: TestClient, engine: Engine, scheme_id: int
) -> None:
    login(client)
    phrase = _phrase(engine)
    assert client.get("/beheer/regelingen").text.count(f">{TITLE}</a>") == 1
    detail = client.get(f"/beheer/regelingen/{scheme_id}").text
    assert detail.count('class="window"') == 1
    periods, publications = detail.split("<h2>Publicaties</h2>", 1)
    assert periods.count(phrase) == 1
    # each publication keeps its own copy, listed with its provenance
    assert publications.split("<h2>Notities</h2>")[0].count(phrase) == 2
    overview = client.get("/beheer").text
    timeline = overview.split("<h2>Tijdlijn")[1].split("<h2>Laatste signalen")[0]
    assert timeline.count('<span class="pill sluit">sluit</span>') == 1
    assert timeline.count('<span class="pill opent">opent</span>') == 1
