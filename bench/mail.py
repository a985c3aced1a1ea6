"""Mail fan-out: one event to N confirmed direct subscribers, delivered by `tracker notify` to a
local SMTP server (aiosmtpd on loopback).

Subscriptions are inserted in bulk through the models; the outbox rows come from the project's
own `enqueue_event`. Then `tracker notify` of this checkout runs until the outbox holds no
pending row (at most --max-runs times), each run measured for wall time and peak memory.
Printed: runs needed, mails accepted by the server, mails/s over all runs, and the largest peak
RSS of a run, for each subscriber count (memory must stay flat as N grows).
Target (issue 14): ≥ 200 mails/s, one run drains the outbox.

What is measured is the notifier, not the bench:

- The SMTP server (aiosmtpd with a handler that only counts) runs in its own process
  (``--serve``), not in a thread of the bench. Before the runs the bench sends it ~3 KB mails
  with plain smtplib over one connection and prints that rate, the server's ceiling on this
  machine (about 500-600 mails/s on the quiet 2-core machine of issue 14): a notifier figure
  near it measures the server, not the notifier.
- Peak memory is the ru_maxrss of the `tracker notify` process, started through a bare
  Python interpreter (``LAUNCHER``), which also times it. On Linux a child's ru_maxrss starts
  at the RSS of the process it was spawned from (kept across fork and exec), so started
  straight from the bench, which has just built N subscriptions in memory, it showed the
  bench's size, growing with N.

Run: .venv/bin/python bench/mail.py [--subscribers 1000,10000] [--max-runs 60]
         [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from _common import TRACKER, database, free_port, machine, sa_url, upgrade, write_config


class Counter:
    """aiosmtpd handler: counts accepted messages, keeps none."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


def serve(port: int) -> None:
    """The SMTP server process: answers "count" on stdin with the messages accepted so far."""
    from aiosmtpd.controller import Controller

    handler = Counter()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        for line in sys.stdin:
            if line.strip() == "count":
                print(handler.count, flush=True)
    finally:
        controller.stop()


class Server:
    """The counting SMTP server in its own process."""

    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc, self.port = proc, port

    def count(self) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("count\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())


@contextmanager
def smtp_server() -> Iterator[Server]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    try:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit("the SMTP server did not start")
        yield Server(proc, port)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


def server_ceiling(server: Server, count: int = 2000) -> float:
    """Mails/s the server takes from plain smtplib over one connection (~3 KB each)."""
    body = "".join(f"Regel {i}: " + "tekst " * 10 + "\r\n" for i in range(40))
    data = f"Subject: plafond\r\nTo: a@example.org\r\n\r\n{body}".encode()
    with smtplib.SMTP("127.0.0.1", server.port) as smtp:
        start = time.perf_counter()
        for _ in range(count):
            smtp.sendmail("bench@example.org", ["a@example.org"], data)
        return count / (time.perf_counter() - start)


# Runs argv; prints its exit code, peak RSS (KiB) and wall seconds last on stderr. A bare
# interpreter spawns `tracker notify`, so that ru_maxrss is the notifier's own, not the bench's.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
_, status, usage = os.wait4(subprocess.Popen(sys.argv[1:]).pid, 0)
seconds = time.perf_counter() - start
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, seconds, file=sys.stderr)
"""


def fill(url: str, subscribers: int) -> int:
    """N confirmed direct subscriptions, one scheme, one published event queued to all."""
    from sqlmodel import Session

    from tracker.alerts.outbox import enqueue_event
    from tracker.models import Event, Scheme, Subscription, Window

    engine = sa.create_engine(sa_url(url))
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    rows: list[dict[str, Any]] = [
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
        proc = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, *TRACKER, "notify"],
                              stdout=out, stderr=subprocess.PIPE, env=env, text=True)  # fmt: skip
        out.seek(0)
        text = out.read().decode("utf-8", "replace").strip()
    last = proc.stderr.strip().splitlines()[-1].split()
    code, rss, seconds = int(last[0]), int(last[1]), float(last[2])
    if code not in (0, 1):
        raise SystemExit(f"tracker notify failed:\n{text[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds, rss / 1024, text


def bench(database_url: str | None, subscribers: int, max_runs: int) -> None:
    with smtp_server() as server:
        port = server.port
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
            sent = server.count()
            rate = sent / wall if wall else 0.0
            backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
            print(
                f"  {backend:<10} {subscribers:>7} {queued:>7} {runs:>5} {sent:>7} "
                f"{left:>7} {wall:8.1f} {rate:8.1f} {peak:8.1f}   first run: {first_run}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", default="1000,10000")
    parser.add_argument("--max-runs", type=int, default=60)
    parser.add_argument("--database-url", help="PostgreSQL URL; a fresh schema is used")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    print(machine())
    with smtp_server() as server:
        print(f"SMTP server alone (its ceiling): {server_ceiling(server):.0f} mails/s")
    print(
        f"\n  {'backend':<10} {'subs':>7} {'queued':>7} {'runs':>5} {'sent':>7} {'left':>7} "
        f"{'wall s':>8} {'mails/s':>8} {'peak MB':>8}"
    )
    for n in (int(s) for s in args.subscribers.split(",")):
        bench(args.database_url, n, args.max_runs)


if __name__ == "__main__":
    main()
