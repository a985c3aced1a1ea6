"""Mail exactly once in effect: two notifiers on one outbox; kill -9 of `tracker notify`.

Every test runs on SQLite and PostgreSQL against a real SMTP server (aiosmtpd) on loopback,
and asserts 0 lost and 0 duplicate mails; after a kill -9 at most the one message in flight
may arrive twice, and then with the same Message-ID.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tests.faults._support import kill_count, kill_when, report, seed, start_cli, write_config
from tests.integration._alerts import (
    Recorder,
    add_scheme,
    add_subscription,
    alert_config,
    smtp_server,
)
from tracker.alerts.events import emit_event
from tracker.alerts.notify import notify
from tracker.db import make_engine, session_scope
from tracker.models import EventKind, OutboxMessage, Scheme

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)


class CountingRecorder(Recorder):
    """A Recorder that is safe to read from the test thread while the server appends."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            return await super().handle_DATA(server, session, envelope)

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


def fill_outbox(engine: Engine, subscribers: int, events: int) -> int:
    """``subscribers`` × ``events`` direct alerts waiting in the outbox."""
    for n in range(subscribers):
        add_subscription(engine, f"u{n:03d}@example.org", NOW - timedelta(days=1))
    sid, _wid = add_scheme(engine, "Regeling Storingstest", created=NOW)
    for k in range(events):
        with session_scope(engine) as s:
            scheme = s.get(Scheme, sid)
            assert scheme is not None
            emit_event(s, kind=EventKind.SCHEME_NEW, scheme=scheme, dedupe_key=f"fault-{k}",
                       now=NOW + timedelta(minutes=k))  # fmt: skip
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(OutboxMessage)).one()


def outcome(engine: Engine, recorder: Recorder) -> tuple[int, int, Counter[str]]:
    """(rows not sent, rows sent but never received, received count per Message-ID)."""
    received = Counter(str(m["Message-ID"]) for m in recorder.messages)
    with Session(engine) as s:
        rows = s.exec(select(OutboxMessage)).all()
    unsent = sum(1 for r in rows if r.status != "sent")
    lost = sum(1 for r in rows if r.message_id not in received)
    return unsent, lost, received


def test_two_notifiers_on_one_outbox_send_every_mail_once(db_url: str, engine: Engine) -> None:
    total = fill_outbox(engine, subscribers=40, events=5)
    assert total == 200
    recorder = CountingRecorder()
    with smtp_server(recorder) as port:
        config = alert_config(port)
        engines = [make_engine(db_url), make_engine(db_url)]
        results: dict[str, Any] = {}
        barrier = threading.Barrier(2)

        def run(name: str, eng: Engine) -> None:
            barrier.wait()
            results[name] = notify(config, eng, now=NOW, owner=name)

        threads = [threading.Thread(target=run, args=(f"n{i}", e)) for i, e in enumerate(engines)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        for e in engines:
            e.dispose()
    unsent, lost, received = outcome(engine, recorder)
    duplicates = sum(n - 1 for n in received.values())
    sent = {name: r.sent for name, r in results.items()}
    report(f"two notifiers [{engine.dialect.name}]: {total} mails, sent per notifier {sent}, "
           f"lost {lost}, duplicates {duplicates}")  # fmt: skip
    assert (unsent, lost, duplicates) == (0, 0, 0)
    assert sum(sent.values()) == total and len(received) == total
    assert all(r.error == "" for r in results.values())


def _notify_config(tmp_path: Path, db_url: str, port: int) -> Path:
    return write_config(
        tmp_path / "notify.toml",
        f"""
[database]
url = "{db_url}"

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
timeout = 5
from_address = "signalen@tracker.test"

[web]
base_url = "http://testserver"
""",
    )


def test_kill_9_of_notify_loses_nothing_and_resends_at_most_the_message_in_flight(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    total = fill_outbox(engine, subscribers=50, events=5)
    rng = random.Random(seed())
    recorder = CountingRecorder()
    kills = 0
    with smtp_server(recorder) as port:
        config_path = _notify_config(tmp_path, db_url, port)
        for _round in range(kill_count()):
            before = recorder.count()
            target = before + rng.randint(0, 12)
            proc = start_cli("notify", "--config", str(config_path))
            # kill at a random moment: after a random number of accepted messages, plus jitter
            # (no jitter hits the window between the server's acceptance and the commit)
            delay = rng.choice([0.0, 0.0, rng.uniform(0, 0.02)])
            if kill_when(proc, lambda t=target: recorder.count() >= t, delay=delay):
                kills += 1
            else:
                assert proc.returncode == 0, proc.stderr_text  # type: ignore[attr-defined]
        # then run it to the end, after the claims of the killed notifiers expired
        with Session(engine) as s:
            claimed = s.exec(select(func.max(col(OutboxMessage.claimed_until)))).one()
        finish = max(NOW, claimed or NOW) + timedelta(seconds=1)
        while notify(alert_config(port), engine, now=finish).sent:
            pass
    unsent, lost, received = outcome(engine, recorder)
    resent = {mid: n for mid, n in received.items() if n > 1}
    report(f"kill -9 notify [{engine.dialect.name}]: {total} mails, {kills} kills, "
           f"lost {lost}, resent {sum(n - 1 for n in resent.values())} "
           f"(same Message-ID, in flight at a kill)")  # fmt: skip
    assert kills >= min(kill_count(), 10) or kills == kill_count()
    assert (unsent, lost) == (0, 0)
    # only a message in flight at a kill may come twice, and it keeps its Message-ID
    assert sum(n - 1 for n in resent.values()) <= kills
    assert all(n == 2 for n in resent.values())
    by_id: dict[str, set[str]] = {}
    for message in recorder.messages:
        by_id.setdefault(str(message["Message-ID"]), set()).add(str(message["To"]))
    assert all(len(recipients) == 1 for recipients in by_id.values())
