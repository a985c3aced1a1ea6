"""The rendered-feed cache (issue 14): a repeat or conditional request runs no feed query, a
write through any Session bumps the data generation and the next request renders anew.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.integration._alerts import add_scheme, alert_config
from tracker import generation
from tracker.alerts.events import emit_event
from tracker.db import session_scope
from tracker.models import EventKind, Scheme
from tracker.web.app import create_app

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)
FEEDS = ["/feeds/alerts.atom", "/feeds/schemes.rss", "/calendar.ics"]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def app_parts(engine: Engine) -> Iterator[tuple[TestClient, Clock, list[str]]]:
    sid, _wid = add_scheme(
        engine, "Regeling Cachetest", created=NOW - timedelta(days=3),
        opens=NOW + timedelta(days=5), closes=NOW + timedelta(days=40),
    )  # fmt: skip
    with session_scope(engine) as s:
        scheme = s.get(Scheme, sid)
        assert scheme is not None
        emit_event(s, kind=EventKind.SCHEME_NEW, scheme=scheme, dedupe_key="cache:1",
                   now=NOW - timedelta(days=3))  # fmt: skip
    app = create_app(alert_config(), engine)
    clock = Clock()
    app.state.clock = clock
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield TestClient(app), clock, statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("path", FEEDS)
def test_repeat_and_conditional_requests_run_no_feed_query(
    app_parts: tuple[TestClient, Clock, list[str]], path: str
) -> None:
    client, _clock, statements = app_parts
    first = client.get(path)
    assert first.status_code == 200
    assert client.app.state.feed_cache.renders == 1  # type: ignore[attr-defined]
    statements.clear()
    again = client.get(path)
    assert again.content == first.content
    conditional = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert conditional.status_code == 304
    # only a generation look-up ran (the fast path reuses it for a second), no feed query
    assert len(statements) == 1 and "datageneration" in statements[0].lower()
    assert client.app.state.feed_cache.renders == 1  # type: ignore[attr-defined]


def test_a_write_invalidates_the_cached_feed(
    app_parts: tuple[TestClient, Clock, list[str]], engine: Engine
) -> None:
    client, _clock, _statements = app_parts
    before = generation.current(engine)
    first = client.get("/feeds/schemes.rss")
    add_scheme(engine, "Regeling Nieuw Erbij", created=NOW - timedelta(hours=1))
    assert generation.current(engine) > before
    second = client.get("/feeds/schemes.rss", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200
    assert b"Regeling Nieuw Erbij" in second.content
    assert second.headers["etag"] != first.headers["etag"]
    assert client.app.state.feed_cache.renders == 2  # type: ignore[attr-defined]


def test_a_rendering_lives_one_minute_at_most(
    app_parts: tuple[TestClient, Clock, list[str]],
) -> None:
    client, clock, _statements = app_parts
    client.get("/calendar.ics")
    clock.now = NOW + timedelta(seconds=30)
    client.get("/calendar.ics")
    assert client.app.state.feed_cache.renders == 1  # type: ignore[attr-defined]
    clock.now = NOW + timedelta(seconds=61)
    client.get("/calendar.ics")
    assert client.app.state.feed_cache.renders == 2  # type: ignore[attr-defined]


def test_a_read_only_session_leaves_the_generation_alone(engine: Engine) -> None:
    add_scheme(engine, "Regeling Alleen Lezen", created=NOW)
    before = generation.current(engine)
    with session_scope(engine) as s:
        assert s.get(Scheme, 1) is not None
    assert generation.current(engine) == before


def test_savepoints_bump_once_and_a_rolled_back_one_keeps_the_outer_bump(
    engine: Engine,
) -> None:
    """The scrape stores many sources per transaction, each in a savepoint, and every event
    in a savepoint of its own (issue 14): the transaction bumps the generation once at its
    commit, and a source rolled back to its savepoint does not cancel the bump that the
    sources before it need."""
    before = generation.current(engine)
    with session_scope(engine) as s:
        s.add(Scheme(title="Regeling Eerst", slug="eerst"))
        s.flush()
        for i in range(3):
            with s.begin_nested():
                s.add(Scheme(title=f"Regeling {i}", slug=f"r{i}"))
        with pytest.raises(RuntimeError), s.begin_nested():
            s.add(Scheme(title="Regeling Mislukt", slug="mislukt"))
            s.flush()
            raise RuntimeError("bron mislukt")
    assert generation.current(engine) == before + 1


def test_a_conditional_request_is_answered_before_the_app(
    app_parts: tuple[TestClient, Clock, list[str]],
) -> None:
    client, _clock, statements = app_parts
    first = client.get("/feeds/alerts.atom?level=rijk")
    etag = first.headers["etag"]
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    statements.clear()
    for _ in range(3):
        answer = client.get("/feeds/alerts.atom?level=rijk", headers={"If-None-Match": etag})
        assert answer.status_code == 304 and answer.headers["etag"] == etag
    assert cache.fast_hits == 3
    # one generation read in the first fast answer, none after: it is reused for a second
    assert len(statements) == 1 and "datageneration" in statements[0].lower()
    # another filter is another document: not answered from this entry
    other = client.get("/feeds/alerts.atom?level=eu", headers={"If-None-Match": etag})
    assert other.status_code in (200, 304) and cache.fast_hits == 3


def test_a_write_in_this_process_ends_fast_answers_at_once(
    app_parts: tuple[TestClient, Clock, list[str]], engine: Engine
) -> None:
    client, _clock, _statements = app_parts
    first = client.get("/feeds/schemes.rss")
    etag = first.headers["etag"]
    assert client.get("/feeds/schemes.rss", headers={"If-None-Match": etag}).status_code == 304
    add_scheme(engine, "Regeling Direct Zichtbaar", created=NOW - timedelta(hours=1))
    fresh = client.get("/feeds/schemes.rss", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and b"Regeling Direct Zichtbaar" in fresh.content


def test_full_answers_from_the_fast_path_match_the_app(
    app_parts: tuple[TestClient, Clock, list[str]],
) -> None:
    client, _clock, _statements = app_parts
    first = client.get("/feeds/alerts.atom", headers={"Accept-Encoding": "identity"})
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    plain = client.get("/feeds/alerts.atom", headers={"Accept-Encoding": "identity"})
    zipped = client.get("/feeds/alerts.atom", headers={"Accept-Encoding": "gzip"})
    head = client.head("/feeds/alerts.atom", headers={"Accept-Encoding": "identity"})
    assert cache.fast_hits == 3
    assert plain.content == zipped.content == first.content  # httpx decompresses
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["etag"] == plain.headers["etag"]
    for name in ("content-type", "etag", "last-modified", "cache-control", "vary"):
        assert plain.headers[name] == first.headers[name], name
    assert plain.headers["x-content-type-options"] == "nosniff"
    assert head.status_code == 200 and head.content == b""


def test_while_the_next_minute_renders_readers_get_the_previous_rendering(
    app_parts: tuple[TestClient, Clock, list[str]],
) -> None:
    client, clock, _statements = app_parts
    first = client.get("/feeds/schemes.rss")
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    [key] = [k for k in cache.raw.values() if k[0] == "schemes"]
    clock.now = NOW + timedelta(minutes=2)
    lock = cache.key_lock(key)
    assert lock.acquire(blocking=False)  # as if another request were rendering right now
    try:
        meanwhile = client.get("/feeds/schemes.rss")
        assert meanwhile.content == first.content and cache.renders == 1
    finally:
        lock.release()
    client.get("/feeds/schemes.rss")
    assert cache.renders == 2
