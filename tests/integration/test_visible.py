"""The one visible-scheme rule (tracker.read.visible) across feeds, API, public pages and the
staff list, on both databases: hidden and merged schemes are nowhere public; a removed scheme
leaves every public listing but its events (its removal too) stay in the alert feed, and staff
still see it, flagged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW
from tests.e2e.support import add_staff, login, make_app
from tests.integration._alerts import add_scheme, alert_config
from tracker.alerts.events import emit_event
from tracker.config import ReviewConfig
from tracker.models import EventKind, MergeProposal, Scheme, Window
from tracker.read.queries import Filters, recent_events
from tracker.read.schemes import load_rows
from tracker.read.visible import is_visible, visible_clause
from tracker.staff.review import merge_proposals, review_queue

TITLES = {"live": "Regeling Zichtbaar", "hidden": "Regeling Verborgen",
          "removed": "Regeling Verdwenen", "merged": "Regeling Samengevoegd"}  # fmt: skip


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    """One scheme per state, each with a window opening in ten days and a published event."""
    out = {}
    for state, title in TITLES.items():
        opens, closes = NOW + timedelta(days=10), NOW + timedelta(days=30)
        sid, wid = add_scheme(engine, title, created=NOW - timedelta(days=5), opens=opens,
                              closes=closes)  # fmt: skip
        with Session(engine) as s:
            scheme, window = s.get(Scheme, sid), s.get(Window, wid)
            assert scheme is not None and window is not None
            emit_event(s, kind=EventKind.WINDOW_ANNOUNCED, scheme=scheme, window=window,
                       dedupe_key=f"ann:{wid}", now=NOW - timedelta(days=5))  # fmt: skip
            s.commit()
        out[state] = sid
    with Session(engine) as s:
        for state, changes in (("hidden", {"hidden": True}),
                               ("removed", {"removed_at": NOW - timedelta(days=1)}),
                               ("merged", {"merged_into_id": out["live"]})):  # fmt: skip
            scheme = s.get(Scheme, out[state])
            assert scheme is not None
            for name, value in changes.items():
                setattr(scheme, name, value)
            s.add(scheme)
        removed = s.get(Scheme, out["removed"])
        assert removed is not None
        emit_event(s, kind=EventKind.SCHEME_REMOVED, scheme=removed, dedupe_key="removed",
                   now=NOW - timedelta(days=1), after={"title": removed.title})  # fmt: skip
        s.commit()
    return out


@pytest.fixture
def client(engine: Engine, ids: dict[str, int]) -> Iterator[TestClient]:
    add_staff(engine)
    with TestClient(make_app(alert_config(), engine)) as c:
        yield c


def _shown(text: str) -> set[str]:
    return {state for state, title in TITLES.items() if title in text}


def test_the_rule_as_sql_and_as_predicate_agree(engine: Engine, ids: dict[str, int]) -> None:
    cases: list[tuple[dict[str, bool], set[str]]] = [
        ({}, {"live"}),
        ({"removed": True}, {"live", "removed"}),
        ({"hidden": True, "removed": True}, {"live", "hidden", "removed"}),
    ]
    for options, expected in cases:
        with Session(engine) as s:
            by_sql = {x.title for x in s.exec(select(Scheme).where(visible_clause(**options)))}
            by_python = {x.title for x in s.exec(select(Scheme)) if is_visible(x, **options)}
            rows = {r.scheme.title for r in load_rows(s, NOW, **options)}
        assert by_sql == by_python == rows == {TITLES[state] for state in expected}, options


def test_public_feeds_calendar_and_pages_show_only_live_schemes(client: TestClient) -> None:
    for path in ("/feeds/schemes.rss", "/feeds/schemes.atom", "/calendar.ics", "/regelingen", "/"):
        assert _shown(client.get(path).text) == {"live"}, path


def test_alert_feed_keeps_the_removal_of_a_removed_scheme(
    client: TestClient, engine: Engine
) -> None:
    feed = feedparser.parse(client.get("/feeds/alerts.atom").content)
    titles = [e.title for e in feed.entries]
    assert _shown(" ".join(titles)) == {"live", "removed"}
    assert any(t.startswith("Regeling verdwenen: Regeling Verdwenen") for t in titles)
    with Session(engine) as s:
        events = recent_events(s, Filters(), 50)
    assert {scheme.title for _e, scheme, _w in events} == {TITLES["live"], TITLES["removed"]}


def test_api_hides_removed_schemes_from_the_public_and_flags_them_for_staff(
    client: TestClient, ids: dict[str, int]
) -> None:
    public = client.get("/api/schemes").json()
    assert _shown(str(public)) == {"live"}
    assert client.get(f"/api/schemes/{ids['removed']}").status_code == 404
    assert _shown(str(client.get("/api/windows").json())) == set()  # windows carry no titles
    windows = {w["scheme_id"] for w in client.get("/api/windows").json()}
    assert windows == {ids["live"]}
    events = {e["scheme_id"] for e in client.get("/api/events").json()}
    assert events == {ids["live"], ids["removed"]}
    login(client)
    staff = {s["title"]: s for s in client.get("/api/schemes").json()}
    assert _shown(str(list(staff))) == {"live", "removed"}
    assert staff[TITLES["removed"]]["removed_at"] is not None
    assert staff[TITLES["live"]]["removed_at"] is None
    hidden_too = client.get("/api/schemes", params={"include_hidden": True}).json()
    assert _shown(str(hidden_too)) == {"live", "removed", "hidden"}
    assert client.get(f"/api/schemes/{ids['removed']}").status_code == 200


def test_staff_list_shows_a_removed_scheme_flagged(client: TestClient) -> None:
    login(client)
    page = client.get("/beheer/regelingen").text
    assert _shown(page) == {"live", "removed"}
    assert "verdwenen bij de bron" in page
    assert _shown(client.get("/beheer/regelingen?verborgen=true").text) == {
        "live", "removed", "hidden"}  # fmt: skip
    csv_text = client.get("/beheer/regelingen.csv").text
    assert _shown(csv_text) == {"live", "removed"}


def test_staff_queues_and_merge_candidates_follow_the_rule(
    client: TestClient, engine: Engine, ids: dict[str, int]
) -> None:
    """Review queue: windows of schemes not merged and not hidden (removed ones stay
    reviewable). Merge proposals and the detail page's merge candidates: every scheme still
    on its own, hidden and removed ones included, merged ones never."""
    with Session(engine) as s:
        for window in s.exec(select(Window)).all():
            window.confidence = 0.2
            s.add(window)
        s.add_all([MergeProposal(scheme_id=ids[state], target_id=ids["live"], reason="titel")
                   for state in ("hidden", "removed", "merged")])  # fmt: skip
        s.commit()
        queue = review_queue(s, ReviewConfig(confidence_threshold=0.5))
        assert {i.scheme.title for i in queue} == {TITLES["live"], TITLES["removed"]}
        proposed = {item.scheme.title for item in merge_proposals(s)}
        assert proposed == {TITLES["hidden"], TITLES["removed"]}
    login(client)
    page = client.get(f"/beheer/regelingen/{ids['live']}").text
    candidates = page.split('name="target_id"', 1)[1].split("</select>", 1)[0]
    assert _shown(candidates) == {"hidden", "removed"}
