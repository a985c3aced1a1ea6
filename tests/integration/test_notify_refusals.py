"""Which SMTP refusals reject a subscription, and which are the server's fault.

Only the recipient's address refused for good (``550 5.1.1`` and kin, at RCPT) rejects that
one subscription. The sender refused at MAIL FROM is an outage: the run stops, every row waits
for the next run and ``tracker notify`` exits 1 with a Dutch error. A message refused at DATA
(``554 5.7.1 spam``) fails that message only, under the rules of a temporary failure. And when
several different addresses are refused in a row with one and the same reply, the server is
at fault, not the addresses: the run stops without rejecting any of them.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from tests.integration._alerts import (
    Recorder,
    add_scheme,
    add_subscription,
    alert_config,
    smtp_server,
)
from tracker.alerts.events import emit_event
from tracker.alerts.notify import notify
from tracker.cli.main import app
from tracker.db import session_scope
from tracker.models import EventKind, OutboxMessage, Scheme, Subscription

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)


def _fan_out(engine: Engine, subscribers: int, events: int = 1) -> list[int]:
    """``subscribers`` confirmed subscriptions, each with ``events`` direct alerts waiting."""
    subs = [
        add_subscription(engine, f"lid{n:03d}@example.org", NOW - timedelta(days=1))
        for n in range(subscribers)
    ]
    sid, _wid = add_scheme(engine, "Regeling Weigeringen", created=NOW)
    for k in range(events):
        with session_scope(engine) as s:
            scheme = s.get(Scheme, sid)
            assert scheme is not None
            emit_event(s, kind=EventKind.SCHEME_NEW, scheme=scheme, dedupe_key=f"weiger-{k}",
                       now=NOW + timedelta(minutes=k))  # fmt: skip
    return subs


def _state(engine: Engine) -> tuple[Counter[str], int, list[OutboxMessage]]:
    """(rows per status, rejected subscriptions, the rows)."""
    with Session(engine) as s:
        rows = list(s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())
        subs = s.exec(select(Subscription)).all()
    return Counter(r.status for r in rows), sum(1 for x in subs if x.rejected_at), rows


class SenderRefused(Recorder):
    """A relay that does not take mail from the configured sender address."""

    refusing = True

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:  # fmt: skip
        if self.refusing:
            return "550 5.7.1 Sender address not allowed"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"


def test_a_refused_sender_stops_the_run_rejects_nobody_and_the_next_run_sends(
    engine: Engine,
) -> None:
    _fan_out(engine, subscribers=20)
    recorder = SenderRefused()
    with smtp_server(recorder) as port:
        config = alert_config(port)
        result = notify(config, engine, now=NOW)
        assert (result.sent, result.rejected, result.deferred) == (0, 0, 20)
        assert result.error == (
            f"De SMTP-server 127.0.0.1:{port} weigert het afzenderadres "
            "signalen@tracker.test (550 5.7.1 Sender address not allowed); "
            "gestopt, de mail blijft wachten. Controleer [smtp] from_address en of de server "
            "mail van dat adres doorlaat."
        )
        statuses, rejected, rows = _state(engine)
        assert statuses == {"pending": 20} and rejected == 0
        assert all(r.claimed_until is None and r.attempts == 0 for r in rows)
        recorder.refusing = False  # the operator fixed the relay
        again = notify(config, engine, now=NOW)
    assert (again.sent, again.rejected, again.error) == (20, 0, "")
    assert len(recorder.messages) == 20


def test_tracker_notify_exits_1_with_a_dutch_error_when_the_sender_is_refused(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    _fan_out(engine, subscribers=3)
    with smtp_server(SenderRefused()) as port:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[database]\nurl = "{db_url}"\n\n[smtp]\nhost = "127.0.0.1"\nport = {port}\n'
            f'security = "none"\ntimeout = 5\nfrom_address = "signalen@tracker.test"\n\n'
            f'[web]\nbase_url = "http://testserver"\n',
            encoding="utf-8",
        )
        result = CliRunner().invoke(app, ["notify", "--config", str(config)])
    assert result.exit_code == 1, result.output
    output = " ".join(result.output.split())  # rich wraps long lines
    assert "Verzonden: 0, geweigerd: 0, uitgesteld: 3" in output
    assert "weigert het afzenderadres signalen@tracker.test (550 5.7.1" in output
    assert _state(engine)[:2] == ({"pending": 3}, 0)


class SpamFilter(Recorder):
    """Refuses the content of messages to some addresses (or to all) at DATA."""

    def __init__(self, refuse_data: set[str] | None = None) -> None:
        super().__init__()
        self.refuse_data = refuse_data  # None: every message

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data is None or set(envelope.rcpt_tos) & self.refuse_data:
            return "554 5.7.1 Message rejected as spam"
        return await super().handle_DATA(server, session, envelope)


def test_a_message_refused_at_data_fails_that_message_but_rejects_no_subscription(
    engine: Engine,
) -> None:
    subs = _fan_out(engine, subscribers=4)
    recorder = SpamFilter({"lid001@example.org"})
    with smtp_server(recorder) as port:
        config = alert_config(port)
        config = config.model_copy(
            update={"smtp": config.smtp.model_copy(update={"max_attempts": 2})}
        )
        first = notify(config, engine, now=NOW)
        assert (first.sent, first.rejected, first.deferred, first.error) == (3, 0, 1, "")
        statuses, rejected, rows = _state(engine)
        assert statuses == {"sent": 3, "pending": 1} and rejected == 0
        [refused] = [r for r in rows if r.status == "pending"]
        assert refused.subscription_id == subs[1] and refused.attempts == 1
        assert refused.last_error == "554 5.7.1 Message rejected as spam"
        second = notify(config, engine, now=NOW)  # second attempt: the message fails for good
        assert (second.sent, second.rejected, second.error) == (0, 0, "")
    statuses, rejected, _rows = _state(engine)
    assert statuses == {"sent": 3, "failed": 1} and rejected == 0
    assert len(recorder.messages) == 3


def test_every_message_refused_at_data_stops_the_run_after_three(engine: Engine) -> None:
    _fan_out(engine, subscribers=20)
    with smtp_server(SpamFilter()) as port:
        result = notify(alert_config(port), engine, now=NOW)
    assert (result.sent, result.rejected, result.deferred) == (0, 0, 20)
    assert result.error.startswith(
        "Gestopt: 3 verschillende adressen op rij geweigerd met hetzelfde antwoord "
        "(554 5.7.1 Message rejected as spam)"
    )
    statuses, rejected, rows = _state(engine)
    assert statuses == {"pending": 20} and rejected == 0
    assert [r.attempts for r in rows] == [1, 1, 1] + [0] * 17
    assert all(r.claimed_until is None for r in rows)


class EveryAddressRefused(Recorder):
    """A server that refuses every recipient with one reply (naming the address, as Postfix
    does): a misconfigured relay, not twenty dead mailboxes. Once fixed (``broken`` False) it
    refuses the addresses in ``refuse`` only."""

    broken = True

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:  # fmt: skip
        if self.broken or address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        return await super().handle_RCPT(server, session, envelope, address, options)


def test_the_same_refusal_of_three_addresses_in_a_row_rejects_none_of_them(
    engine: Engine,
) -> None:
    subs = _fan_out(engine, subscribers=20)
    recorder = EveryAddressRefused()
    with smtp_server(recorder) as port:
        config = alert_config(port)
        result = notify(config, engine, now=NOW)
        assert (result.sent, result.rejected, result.deferred) == (0, 0, 20)
        assert result.error.startswith(
            "Gestopt: 3 verschillende adressen op rij geweigerd met hetzelfde antwoord "
            "(550 5.1.1 <lid000@example.org>: Recipient address rejected: User unknown); "
        )
        assert "geen abonnement afgewezen" in result.error
        statuses, rejected, rows = _state(engine)
        assert statuses == {"pending": 20} and rejected == 0
        assert [r.attempts for r in rows] == [1, 1, 1] + [0] * 17
        # the relay fixed, dead addresses between good ones are each rejected on their own
        recorder.broken = False
        recorder.refuse = {"lid001@example.org", "lid002@example.org", "lid004@example.org"}
        again = notify(config, engine, now=NOW)
    assert (again.sent, again.rejected, again.error) == (17, 3, "")
    with Session(engine) as s:
        rejected_ids = {x.id for x in s.exec(select(Subscription)).all() if x.rejected_at}
    assert rejected_ids == {subs[1], subs[2], subs[4]}
    assert _state(engine)[0] == {"sent": 17, "rejected": 3}


class PolicyRefusals(Recorder):
    """Refusals at RCPT that are not about the recipient's address."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:  # fmt: skip
        if address == "lid000@example.org":
            return "554 5.7.1 <lid000@example.org>: Relay access denied"
        if address == "lid002@example.org":
            # Postfix checks the sender at RCPT time: the reply names the sender
            return "553 5.1.8 <signalen@tracker.test>: Sender address rejected: Domain not found"
        return await super().handle_RCPT(server, session, envelope, address, options)


def test_a_refusal_at_rcpt_that_is_not_about_the_address_rejects_nobody(
    engine: Engine,
) -> None:
    _fan_out(engine, subscribers=3)
    recorder = PolicyRefusals()
    with smtp_server(recorder) as port:
        result = notify(alert_config(port), engine, now=NOW)
    assert (result.sent, result.rejected) == (1, 0)
    assert "weigert het afzenderadres signalen@tracker.test (553 5.1.8" in result.error
    statuses, rejected, rows = _state(engine)
    assert rejected == 0 and statuses == {"sent": 1, "pending": 2}
    assert [r.attempts for r in rows] == [1, 1, 0]  # relay denied: retried; sender: waits
    assert rows[0].last_error == "554 5.7.1 <lid000@example.org>: Relay access denied"
