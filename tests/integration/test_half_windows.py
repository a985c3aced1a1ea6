"""A half window next to a full one of the same period is that period once, on both databases.

Modelled on the demo's Gelderland scheme: its Provinciaal blad publication states the whole
application period ('van 1 februari 2027 tot en met 15 februari 2027'), its CVDR record only
the closing date ('tot en met 15 februari 2027'). Windows are stored per publication, but a
reader sees the period once (the full window; ``tracker.detect.same_period``), its status is
that of the full window (upcoming, not "open" because a closing-only copy has no opening),
it is announced once, and tick tells each of its moments once. A half window on another day
is a period of its own. Dates here fall within the start page's two months of ``NOW``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import NOW
from tests.e2e.support import add_staff, login, make_app
from tests.integration._alerts import alert_config
from tracker.alerts.events import record_changes
from tracker.alerts.lifecycle import tick
from tracker.config import AlertsConfig
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.store import store_scheme
from tracker.models import Event, Source, Window
from tracker.read.describe import window_phrase
from tracker.read.queries import scheme_windows
from tracker.read.schemes import load_rows
from tracker.read.status import UPCOMING
from tracker.read.timefmt import local_moment
from tracker.web.dashboard.overview import upcoming_marks

TITLE = "Subsidieregeling Vitale Kernen Gelderland 2027"
OPEN_DAY, CLOSE_DAY = date(2027, 1, 4), date(2027, 1, 15)
ALERTS = AlertsConfig(opening_soon_days=14, closing_soon_days=7)


def _window(
    opens: datetime | None, closes: datetime | None, timed: tuple[bool, bool]
) -> WindowData:
    return WindowData(opens, closes, timed[0], timed[1], "day", None, "", 1.0)


def _day(day: date, at: time | None = None, *, end: bool = False) -> datetime:
    return local_moment(day, at, end_of_day=end)


@dataclass(frozen=True)
class Case:
    """A full window (Provinciaal blad) and a half copy of it (CVDR)."""

    name: str
    full: WindowData
    half: WindowData


# the deadline as a time in one, a date in the other: the same day, so the same moment
CLOSING = Case(
    "closing",
    _window(_day(OPEN_DAY), _day(CLOSE_DAY, time(17, 0), end=True), (False, True)),
    _window(None, _day(CLOSE_DAY, end=True), (False, False)),
)
OPENING = Case(
    "opening",
    _window(_day(OPEN_DAY), _day(CLOSE_DAY, end=True), (False, False)),
    _window(_day(OPEN_DAY, time(9, 0)), None, (True, False)),
)


def _publication(key: str, source: str, window: WindowData) -> SchemeData:
    return SchemeData(key=key, title=TITLE, url=f"https://{source}.example.nl/{key}",
                      publisher="Provincie Gelderland", summary="", level="provincie",
                      regions=("NL-GE",), published_on=None, identifiers=("CVDR700123",),
                      cited_titles=(), windows=(window,), status="upcoming")  # fmt: skip


def _store(engine: Engine, source: str, window: WindowData, now: datetime) -> int:
    with Session(engine) as s:
        if s.get(Source, source) is None:
            s.add(Source(id=source))
        outcome = store_scheme(s, source, _publication(f"{source}-vk", source, window), now)
        record_changes(s, outcome.changes, now)
        s.commit()
        assert outcome.scheme.id is not None
        return outcome.scheme.id


def _both(engine: Engine, case: Case) -> int:
    """The Provinciaal blad publication first, then the CVDR record (as in the demo)."""
    scheme_id = _store(engine, "prb", case.full, NOW)
    assert _store(engine, "cvdr", case.half, NOW) == scheme_id, "one scheme"
    with Session(engine) as s:
        assert len(s.exec(select(Window)).all()) == 2, "each publication keeps its copy"
    return scheme_id


def _full_window(engine: Engine) -> Window:
    with Session(engine) as s:
        return next(w for w in s.exec(select(Window)).all() if w.opens_at and w.closes_at)


def _kinds(engine: Engine) -> Counter[str]:
    with Session(engine) as s:
        return Counter(e.kind for e in s.exec(select(Event).order_by(col(Event.id))).all())


def _calendar(client: TestClient) -> str:
    return client.get("/calendar.ics").text.replace("\r\n ", "")  # unfold long lines


@pytest.fixture(params=[CLOSING, OPENING], ids=lambda c: c.name)
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    add_staff(engine)
    with TestClient(make_app(alert_config(), engine)) as c:
        yield c


def test_the_period_is_read_once_with_the_full_windows_status(engine: Engine, case: Case) -> None:
    scheme_id = _both(engine, case)
    full = _full_window(engine)
    with Session(engine) as s:
        assert [w.id for w in scheme_windows(s, [scheme_id])[scheme_id]] == [full.id]
        [row] = load_rows(s, NOW)
        assert [w.id for w in row.windows] == [full.id]
        assert row.status == UPCOMING, "the full window has not opened"
        marks = upcoming_marks([row], NOW)
        assert [(m.kind, m.window.id) for m in marks] == [("opent", full.id), ("sluit", full.id)]
    assert _kinds(engine)["window_announced"] == 1, "the CVDR copy was no news"


def test_every_display_shows_the_period_once(
    engine: Engine, case: Case, client: TestClient
) -> None:
    scheme_id = _both(engine, case)
    phrase = window_phrase(_full_window(engine))
    calendar = _calendar(client)
    assert calendar.count("BEGIN:VEVENT") == 2, "one opening and one deadline"
    assert calendar.count(f"Aanvraagtermijn sluit: {TITLE}") == 1
    for path in ("/feeds/schemes.atom", "/feeds/schemes.rss"):
        [entry] = feedparser.parse(client.get(path).content).entries
        assert entry.summary.count("Aanvraagperiode:") == 1, path
    assert len(client.get("/api/windows").json()) == 1
    scheme = client.get(f"/api/schemes/{scheme_id}").json()
    assert len(scheme["windows"]) == 1 and scheme["status"] == UPCOMING
    listing = client.get("/regelingen").text
    assert listing.count(phrase) == 1
    assert listing.count("tot en met 15 januari 2027") == 1, "no closing-only copy"
    assert "vanaf 4 januari 2027" not in listing, "no opening-only copy"
    start = client.get("/").text
    opening = start.split('<h2 id="opent">')[1].split('<h2 id="sluit">')[0]
    assert opening.count(f">{TITLE}</a>") == 1
    assert 'class="status-upcoming"' in opening and 'class="status-open"' not in opening
    login(client)
    staff_list = client.get("/beheer/regelingen").text
    assert staff_list.count(f">{TITLE}</a>") == 1
    assert staff_list.count(phrase) <= 1
    detail = client.get(f"/beheer/regelingen/{scheme_id}").text
    assert detail.count('class="window"') == 1
    overview = client.get("/beheer").text
    timeline = overview.split("<h2>Tijdlijn")[1].split("<h2>Laatste signalen")[0]
    assert timeline.count('<span class="pill sluit">sluit</span>') == 1
    assert timeline.count('<span class="pill opent">opent</span>') == 1


def test_tick_tells_each_moment_of_the_period_once(engine: Engine, case: Case) -> None:
    _both(engine, case)
    opens, closes = _day(OPEN_DAY, time(9, 0)), _day(CLOSE_DAY, time(12, 0))
    for moment in (NOW, opens - timedelta(days=7), opens, closes - timedelta(days=3),
                   closes + timedelta(days=1)):  # fmt: skip
        with Session(engine) as s:
            tick(s, ALERTS, moment)
            s.commit()
    kinds = _kinds(engine)
    timed = {k: kinds[k] for k in kinds if k != "window_announced" and k != "scheme_new"}
    assert timed == {
        "window_opening_soon": 1,
        "window_opened": 1,
        "window_closing_soon": 1,
        "window_closed": 1,
    }


def test_a_moment_told_for_the_half_copy_is_not_told_again_for_the_full(engine: Engine) -> None:
    """The CVDR record came first and its deadline was near; then the whole period was found."""
    soon = _day(CLOSE_DAY, time(8, 0)) - timedelta(days=3)
    _store(engine, "cvdr", CLOSING.half, NOW)
    with Session(engine) as s:
        assert [e.kind for e in tick(s, ALERTS, soon)] == ["window_closing_soon"]
        s.commit()
    _store(engine, "prb", CLOSING.full, soon + timedelta(hours=1))
    with Session(engine) as s:
        assert tick(s, ALERTS, soon + timedelta(hours=2)) == []
        s.commit()
        full = _full_window(engine)
        assert [w.id for w in scheme_windows(s, [full.scheme_id])[full.scheme_id]] == [full.id]
    assert _kinds(engine)["window_closing_soon"] == 1


def test_a_half_window_on_another_day_is_a_period_of_its_own(
    engine: Engine, client: TestClient
) -> None:
    other = _window(None, _day(CLOSE_DAY - timedelta(days=1), end=True), (False, False))
    scheme_id = _store(engine, "prb", CLOSING.full, NOW)
    assert _store(engine, "cvdr", other, NOW) == scheme_id
    with Session(engine) as s:
        assert len(scheme_windows(s, [scheme_id])[scheme_id]) == 2
    assert _kinds(engine)["window_announced"] == 2
    calendar = _calendar(client)
    assert calendar.count(f"Aanvraagtermijn sluit: {TITLE}") == 2
    assert len(client.get("/api/windows").json()) == 2
