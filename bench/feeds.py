"""Feeds under load: p50/p95/p99 of /feeds/alerts.atom, /feeds/schemes.rss and /calendar.ics
with 50 concurrent clients, full responses and conditional ones (If-None-Match → 304).

For each size (default 2,000 and 10,000 schemes, 100,000 events) a fresh database is filled in
bulk through the models (bench/_common.populate), `tracker serve` of this checkout runs on
loopback (one uvicorn process), and each (feed, variant) is loaded for a bounded time by wrk
(Debian's package) or, without it, by an asyncio httpx client. Targets (issue 14): p99 < 100 ms
for 304, < 300 ms for full responses at 10,000 schemes / 100,000 events.

Run: .venv/bin/python bench/feeds.py [--sizes 2000,10000] [--events 100000] [--seconds 8]
         [--clients 50] [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import shutil
import time

import httpx
from _common import HEADER, filled_database, load, machine, server

FEEDS = ["/feeds/alerts.atom", "/feeds/schemes.rss", "/calendar.ics"]


def drain(url: str) -> None:
    """Wait out the requests the load left queued in the server before the next measurement."""
    httpx.get(url, timeout=600)
    time.sleep(0.5)


def bench_size(
    database_url: str | None, schemes: int, events: int, clients: int, seconds: float
) -> None:
    with filled_database(database_url, f"feeds{schemes}", schemes, events) as (_, env):
        print(f"  {'feed':<22} {'variant':<8} {'first ms':>9} {HEADER}")
        with server(env) as base:
            for path in FEEDS:
                t = time.perf_counter()
                first = httpx.get(base + path, timeout=600)
                first_ms = (time.perf_counter() - t) * 1000
                first.raise_for_status()
                etag = first.headers.get("etag", "")
                check = httpx.get(base + path, headers={"If-None-Match": etag}, timeout=600)
                full = load(base + path, clients, seconds)
                drain(base + path)
                print(f"  {path:<22} {'200':<8} {first_ms:9.1f} {full.row()}", flush=True)
                if check.status_code != 304:
                    print(f"  {path:<22} {'304':<8} no 304 for the feed's own ETag "
                          f"(status {check.status_code})")  # fmt: skip
                    continue
                cond = load(base + path, clients, seconds, {"If-None-Match": etag})
                drain(base + path)
                print(f"  {path:<22} {'304':<8} {'':>9} {cond.row()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,10000", help="scheme counts, comma-separated")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0, help="per feed and variant")
    parser.add_argument("--database-url", help="PostgreSQL URL; a fresh schema is used")
    args = parser.parse_args()
    print(machine())
    tool = "wrk" if shutil.which("wrk") else "asyncio httpx client"
    print(f"load: {tool}, {args.clients} connections, {args.seconds:.0f} s per feed and variant")
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(args.database_url, size, args.events, args.clients, args.seconds)


if __name__ == "__main__":
    main()
