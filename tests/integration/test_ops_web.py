"""Issue 13, web side: login throttling that cannot lock out the real user, sessions revoked
server-side, GET /readyz and GET /metrics (SQLite and PostgreSQL). The clock is injected."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tests.conftest import NOW
from tests.e2e.support import STAFF, add_staff, csrf_from, login, make_app, scraped_config
from tracker.config import Config, StaffConfig, WebConfig
from tracker.db import make_engine
from tracker.models import (
    Event,
    Heartbeat,
    LoginFailure,
    OutboxMessage,
    OutboxStatus,
    RunStatus,
    ScrapeRun,
    StaffSession,
    Subscription,
)
from tracker.ops.replay import ReplayServer
from tracker.ops.schedule import heartbeat_job, tick_job
from tracker.staff.users import set_password
from tracker.web.auth import LoginThrottle

ATTACKER = ("203.0.113.66", 40000)
OFFICE = ("198.51.100.7", 40001)


class Clock:
    """The app's clock (``app.state.clock``), moved by hand: tests never sleep."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def staff_config(engine: Engine) -> Config:
    add_staff(engine)
    return Config(staff=StaffConfig(login_attempts=5, login_window_seconds=300))


def _client(config: Config, engine: Engine, clock: Clock, address: tuple[str, int]) -> TestClient:
    app = make_app(config, engine)
    app.state.clock = clock
    return TestClient(app, client=address)


def _try(client: TestClient, password: str, username: str = STAFF[0]) -> tuple[int, str]:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return response.status_code, response.headers.get("retry-after", "")


def test_wrong_passwords_from_one_client_do_not_lock_out_the_real_user(
    staff_config: Config, engine: Engine
) -> None:
    clock = Clock(NOW)
    app = make_app(staff_config, engine)
    app.state.clock = clock
    attacker, office = TestClient(app, client=ATTACKER), TestClient(app, client=OFFICE)
    for _ in range(5):
        assert _try(attacker, "wrong password")[0] == 401
    # the attacker now waits; the real user on another address logs in at once
    assert _try(attacker, STAFF[1]) == (429, "1")
    assert _try(office, STAFF[1])[0] == 303
    assert office.get("/beheer", follow_redirects=False).status_code == 200


def test_repeated_failures_from_one_client_wait_longer_and_longer(
    staff_config: Config, engine: Engine
) -> None:
    clock = Clock(NOW)
    attacker = _client(staff_config, engine, clock, ATTACKER)
    waits = []
    for _ in range(5):
        assert _try(attacker, "wrong password")[0] == 401
    for _ in range(4):
        status, retry_after = _try(attacker, "wrong password")
        assert status == 429  # refused without checking the password
        waits.append(int(retry_after))
        clock.now += timedelta(seconds=int(retry_after))
        assert _try(attacker, "wrong password")[0] == 401  # the wait is over: one more try
    assert waits == [1, 2, 4, 8]
    # no hard lock: after the wait even this client logs in with the right password
    status, retry_after = _try(attacker, STAFF[1])
    assert status == 429 and retry_after == "16"
    clock.now += timedelta(seconds=16)
    assert _try(attacker, STAFF[1])[0] == 303
    # success forgets the failures of this client for this user
    assert _try(attacker, "wrong password")[0] == 401


def test_failures_are_forgotten_after_the_window(staff_config: Config, engine: Engine) -> None:
    clock = Clock(NOW)
    attacker = _client(staff_config, engine, clock, ATTACKER)
    for _ in range(8):
        assert _try(attacker, "wrong password")[0] == 401
        clock.now += timedelta(seconds=staff_config.staff.login_window_seconds + 1)


def test_the_delay_doubles_up_to_the_window_and_never_becomes_a_lock(engine: Engine) -> None:
    throttle = LoginThrottle(engine, attempts=5, window=300)
    keys, now = ["pair:a\nanna"], NOW.timestamp()
    waits = []
    for _ in range(16):
        throttle.failed(keys, now)
        waits.append(throttle.wait(keys, now))
        now += throttle.wait(keys, now)
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert throttle.wait(keys, now) == 0  # every wait ends
    assert throttle.wait(["pair:b\nanna"], now) == 0  # another client is not affected


def test_every_web_process_of_a_deployment_counts_the_same_failures(
    staff_config: Config, engine: Engine
) -> None:
    """Two `tracker serve` on one database: the tries an attacker spends on one count on the
    other, so more instances give no more tries; the office is not slowed on either."""
    clock = Clock(NOW)
    first = _client(staff_config, engine, clock, ATTACKER)
    second = _client(staff_config, engine, clock, ATTACKER)
    assert first.app is not second.app
    statuses = [_try(client, "wrong password")[0] for client in (first, second) * 3]
    assert statuses == [401, 401, 401, 401, 401, 429]  # 5 free tries in all, not 5 each
    assert _try(first, "wrong password")[0] == 429
    assert _try(_client(staff_config, engine, clock, OFFICE), STAFF[1])[0] == 303
    with Session(engine) as s:
        kept = s.exec(select(LoginFailure)).all()
    # what is kept names neither the address nor the user name the attacker typed
    assert kept and all(len(row.key) == 64 and ATTACKER[0] not in row.key for row in kept)


