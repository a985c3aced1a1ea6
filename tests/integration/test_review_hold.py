"""Issue 10: a window the extractor is unsure of (review: true) reaches no feed, calendar or mail
before a staff member approves it; with the default config (hold_low_confidence on, the
extractor's calibrated threshold). Both databases, over the replay server."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import NOW
from tests.e2e.support import add_staff, login, make_app, post_form, scraped_config
from tests.integration._alerts import add_subscription
from tracker.alerts.notify import pending_ids
from tracker.config import ReviewConfig
from tracker.models import Event, OutboxMessage, Window
from tracker.ops.replay import ReplayServer
from tracker.windows.confidence import CALIBRATION


def _mail_ready(engine: Engine, event_id: int) -> bool:
    with Session(engine) as s:
        ready = set(pending_ids(s, 100_000))
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "event")).all()
        return any(r.id in ready for r in rows if event_id in (r.event_ids or []))


def test_review_true_window_is_held_until_staff_approve(
    engine: Engine, replay: ReplayServer
) -> None:
    assert ReviewConfig() == ReviewConfig(
        hold_low_confidence=True, confidence_threshold=CALIBRATION.threshold
    )
    add_staff(engine)
    add_subscription(engine, "lezer@example.org", NOW - timedelta(days=1))
    config = scraped_config(replay, engine)  # the default [review] section
    with Session(engine) as s:
        held = s.exec(
            select(Event).where(col(Event.published).is_(False), col(Event.window_id).is_not(None))
        ).all()
        assert held, "the bundled texts hold windows the extractor wants reviewed"
        event = held[0]
        window = s.get(Window, event.window_id)
        assert window is not None and window.confidence < CALIBRATION.threshold
        siblings = [e for e in held if e.window_id == window.id]
    assert event.id is not None and not _mail_ready(engine, event.id)
    with TestClient(make_app(config, engine)) as client:
        login(client)
        before = client.get("/feeds/alerts.rss").text.count("<item>")
        done = post_form(
            client,
            "/beheer/beoordelen",
            f"/beheer/beoordelen/{window.id}",
            {"decision": "approved"},
        )
        assert done.status_code == 303
        after = client.get("/feeds/alerts.rss").text.count("<item>")
    assert after == before + len(siblings)
    with Session(engine) as s:
        approved = s.get(Event, event.id)
        assert approved is not None and approved.published
    # mail now waits only on what it always waits on: a first run's baseline events never mail
    assert _mail_ready(engine, event.id) is not approved.baseline


def test_a_held_window_is_not_public_until_approved_and_a_rejected_one_never(
    engine: Engine, replay: ReplayServer
) -> None:
    """Held dates reach no calendar, API or public list either (a calendar subscriber would
    import them): staff see them in the review queue and on their own pages; approved, they
    are public; rejected, they stay out."""
    add_staff(engine)
    config = scraped_config(replay, engine)
    with Session(engine) as s:
        held = s.exec(
            select(Event).where(col(Event.published).is_(False), col(Event.window_id).is_not(None))
        ).all()
        ids = sorted({e.window_id for e in held if e.window_id is not None})
    assert ids, "the bundled texts hold windows the extractor wants reviewed"

    def public(client: TestClient) -> tuple[set[int], str]:
        windows = {w["id"] for w in client.get("/api/windows", params={"limit": 500}).json()}
        return windows, client.get("/calendar.ics").text

    with TestClient(make_app(config, engine)) as anonymous:
        shown, calendar = public(anonymous)
        for wid in ids:
            assert wid not in shown and f"window-{wid}-" not in calendar
    with TestClient(make_app(config, engine)) as client:
        login(client)
        staff_view = {w["id"] for w in client.get("/api/windows", params={"limit": 500}).json()}
        assert set(ids) & staff_view, "staff still see the held windows"
        for wid, verdict in ((ids[0], "approved"), *((i, "rejected") for i in ids[1:])):
            post_form(client, "/beheer/beoordelen", f"/beheer/beoordelen/{wid}",
                      {"decision": verdict})  # fmt: skip
    with TestClient(make_app(config, engine)) as anonymous:
        shown, calendar = public(anonymous)
        with Session(engine) as s:
            first = s.get(Window, ids[0])
            assert first is not None
            copies = {
                w.id for w in s.exec(select(Window).where(Window.scheme_id == first.scheme_id))
            }
        assert copies & shown, "approved: its span is public"
        for wid in ids[1:]:
            assert wid not in shown and f"window-{wid}-" not in calendar, "rejected stays out"
