"""Mail fan-out: one event to N confirmed direct subscribers, delivered by `tracker notify` to a
local SMTP server (aiosmtpd on loopback).

Subscriptions are inserted in bulk through the models; the outbox rows come from the project's
own `enqueue_event`. Then `tracker notify` of this checkout runs until the outbox holds no
pending row (at most --max-runs times), each run measured for wall time and peak memory
(os.wait4). Printed: runs needed, mails accepted by the server, mails/s over all runs, and the
largest peak RSS of a run, for each subscriber count (memory must stay flat as N grows).
Target (issue 14): ≥ 200 mails/s, one run drains the outbox.

Run: .venv/bin/python bench/mail.py [--subscribers 1000,10000] [--max-runs 60]
         [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from _common import TRACKER, database, free_port, machine, sa_url, upgrade, write_config
from aiosmtpd.controller import Controller


class Counter:
    """aiosmtpd handler: counts accepted messages, keeps none."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


def fill(url: str, subscribers: int) -> int:
    """N confirmed direct subscriptions, one scheme, one published event queued to all."""
    from sqlmodel import Session

    from tracker.alerts.outbox import enqueue_event
    from tracker.models import Event, Scheme, Subscription, Window

    engine = sa.create_engine(sa_url(url))
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    rows = [
        {
            "email": f"abonnee{i}@example.org",
            "regions": [],
            "region_labels": [],
            "levels": [],
            "themes": [],
            "doelgroepen": [],
            "frequency": "direct",
            "confirm_token": f"c{i}",
            "unsubscribe_token": f"u{i}",
            "created_at": now - timedelta(days=1),
            "confirmed_at": now - timedelta(days=1),
            "unsubscribed_at": None,
            "rejected_at": None,
            "digest_through_at": None,
            "client": "",
        }  # fmt: skip
        for i in range(subscribers)
    ]
    with engine.begin() as conn:
        for chunk in range(0, len(rows), 5000):
            conn.execute(sa.insert(Subscription.__table__), rows[chunk : chunk + 5000])  # type: ignore[attr-defined]
    with Session(engine) as session:
        scheme = Scheme(slug="bench", title="Subsidie scholing 2026", level="rijk",
                        summary="Bijdrage voor scholing van werknemers.", created_at=now,
                        updated_at=now)  # fmt: skip
        session.add(scheme)
        session.flush()
        assert scheme.id is not None
        window = Window(scheme_id=scheme.id, opens_at=now + timedelta(days=10),
                        closes_at=now + timedelta(days=40), created_at=now,
                        updated_at=now)  # fmt: skip
        session.add(window)
        session.flush()
        event = Event(kind="window_announced", scheme_id=scheme.id, window_id=window.id,
                      source_id="bench", after={"title": scheme.title}, created_at=now,
                      dedupe_key="bench:1", baseline=False, published=True)  # fmt: skip
        session.add(event)
        session.flush()
        queued = enqueue_event(session, event, scheme)
        session.commit()
    engine.dispose()
    return queued


def pending(url: str) -> int:
    engine = sa.create_engine(sa_url(url))
    with engine.connect() as conn:
        n = conn.execute(
            sa.text("SELECT count(*) FROM outboxmessage WHERE status = 'pending'")
        ).scalar_one()
    engine.dispose()
    return int(n)


def run_notify(env: dict[str, str]) -> tuple[float, float, str]:
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen([*TRACKER, "notify"], stdout=out,
                                stderr=subprocess.STDOUT, env=env)  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace").strip()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"tracker notify failed:\n{text[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, text


def bench(database_url: str | None, subscribers: int, max_runs: int) -> None:
    handler = Counter()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            database(database_url, Path(tmp), f"mail{subscribers}") as url,
        ):
            smtp = ["[smtp]", 'host = "127.0.0.1"', f"port = {port}", 'security = "none"']
            env = write_config(Path(tmp) / "tracker.toml", url, smtp)
            upgrade(env)
            queued = fill(url, subscribers)
            runs, wall, peak = 0, 0.0, 0.0
            first_run = ""
            while runs < max_runs and pending(url):
                seconds, mb, text = run_notify(env)
                runs += 1
                wall += seconds
                peak = max(peak, mb)
                if runs == 1:
                    first_run = f"{seconds:.1f} s, {text.splitlines()[-1] if text else ''}"
            left = pending(url)
            rate = handler.count / wall if wall else 0.0
            backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
            print(
                f"  {backend:<10} {subscribers:>7} {queued:>7} {runs:>5} {handler.count:>7} "
                f"{left:>7} {wall:8.1f} {rate:8.1f} {peak:8.1f}   first run: {first_run}",
                flush=True,
            )
    finally:
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", default="1000,10000")
    parser.add_argument("--max-runs", type=int, default=60)
    parser.add_argument("--database-url", help="PostgreSQL URL; a fresh schema is used")
    args = parser.parse_args()
    print(machine())
    print(
        f"\n  {'backend':<10} {'subs':>7} {'queued':>7} {'runs':>5} {'sent':>7} {'left':>7} "
        f"{'wall s':>8} {'mails/s':>8} {'peak MB':>8}"
    )
    for n in (int(s) for s in args.subscribers.split(",")):
        bench(args.database_url, n, args.max_runs)


if __name__ == "__main__":
    main()