def test_a_client_trying_many_user_names_is_slowed(engine: Engine) -> None:
    add_staff(engine)
    config = Config(staff=StaffConfig(login_attempts=2))
    clock = Clock(NOW)
    app = make_app(config, engine)
    app.state.clock = clock
    attacker, office = TestClient(app, client=ATTACKER), TestClient(app, client=OFFICE)
    statuses = [_try(attacker, "wrong password", f"user{i}")[0] for i in range(8)]
    assert statuses == [401] * 8  # 2 per name, 4 x 2 in all from this client
    assert _try(attacker, "wrong password", "user99")[0] == 429
    assert _try(office, STAFF[1])[0] == 303


def test_logout_revokes_the_session_so_a_replayed_cookie_is_refused(
    staff_config: Config, engine: Engine
) -> None:
    clock = Clock(NOW)
    with _client(staff_config, engine, clock, OFFICE) as c:
        login(c)
        cookie = c.cookies.get("tracker_session")
        assert cookie and c.get("/beheer", follow_redirects=False).status_code == 200
        token = csrf_from(c.get("/beheer").text)
        assert (
            c.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
        )
        with Session(engine) as s:
            assert s.exec(select(StaffSession)).all() == []
    with _client(staff_config, engine, clock, ATTACKER) as thief:
        thief.cookies.set("tracker_session", cookie)
        page = thief.get("/beheer", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert thief.get("/api/v1/sources").status_code in (401, 404)


def test_password_change_ends_every_session_of_that_user(
    staff_config: Config, engine: Engine
) -> None:
    clock = Clock(NOW)
    add_staff(engine, "bert", "another long password")
    laptop = _client(staff_config, engine, clock, OFFICE)
    phone = _client(staff_config, engine, clock, ATTACKER)
    colleague = _client(staff_config, engine, clock, ("192.0.2.9", 1))
    login(laptop)
    login(phone)
    login(colleague, "bert", "another long password")
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(StaffSession)).one() == 3
        assert set_password(s, STAFF[0], "a brand new password 2026")
        s.commit()
        assert [r.username for r in s.exec(select(StaffSession)).all()] == ["bert"]
    for client in (laptop, phone):
        assert client.get("/beheer", follow_redirects=False).status_code == 303
    assert colleague.get("/beheer", follow_redirects=False).status_code == 200
    login(laptop, STAFF[0], "a brand new password 2026")
    assert laptop.get("/beheer", follow_redirects=False).status_code == 200


def test_a_password_changed_without_revoking_still_ends_old_sessions(
    staff_config: Config, engine: Engine
) -> None:
    """Defence in depth: the cookie carries a fingerprint of the password hash."""
    from tracker.models import User
    from tracker.staff.users import _HASHER

    clock = Clock(NOW)
    c = _client(staff_config, engine, clock, OFFICE)
    login(c)
    with Session(engine) as s:
        user = s.exec(select(User).where(User.username == STAFF[0])).one()
        user.password_hash = _HASHER.hash("set behind the app's back")
        s.add(user)
        s.commit()
    assert c.get("/beheer", follow_redirects=False).status_code == 303


def test_sessions_end_after_session_hours_server_side(staff_config: Config, engine: Engine) -> None:
    clock = Clock(NOW)
    c = _client(staff_config, engine, clock, OFFICE)
    login(c)
    clock.now += timedelta(hours=staff_config.staff.session_hours, seconds=1)
    assert c.get("/beheer", follow_redirects=False).status_code == 303


# --- /readyz


def test_readyz_reports_database_schema_and_scheduler(engine: Engine) -> None:
    clock = Clock(NOW)
    client = _client(Config(), engine, clock, OFFICE)
    first = client.get("/readyz")
    assert first.status_code == 503
    assert first.json()["reason"] == "de planner (tracker run) heeft nog nooit gedraaid"
    heartbeat_job(engine, NOW)
    tick_job(Config(), engine, NOW - timedelta(minutes=30))
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["ready"] is True and body["database"] == "ok"
    assert datetime.fromisoformat(body["last_tick_at"]) == NOW - timedelta(minutes=30)
    assert datetime.fromisoformat(body["scheduler_beat_at"]) == NOW
    clock.now = NOW + timedelta(minutes=10)  # the scheduler died ten minutes ago
    stale = client.get("/readyz")
    assert stale.status_code == 503 and "10 minuten" in stale.json()["reason"]
    cron_only = Config(web=WebConfig(readyz_scheduler=False))
    assert _client(cron_only, engine, clock, OFFICE).get("/readyz").status_code == 200


