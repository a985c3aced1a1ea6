"""Every feed variant over HTTP: feedparser-clean, filtered, conditional; .ics; /feeds; export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import feedparser
import icalendar
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.integration._alerts import add_scheme, alert_config
from tracker.alerts.events import emit_event
from tracker.db import session_scope
from tracker.models import EventKind, Scheme, Window
from tracker.web.app import create_app

NOW = datetime.now(UTC).replace(microsecond=0)

FEEDS = [
    "/feeds/alerts.rss", "/feeds/alerts.atom", "/feeds/schemes.rss", "/feeds/schemes.atom",
]  # fmt: skip
FILTERS = [
    "", "?region=NL-GE", "?region=oost", "?region=zuid", "?level=rijk", "?theme=scholing",
    "?doelgroep=werkgevers", "?kind=window_announced", "?q=vakkracht", "?region=west&theme=energie",
]  # fmt: skip


@pytest.fixture
def client(engine: Engine) -> TestClient:
    schemes = [
        ("Regeling Vakkracht Gelderland", ("NL-GE",), "provincie", ("scholing",), ("werkgevers",)),
        ("Energiefonds Limburg", ("NL-LI",), "provincie", ("energie",), ()),
        ("SLIM-regeling", (), "rijk", ("scholing",), ("mkb",)),
    ]
    for n, (title, regions, level, themes, groups) in enumerate(schemes):
        sid, wid = add_scheme(engine, title, created=NOW - timedelta(days=10 - n),
                              opens=NOW + timedelta(days=5 + n), closes=NOW + timedelta(days=40),
                              level=level, regions=regions, themes=themes, doelgroepen=groups,
                              budget=Decimal("1000000"))  # fmt: skip
        with session_scope(engine) as s:
            scheme, window = s.get(Scheme, sid), s.get(Window, wid)
            assert scheme is not None
            for kind, key in ((EventKind.SCHEME_NEW, f"new:{sid}"),
                              (EventKind.WINDOW_ANNOUNCED, f"ann:{wid}")):  # fmt: skip
                emit_event(s, kind=kind, scheme=scheme, dedupe_key=key, window=window,
                           now=NOW - timedelta(days=10 - n))  # fmt: skip
    return TestClient(create_app(alert_config(), engine))


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_variant_parses_cleanly(client: TestClient, path: str) -> None:
    for query in FILTERS:
        if "kind=" in query and "alerts" not in path:
            continue  # only alerts have a kind (test_a_kind_is_refused_where_it_cannot_filter)
        response = client.get(path + query)
        assert response.status_code == 200, (path, query, response.text)
        feed = feedparser.parse(response.content)
        assert feed.bozo == 0, (path, query, feed.get("bozo_exception"))
        ids = [e.id for e in feed.entries]
        assert len(ids) == len(set(ids)), (path, query)
        text = " ".join(e.title + e.summary for e in feed.entries)
        if "NL-GE" in query or "oost" in query:
            assert "Vakkracht" in text and "SLIM" in text and "Limburg" not in text
        if "zuid" in query:
            assert "Limburg" in text and "Vakkracht" not in text
        if "scholing" in query:
            assert "Energiefonds" not in text and "SLIM" in text
        if query == "?q=vakkracht":
            assert feed.entries and all("Vakkracht" in e.title for e in feed.entries)


def test_alerts_are_newest_first_with_dutch_text(client: TestClient) -> None:
    feed = feedparser.parse(client.get("/feeds/alerts.atom").content)
    updated = [e.updated_parsed for e in feed.entries]
    assert updated == sorted(updated, reverse=True)
    first = feed.entries[0]
    assert "SLIM-regeling" in first.title
    assert "budget € 1.000.000" in first.summary and "Status: binnenkort open" in first.summary
    schemes = feedparser.parse(client.get("/feeds/schemes.rss").content)
    assert len(schemes.entries) == 3
    assert all(e.id.startswith("tag:subsidie-tracker,2026:scheme/") for e in schemes.entries)


def test_calendar_has_an_opening_and_a_closing_event_per_window(client: TestClient) -> None:
    response = client.get("/calendar.ics?region=NL-GE")
    assert response.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == [
        "Aanvraagtermijn sluit: Regeling Vakkracht Gelderland",
        "Aanvraagtermijn sluit: SLIM-regeling",
        "Aanvragen open: Regeling Vakkracht Gelderland",
        "Aanvragen open: SLIM-regeling",
    ]
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 4 and all(u.endswith("@subsidie-tracker") for u in uids)
    opening = next(e for e in events if str(e["SUMMARY"]).startswith("Aanvragen open"))
    assert opening["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert list(cal.walk("VTIMEZONE")), "the calendar carries its timezone definition"
    again = icalendar.Calendar.from_ical(client.get("/calendar.ics?region=NL-GE").content)
    assert sorted(str(e["UID"]) for e in again.walk("VEVENT")) == sorted(uids)


@pytest.mark.parametrize("path", [*FEEDS, "/calendar.ics"])
def test_every_feed_answers_304_and_is_cacheable(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert "public, max-age=" in first.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    # Last-Modified is the newest item; a feed also changes without one (a scheme hidden, a
    # status passing with the clock), so only the ETag may answer 304
    since = client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 200 and since.content == first.content
    other = client.get(path + "?theme=energie", headers={"If-None-Match": first.headers["etag"]})
    assert other.status_code == 200


@pytest.mark.parametrize("path", ["/feeds/schemes.rss", "/feeds/schemes.atom", "/calendar.ics"])
def test_a_kind_is_refused_where_it_cannot_filter(client: TestClient, path: str) -> None:
    """Only alerts have a kind; the schemes feed and calendar ignored it under a title
    claiming the filter ('Regeling verdwenen' over schemes that were not removed)."""
    response = client.get(path, params={"kind": "scheme_removed"})
    assert response.status_code == 400
    assert "alleen voor de signalenfeed" in response.text
    assert client.get("/feeds/alerts.rss", params={"kind": "scheme_removed"}).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["?region=Gelderland", "?theme=sport", "?doelgroep=katten", "?kind=nothing", "?level=foo",
     "?q=" + "x" * 10_000, "?region=" + "<b>" * 500],
)  # fmt: skip
def test_bad_filters_get_a_short_dutch_message_without_the_input(
    client: TestClient, query: str
) -> None:
    value = query.split("=", 1)[1]
    for path in ("/feeds/alerts.rss", "/feeds/schemes.atom", "/calendar.ics"):
        reader = client.get(path + query)
        assert reader.status_code == 400, (path, query)
        assert reader.headers["content-type"].startswith("text/plain")
        # short: at most the list of valid values (every EventKind for ?kind), never the input
        assert len(reader.text) < 300 and value[:20] not in reader.text
        assert reader.text.startswith(("Onbekend", "De zoektekst", "Een filterwaarde"))
    browser = client.get("/feeds/alerts.rss" + query, headers={"Accept": "text/html,*/*"})
    assert browser.status_code == 400 and browser.headers["content-type"].startswith("text/html")
    assert "Dit adres klopt niet helemaal" in browser.text and value[:20] not in browser.text
    assert client.get("/feeds/alerts.xml").status_code == 400


def test_q_is_capped_at_100_characters(client: TestClient) -> None:
    assert client.get("/feeds/alerts.rss?q=" + "a" * 100).status_code == 200
    assert "hoogstens 100 tekens" in client.get("/feeds/alerts.rss?q=" + "a" * 101).text


def test_feeds_page_lists_copyable_urls(client: TestClient) -> None:
    page = client.get("/feeds")
    assert page.status_code == 200
    assert 'value="http://testserver/feeds/alerts.rss?region=NL-LI"' in page.text
    assert 'value="http://testserver/calendar.ics?theme=energie"' in page.text
    assert "noord (Groningen, Fryslân, Drenthe)" in page.text


def test_feeds_export_writes_static_files(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    from feeds.export import export_feeds

    written = export_feeds(alert_config(), engine, tmp_path, now=NOW)
    names = {p.name for p in written}
    assert {"alerts.rss", "alerts.atom", "schemes.atom", "calendar.ics"} <= names
    assert {"alerts-nl-ge.rss", "calendar-oost.ics", "alerts-thema-scholing.atom"} <= names
    for path in written:
        if path.suffix == ".ics":
            assert icalendar.Calendar.from_ical(path.read_bytes())
        else:
            assert feedparser.parse(path.read_bytes()).bozo == 0, path
    zuid = feedparser.parse((tmp_path / "alerts-zuid.rss").read_bytes())
    assert all("Vakkracht" not in e.title for e in zuid.entries) and zuid.entries
