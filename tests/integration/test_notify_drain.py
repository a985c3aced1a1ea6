"""`tracker notify` drains the whole outbox in one run over one SMTP connection (issue 14).

More rows than ``[smtp] batch_size`` go out in one call over one connection; every row is
still claimed before it is sent, one row at a time, so a notifier that dies holds back only
the message in flight, and that one alone comes again (after its claim ran out, with the same
Message-ID). Housekeeping before the drain (``drop_stale``) works on sets, not loaded rows.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

import tracker.alerts.notify as notify_module
from tests.integration._alerts import (
    Recorder,
    add_scheme,
    add_subscription,
    alert_config,
    smtp_server,
)
from tracker.alerts.events import emit_event
from tracker.alerts.notify import CLAIM_TTL, PAGE, claim_rows, notify, release_claims
from tracker.alerts.outbox import STALE_HELD, drop_stale
from tracker.alerts.subscriptions import SubscriptionRequest, create_subscription
from tracker.db import session_scope
from tracker.models import Event, EventKind, OutboxMessage, OutboxStatus, Scheme, Subscription

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)


def _fan_out(engine: Engine, subscribers: int) -> None:
    for n in range(subscribers):
        add_subscription(engine, f"lid{n:03d}@example.org", NOW - timedelta(days=1))
    sid, _wid = add_scheme(engine, "Regeling Leegmaken", created=NOW)
    with session_scope(engine) as s:
        scheme = s.get(Scheme, sid)
        assert scheme is not None
        emit_event(s, kind=EventKind.SCHEME_NEW, scheme=scheme, dedupe_key="drain", now=NOW)


class ConnectionCounter(Recorder):
    """A Recorder that also counts SMTP sessions (one EHLO per connection)."""

    def __init__(self) -> None:
        super().__init__()
        self.connections = 0

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:  # fmt: skip
        self.connections += 1
        session.host_name = hostname
        return responses


def test_one_run_sends_more_than_a_batch_over_one_connection(engine: Engine) -> None:
    # more than a candidate page, so the run also crosses page boundaries
    _fan_out(engine, subscribers=PAGE + 30)
    recorder = ConnectionCounter()
    with smtp_server(recorder) as port:
        config = alert_config(port)
        config = config.model_copy(
            update={"smtp": config.smtp.model_copy(update={"batch_size": 5})}
        )
        result = notify(config, engine, now=NOW)
    assert (result.sent, result.deferred, result.error) == (PAGE + 30, 0, "")
    assert recorder.connections == 1
    assert len(recorder.messages) == PAGE + 30
    assert len({m["Message-ID"] for m in recorder.messages}) == PAGE + 30
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


class Killed(BaseException):
    """Stands in for kill -9: nothing after it runs in the notifier (no except clause)."""


def test_a_killed_notifier_holds_back_only_the_message_in_flight(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fan_out(engine, subscribers=12)
    real_send = notify_module._send
    calls = 0

    def send_then_die(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        outcome = real_send(*args, **kwargs)
        if calls == 5:  # the server accepted the 5th message; its outcome is never written
            raise Killed
        return outcome

    recorder = Recorder()
    with smtp_server(recorder) as port:
        config = alert_config(port)
        monkeypatch.setattr(notify_module, "_send", send_then_die)
        with pytest.raises(Killed):
            notify(config, engine, now=NOW, owner="dies")
        monkeypatch.setattr(notify_module, "_send", real_send)
        with Session(engine) as s:
            rows = s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        statuses = Counter(r.status for r in rows)
        claimed = [r for r in rows if r.status == "pending" and r.claimed_until is not None]
        assert statuses == {"sent": 4, "pending": 8}
        assert len(claimed) == 1, "a dead notifier may hold back the message in flight only"
        in_flight = claimed[0]
        # another notifier sends everything else at once, and not the message in flight
        assert notify(config, engine, now=NOW, owner="next").sent == 7
        assert len(recorder.messages) == 12
        assert len({m["Message-ID"] for m in recorder.messages}) == 12
        # once the claim ran out the one message goes again, with the same Message-ID
        assert in_flight.claimed_until is not None
        assert in_flight.claimed_until >= NOW + CLAIM_TTL
        later = in_flight.claimed_until + timedelta(seconds=1)
        assert notify(config, engine, now=later, owner="later").sent == 1
        assert notify(config, engine, now=later, owner="later").sent == 0
    received = Counter(str(m["Message-ID"]) for m in recorder.messages)
    assert sorted(received.values()) == [1] * 11 + [2]
    with Session(engine) as s:
        again = s.get(OutboxMessage, in_flight.id)
        assert again is not None and again.status == "sent"
        assert received[again.message_id] == 2
        assert {r.status for r in s.exec(select(OutboxMessage)).all()} == {"sent"}


def test_drop_stale_drops_dead_addresses_confirmed_confirmations_and_month_old_holds(
    engine: Engine,
) -> None:
    gone = add_subscription(engine, "weg@example.org", NOW - timedelta(days=40))
    bounced = add_subscription(engine, "stuk@example.org", NOW - timedelta(days=40))
    live = add_subscription(engine, "blijft@example.org", NOW - timedelta(days=40))
    sid, _wid = add_scheme(engine, "Regeling Opruimen", created=NOW - timedelta(days=40))
    old = NOW - STALE_HELD - timedelta(days=1)
    with session_scope(engine) as s:
        scheme = s.get(Scheme, sid)
        assert scheme is not None
        held = emit_event(s, kind=EventKind.SCHEME_NEW, scheme=scheme, dedupe_key="oud", now=old)
        fresh = emit_event(s, kind=EventKind.SCHEME_NEW, scheme=scheme, dedupe_key="nieuw",
                           now=NOW)  # fmt: skip
        assert held is not None and fresh is not None
        held_id, fresh_id = held.id, fresh.id
    with session_scope(engine) as s:
        for sub_id, field in ((gone, "unsubscribed_at"), (bounced, "rejected_at")):
            sub = s.get(Subscription, sub_id)
            assert sub is not None
            setattr(sub, field, NOW - timedelta(days=1))
            s.add(sub)
        event = s.get(Event, held_id)
        assert event is not None
        event.published = False  # held for review for more than a month
        s.add(event)
        request = SubscriptionRequest(email="nieuw@example.org")
        confirming = create_subscription(s, alert_config(), request, NOW)
        confirming.confirmed_at = NOW  # confirmed: its confirmation mail is moot
        s.add(confirming)
    with Session(engine) as s:
        pending = sum(1 for r in s.exec(select(OutboxMessage)).all() if r.status == "pending")
    with session_scope(engine) as s:
        dropped = drop_stale(s, NOW)
    with Session(engine) as s:
        rows = s.exec(select(OutboxMessage)).all()
    kept = [(r.subscription_id, r.key) for r in rows if r.status == "pending"]
    assert kept == [(live, f"event:{fresh_id}")], kept
    assert pending == 7 and dropped == 6
    assert {r.status for r in rows} == {"pending", "dropped"}


class Busy(Recorder):
    """Refuses one address for now (451) and takes the rest."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:  # fmt: skip
        if address == "lid001@example.org":
            return "451 4.3.0 Probeer het later"
        return await super().handle_RCPT(server, session, envelope, address, options)


def test_a_temporary_refusal_is_retried_until_max_attempts_then_fails(engine: Engine) -> None:
    _fan_out(engine, subscribers=3)
    recorder = Busy()
    with smtp_server(recorder) as port:
        config = alert_config(port)
        config = config.model_copy(
            update={"smtp": config.smtp.model_copy(update={"max_attempts": 2})}
        )
        first = notify(config, engine, now=NOW)
        assert (first.sent, first.deferred, first.rejected) == (2, 1, 0)
        with Session(engine) as s:
            row = s.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).one()
            assert (row.attempts, row.claimed_until) == (1, None)
            assert row.last_error.startswith("451") and row.message_id
        second = notify(config, engine, now=NOW)
        assert (second.sent, second.deferred) == (0, 1)
        assert notify(config, engine, now=NOW).deferred == 0
    with Session(engine) as s:
        statuses = Counter(r.status for r in s.exec(select(OutboxMessage)).all())
        failed = s.exec(select(OutboxMessage).where(OutboxMessage.status == "failed")).one()
    assert statuses == {"sent": 2, "failed": 1} and failed.attempts == 2
    assert len(recorder.messages) == 2
