"""/feeds/alerts.rss|atom after a real scrape: valid, filtered, conditional."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW, PRB, STCRT, make_config
from tracker.ingest.pipeline import run_sources
from tracker.models import Window
from tracker.ops.replay import ReplayServer
from tracker.staff import review
from tracker.web.app import create_app
from tracker.windows.confidence import CALIBRATION


def _client(engine: Engine, replay: ReplayServer) -> TestClient:
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    results = run_sources(config, engine, now=NOW)
    assert all(r.status == "ok" for r in results), results
    return TestClient(create_app(config, engine))


def test_rss_and_atom_parse_cleanly(engine: Engine, replay: ReplayServer) -> None:
    client = _client(engine, replay)
    for fmt in ("rss", "atom"):
        response = client.get(f"/feeds/alerts.{fmt}")
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert feed.bozo == 0, feed.get("bozo_exception")
        titles = [e.title for e in feed.entries]
        assert any(t.startswith("Nieuwe regeling: ") for t in titles)
        assert any(t.startswith("Aanvraagperiode bekend: ") for t in titles)
        ids = [e.id for e in feed.entries]
        assert len(ids) == len(set(ids))
        assert all(e.link.startswith("https://") for e in feed.entries)


def test_announced_window_is_worded_in_dutch_local_time(
    engine: Engine, replay: ReplayServer
) -> None:
    client = _client(engine, replay)
    # the SLIM amendment gives two tijdvakken beside a decision date: two doubts, so its
    # windows wait for staff before any stakeholder hears of them
    feed = feedparser.parse(client.get("/feeds/alerts.rss").content)
    assert not [e.title for e in feed.entries if "1 maart 2027" in e.title]
    with Session(engine) as session:
        window = session.exec(
            select(Window).where(Window.opens_at == datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
        ).first()
        assert window is not None and window.confidence < CALIBRATION.threshold
        assert review.decide(session, window, review.Verdict.APPROVED, "anna", NOW) >= 1
        session.commit()
    feed = feedparser.parse(client.get("/feeds/alerts.rss").content)
    slim = [e.title for e in feed.entries if "1 maart 2027 09:00" in e.title]
    assert slim, [e.title for e in feed.entries]
    assert "tot en met 31 maart 2027 17:00" in slim[0]


def test_region_filter_keeps_rijk_and_drops_other_provinces(
    engine: Engine, replay: ReplayServer
) -> None:
    client = _client(engine, replay)
    feed = feedparser.parse(client.get("/feeds/alerts.atom?region=NL-LI").content)
    text = " ".join(e.title + e.summary for e in feed.entries)
    assert "Limburg" in text
    assert "Gelderland" not in text and "Groningen" not in text
    assert "Sociale Zaken" in text  # rijk schemes apply everywhere
    level = feedparser.parse(client.get("/feeds/alerts.atom?level=rijk").content)
    assert level.entries and all("Provincie" not in e.summary for e in level.entries)


def test_conditional_get_returns_304(engine: Engine, replay: ReplayServer) -> None:
    client = _client(engine, replay)
    first = client.get("/feeds/alerts.rss")
    assert first.headers["etag"] and first.headers["last-modified"]
    assert "max-age" in first.headers["cache-control"]
    again = client.get("/feeds/alerts.rss", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    since = client.get(
        "/feeds/alerts.rss", headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert since.status_code == 200, "only the ETag covers every change (tracker.web.caching)"
    other = client.get(
        "/feeds/alerts.rss?level=eu", headers={"If-None-Match": first.headers["etag"]}
    )
    assert other.status_code == 200


def test_bad_filter_is_a_short_dutch_400(engine: Engine, replay: ReplayServer) -> None:
    response = _client(engine, replay).get("/feeds/alerts.rss?region=Gelderland")
    assert response.status_code == 400
    assert response.text.startswith("Onbekend") and "Gelderland" not in response.text
