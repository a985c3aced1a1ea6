"""An unsubscribe (or a rejection) committed while a run is under way stops that address's mail.

A run reads its candidate rows a page at a time; the claim of each row checks again that its
subscription is still active, so once an unsubscribe is committed at most the message already
in flight reaches that address. Its other rows are dropped.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.integration._alerts import (
    Recorder,
    add_scheme,
    add_subscription,
    alert_config,
    smtp_server,
)
from tracker.alerts.events import emit_event
from tracker.alerts.notify import notify
from tracker.alerts.subscriptions import unsubscribe
from tracker.db import session_scope
from tracker.models import EventKind, OutboxMessage, Scheme, Subscription

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)


class LeavesOnArrival(Recorder):
    """Commits, when the n-th message arrives and before accepting it (the message in flight),
    what ``plan[n]`` says: ("afmelden", address) unsubscribes it, ("weigeren", address) marks
    it rejected (as another notifier would after a permanent refusal)."""

    def __init__(self, engine: Engine, plan: dict[int, tuple[str, str]]) -> None:
        super().__init__()
        self.engine, self.plan = engine, plan

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        action, address = self.plan.get(len(self.messages) + 1, ("", ""))
        if action:
            with session_scope(self.engine) as s:
                if action == "afmelden":
                    assert unsubscribe(s, f"u-{address}", NOW) is not None
                else:
                    query = select(Subscription).where(Subscription.email == address)
                    sub = s.exec(query).one()
                    sub.rejected_at = NOW
                    s.add(sub)
        return await super().handle_DATA(server, session, envelope)


def _alerts(engine: Engine, addresses: list[str], events: int) -> None:
    for address in addresses:
        add_subscription(engine, address, NOW - timedelta(days=1))
    sid, _wid = add_scheme(engine, "Regeling Afmelden", created=NOW)
    for k in range(events):
        with session_scope(engine) as s:
            scheme = s.get(Scheme, sid)
            assert scheme is not None
            emit_event(s, kind=EventKind.SCHEME_NEW, scheme=scheme, dedupe_key=f"afmeld-{k}",
                       now=NOW + timedelta(minutes=k))  # fmt: skip


def _rows(engine: Engine, address: str) -> Counter[str]:
    with Session(engine) as s:
        sub = s.exec(select(Subscription).where(Subscription.email == address)).one()
        rows = s.exec(
            select(OutboxMessage)
            .where(OutboxMessage.subscription_id == sub.id)
            .order_by(col(OutboxMessage.id))
        ).all()
    return Counter(r.status for r in rows)


def test_no_mail_goes_to_an_address_after_its_unsubscribe_is_committed(engine: Engine) -> None:
    _alerts(engine, ["weg@example.org"], events=40)
    recorder = LeavesOnArrival(engine, {3: ("afmelden", "weg@example.org")})
    with smtp_server(recorder) as port:
        result = notify(alert_config(port), engine, now=NOW)
    assert (result.sent, result.error) == (3, "")  # the third was in flight
    assert len(recorder.messages) == 3
    assert _rows(engine, "weg@example.org") == {"sent": 3, "dropped": 37}


def test_others_keep_their_mail_when_one_unsubscribes_and_one_is_rejected_mid_run(
    engine: Engine,
) -> None:
    _alerts(engine, ["weg@example.org", "blijft@example.org", "stuk@example.org"], events=10)
    # messages go weg, blijft, stuk per alert; weg leaves on the 2nd, stuk is rejected on the
    # 6th (blijft's third): weg then got 1, stuk 2
    plan = {2: ("afmelden", "weg@example.org"), 6: ("weigeren", "stuk@example.org")}
    recorder = LeavesOnArrival(engine, plan)
    with smtp_server(recorder) as port:
        result = notify(alert_config(port), engine, now=NOW)
    received = Counter(str(m["To"]) for m in recorder.messages)
    assert received == {"weg@example.org": 1, "blijft@example.org": 10, "stuk@example.org": 2}
    assert (result.sent, result.error) == (13, "")
    assert _rows(engine, "weg@example.org") == {"sent": 1, "dropped": 9}
    assert _rows(engine, "blijft@example.org") == {"sent": 10}
    assert _rows(engine, "stuk@example.org") == {"sent": 2, "dropped": 8}
