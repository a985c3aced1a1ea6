"""`tracker notify` drains the whole outbox in one run over one SMTP connection (issue 14).

More rows than ``[smtp] batch_size`` go out in one call; a fan-out reads its event once per
claim page, and every row is still claimed before it is sent (one row per claim).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration._alerts import (
    Recorder,
    add_scheme,
    add_subscription,
    alert_config,
    smtp_server,
)
from tracker.alerts.events import emit_event
from tracker.alerts.notify import claim_rows, notify, release_claims
from tracker.db import session_scope
from tracker.models import EventKind, OutboxMessage, OutboxStatus, Scheme

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)


def _fan_out(engine: Engine, subscribers: int) -> None:
    for n in range(subscribers):
        add_subscription(engine, f"lid{n:03d}@example.org", NOW - timedelta(days=1))
    sid, _wid = add_scheme(engine, "Regeling Leegmaken", created=NOW)
    with session_scope(engine) as s:
        scheme = s.get(Scheme, sid)
        assert scheme is not None
        emit_event(s, kind=EventKind.SCHEME_NEW, scheme=scheme, dedupe_key="drain", now=NOW)


def test_one_run_sends_more_than_a_batch_over_one_connection(engine: Engine) -> None:
    _fan_out(engine, subscribers=30)
    recorder = Recorder()
    with smtp_server(recorder) as port:
        config = alert_config(port)
        config = config.model_copy(
            update={"smtp": config.smtp.model_copy(update={"batch_size": 5})}
        )
        result = notify(config, engine, now=NOW)
    assert (result.sent, result.deferred, result.error) == (30, 0, "")
    assert len(recorder.messages) == 30
    assert len({m["Message-ID"] for m in recorder.messages}) == 30
    with Session(engine) as s:
        rows = s.exec(select(OutboxMessage)).all()
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert all(r.claimed_until is None for r in rows)


def test_claims_are_taken_in_order_and_given_back(engine: Engine) -> None:
    _fan_out(engine, subscribers=4)
    first = claim_rows(engine, "a", NOW, timedelta(minutes=5), limit=3)
    assert len(first) == 3 and first == sorted(first)
    # claimed rows are not claimed again until given back
    second = claim_rows(engine, "b", NOW, timedelta(minutes=5), limit=3)
    assert len(second) == 1 and second[0] > first[-1]
    release_claims(engine, first, "a")
    again = claim_rows(engine, "b", NOW, timedelta(minutes=5), limit=10)
    assert again == first