def test_readyz_says_503_when_the_schema_is_behind(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    heartbeat_job(engine, NOW)
    response = _client(Config(), engine, Clock(NOW), OFFICE).get("/readyz")
    assert response.status_code == 503
    assert "tracker db upgrade" in response.json()["reason"]


def test_readyz_says_503_when_the_database_is_unreachable(engine: Engine) -> None:
    dead = make_engine("postgresql://nobody@127.0.0.1:1/tracker", upgrade=False)
    client = _client(Config(), engine, Clock(NOW), OFFICE)
    client.app.state.engine = dead  # type: ignore[attr-defined]
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["ready"] is False
    assert "127.0.0.1:1" in response.json()["reason"]
    metrics = _metrics(client)
    assert metrics["tracker_database_up"] == {(): 0.0}
    dead.dispose()


# --- /metrics


def _metrics(client: TestClient) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    out: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            out.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return out


@pytest.fixture
def scraped(engine: Engine, replay: ReplayServer) -> Iterator[Config]:
    yield scraped_config(replay, engine)


def test_metrics_come_from_the_database_and_agree_across_instances(
    scraped: Config, engine: Engine
) -> None:
    with Session(engine) as s:
        s.add(
            ScrapeRun(
                source_id="stcrt",
                started_at=NOW + timedelta(hours=1),
                finished_at=NOW + timedelta(hours=1, seconds=2.5),
                status=RunStatus.FAILED,
                error="HTTP 500",
            )
        )
        s.add(
            ScrapeRun(
                source_id="stcrt",
                started_at=NOW + timedelta(hours=2),
                finished_at=NOW + timedelta(hours=2),
                status=RunStatus.REFUSED,
            )
        )
        sub = Subscription(email="a@example.org", confirm_token="c", unsubscribe_token="u")
        s.add(sub)
        s.flush()
        statuses = [OutboxStatus.SENT] * 3 + [OutboxStatus.PENDING] * 2 + [OutboxStatus.FAILED]
        statuses += [OutboxStatus.REJECTED]
        for i, status in enumerate(statuses):
            s.add(
                OutboxMessage(subscription_id=sub.id or 0, key=f"k{i}", kind="event", status=status)
            )
        s.add(OutboxMessage(subscription_id=sub.id or 0, key="item", kind="item",
                            status=OutboxStatus.PENDING))  # fmt: skip
        s.add(Heartbeat(name="scheduler", owner="x", beat_at=NOW))
        s.commit()
        kinds = dict(s.exec(select(Event.kind, func.count()).group_by(col(Event.kind))).all())
        runs = s.exec(select(ScrapeRun).where(ScrapeRun.source_id == "prb")).all()
    one = _client(scraped, engine, Clock(NOW), OFFICE)
    other = _client(scraped, engine, Clock(NOW), ATTACKER)  # a second instance
    metrics = _metrics(one)
    assert metrics == _metrics(other)
    total = metrics["tracker_scrape_runs_total"]
    assert total[(("source", "stcrt"), ("status", "ok"))] == 1
    assert total[(("source", "stcrt"), ("status", "failed"))] == 1
    assert total[(("source", "stcrt"), ("status", "refused"))] == 1
    assert total[(("source", "prb"), ("status", "ok"))] == 1
    assert metrics["tracker_scrape_last_run_seconds"][(("source", "stcrt"),)] == 0.0
    prb = sum(r.duration for r in runs)
    assert metrics["tracker_scrape_run_seconds_total"][(("source", "prb"),)] == pytest.approx(
        prb, abs=0.01
    )
    assert metrics["tracker_scrape_run_seconds_total"][(("source", "stcrt"),)] >= 2.5
    events = metrics["tracker_events_total"]
    assert {dict(k)["kind"]: v for k, v in events.items()} == kinds and kinds
    assert metrics["tracker_mails_sent_total"] == {(): 3.0}
    assert metrics["tracker_mails_failed_total"] == {(): 2.0}
    assert metrics["tracker_mails_pending"] == {(): 2.0}
    assert metrics["tracker_heartbeat_timestamp_seconds"] == {
        (("name", "scheduler"),): NOW.timestamp()
    }


def test_metrics_count_feed_requests_and_304s_per_process(scraped: Config, engine: Engine) -> None:
    client = _client(scraped, engine, Clock(NOW), OFFICE)
    first = client.get("/feeds/alerts.rss")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert client.get("/feeds/alerts.rss", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/calendar.ics").status_code == 200
    assert client.get("/feeds/schemes.atom").status_code == 200
    client.get("/beheer", follow_redirects=False)  # not a feed
    metrics = _metrics(client)
    assert metrics["tracker_feed_requests_total"] == {
        (("feed", "alerts"),): 2.0,
        (("feed", "calendar"),): 1.0,
        (("feed", "schemes"),): 1.0,
    }
    assert metrics["tracker_feed_not_modified_total"] == {(("feed", "alerts"),): 1.0}
    # another instance has its own request counters but the same database counters
    other = _client(scraped, engine, Clock(NOW), OFFICE)
    assert "tracker_feed_requests_total" not in _metrics(other)
