"""A scheme's title is part of its meaning (issue 11), on both databases.

A real rename of the publication that names the scheme becomes one "Naam gewijzigd" event:
in the staff history (old and new name), the alert feed and the API. The same title written
differently (spacing, case, punctuation) is no news. Modelled on the Subsidieregeling
praktijkleren (BWBR0039384) as the Staatscourant publishes it.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import replace
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
from tracker.models import Event, EventKind, Scheme, Source

OLD = "Subsidieregeling praktijkleren 2027"
NEW = "Subsidieregeling praktijkleren en werkleren 2027"
DATA = SchemeData(
    key="stcrt-2026-41000", title=OLD, url="https://zoek.officielebekendmakingen.nl/stcrt-2026-41000",
    publisher="Ministerie van Onderwijs, Cultuur en Wetenschap", summary="", level="rijk",
    regions=(), published_on=None, identifiers=("BWBR0039384",), cited_titles=(),
    windows=(WindowData(NOW + timedelta(days=30), NOW + timedelta(days=60), False, False, "day",
                        Decimal("205000000"), "", 0.95),),
    status="upcoming",
)  # fmt: skip


def _store(engine: Engine, title: str, days: int) -> list[str]:
    """Scrape the publication with ``title`` ``days`` after NOW; the kinds of the new events."""
    with Session(engine) as s:
        outcome = store_scheme(s, "stcrt", replace(DATA, title=title), NOW + timedelta(days=days))
        # as the pipeline records a scrape's changes
        events = record_changes(s, outcome.changes, NOW + timedelta(days=days), source_id="stcrt")
        s.commit()
        return [e.kind for e in events]


@pytest.fixture
def scheme_id(engine: Engine) -> int:
    with Session(engine) as s:
        s.add(Source(id="stcrt"))
        s.commit()
    assert _store(engine, OLD, 0) == ["scheme_new", "window_announced"]
    with Session(engine) as s:
        scheme = s.exec(select(Scheme)).one()
        assert scheme.id is not None and scheme.title == OLD
        return scheme.id


@pytest.fixture
def client(engine: Engine, scheme_id: int) -> Iterator[TestClient]:
    add_staff(engine)
    with TestClient(make_app(alert_config(), engine)) as c:
        yield c


def test_formatting_is_no_rename_and_a_rename_is_told_once(engine: Engine, scheme_id: int) -> None:
    for day, written in enumerate(("subsidieregeling  Praktijkleren 2027.", OLD), start=1):
        assert _store(engine, written, day) == [], written
    assert _store(engine, NEW, 3) == ["scheme_renamed"]
    assert _store(engine, NEW, 4) == []
    assert _store(engine, "Subsidieregeling Praktijkleren en Werkleren 2027", 5) == []
    with Session(engine) as s:
        [event] = s.exec(select(Event).where(Event.kind == EventKind.SCHEME_RENAMED)).all()
        assert event.scheme_id == scheme_id and event.source_id == "stcrt"
        assert event.before == {"title": OLD} and event.after == {"title": NEW}


def test_a_rename_shows_in_history_feed_and_api(
    client: TestClient, engine: Engine, scheme_id: int
) -> None:
    assert _store(engine, NEW, 1) == ["scheme_renamed"]
    feed = feedparser.parse(client.get("/feeds/alerts.atom").content)
    [entry] = [e for e in feed.entries if e.title.startswith("Naam gewijzigd")]
    assert entry.title == f"Naam gewijzigd: {NEW}"
    assert f"Vorige naam: {OLD}" in entry.summary
    kinds = [e["kind"] for e in client.get("/api/events").json()]
    assert kinds.count("scheme_renamed") == 1
    assert client.get("/feeds/alerts.atom?kind=scheme_renamed").status_code == 200
    login(client)
    page = html.unescape(client.get(f"/beheer/regelingen/{scheme_id}").text)
    history = page.split('<table id="history">', 1)[1]
    row = next(r for r in history.split("<tr>") if "Naam gewijzigd" in r)
    assert f"titel: <del>{OLD}</del> → <ins>{NEW}</ins>" in row
