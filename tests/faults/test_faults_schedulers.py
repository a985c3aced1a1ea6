"""Two schedulers (``tracker run`` on two hosts) on one database for several ticks.

Each tick both instances fire the same jobs at once (every source, tick, notify), on their own
engines. No scheme may split, no event may be emitted twice and no mail may go twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW, STCRT, make_config
from tests.faults._support import report
from tests.faults.test_faults_mail import CountingRecorder
from tests.faults.test_faults_scrape import partition, serial_reference
from tests.integration._alerts import add_subscription, smtp_server
from tests.integration.test_merge import BWB, UVB
from tracker.alerts.events import emit_event
from tracker.config import SmtpConfig, WebConfig
from tracker.db import make_engine, session_scope
from tracker.models import Event, EventKind, Heartbeat, OutboxMessage, Scheme
from tracker.ops.replay import ReplayServer
from tracker.ops.schedule import heartbeat_job, notify_job, run_source_job, tick_job

TICKS = 4


def _emit_news(engine: Engine, key: str, now: datetime) -> None:
    with session_scope(engine) as s:
        scheme = s.exec(select(Scheme)).first()
        assert scheme is not None
        emit_event(s, kind=EventKind.WINDOW_CHANGED, scheme=scheme, dedupe_key=key, now=now)


def test_two_schedulers_on_one_database_do_nothing_twice(
    db_url: str, engine: Engine, replay: ReplayServer, tmp_path: Path
) -> None:
    sources = {"bwb": BWB, "stcrt": STCRT, "uvb": UVB}
    add_subscription(engine, "iedereen@example.org", NOW - timedelta(days=1))
    recorder = CountingRecorder()
    with smtp_server(recorder) as port:
        base = make_config(replay, sources)
        config = base.model_copy(
            update={
                "smtp": SmtpConfig(
                    host="127.0.0.1",
                    port=port,
                    security="none",
                    timeout=5,
                    from_address="signalen@tracker.test",
                ),  # fmt: skip
                "web": WebConfig(base_url="http://testserver"),
            }
        )
        expected = serial_reference(base, tmp_path)
        engines = [make_engine(db_url), make_engine(db_url)]
        for k in range(TICKS):
            now = NOW + timedelta(hours=k)
            if k:  # news between ticks, as a scrape would bring it: mailed to the subscriber
                _emit_news(engine, f"nieuws-{k}", now)
            jobs: list[Callable[[Engine], None]] = [
                *(lambda e, s=sid, t=now: run_source_job(config, e, s, t) for sid in sources),
                lambda e, t=now: tick_job(config, e, t),
                lambda e, t=now: notify_job(config, e, t),
                lambda e, t=now: heartbeat_job(e, t),
            ]
            for job in jobs:
                threads = [threading.Thread(target=job, args=(e,)) for e in engines]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(timeout=120)
        for e in engines:
            e.dispose()
    groups, schemes, news = partition(engine)
    with Session(engine) as s:
        keys = Counter(e.dedupe_key for e in s.exec(select(Event)).all())
        rows = s.exec(select(OutboxMessage)).all()
        beat = s.get(Heartbeat, "scheduler")
    received = Counter(str(m["Message-ID"]) for m in recorder.messages)
    duplicates = sum(n - 1 for n in received.values())
    lost = sum(1 for r in rows if r.message_id not in received)
    report(f"two schedulers [{engine.dialect.name}]: {TICKS} ticks, {sum(keys.values())} events, "
           f"{len(received)} mails, lost {lost}, duplicate mails {duplicates}, "
           f"split schemes {len(groups) - len(expected)}")  # fmt: skip
    assert groups == expected and news == schemes
    assert all(n == 1 for n in keys.values())
    assert rows and all(r.status == "sent" for r in rows)
    assert (lost, duplicates) == (0, 0)
    assert beat is not None and beat.beat_at == NOW + timedelta(hours=TICKS - 1)
