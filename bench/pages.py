"""Every page a visitor or staff member opens, at scale: the first request after the server
started (which builds the cached scheme rows) and the median and slowest of five more, one
client at a time.

The list benches (bench/lists.py, bench/feeds.py) load a few paths hard; this one looks wide,
for a page that does a whole-table load or renders every scheme on each request (the public
list and the staff detail page did, issue 14). A fresh database gets N schemes with windows
and 100,000 events through bench/_common.populate; a staff user logs in through the form.

Run: .venv/bin/python bench/pages.py [--sizes 10000] [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx
from _common import filled_database, machine, server
from lists import login, make_staff

PAGES = [
    "/",
    "/regelingen",
    "/regelingen?page=50",
    "/beheer",
    "/beheer/regelingen",
    "/beheer/regelingen/5",
    "/beheer/abonnees",
    "/api/schemes",
    "/feeds/alerts.atom",
    "/feeds/schemes.rss",
    "/calendar.ics",
]


COLUMNS = f"{'median ms':>10} {'max ms':>8} {'KB':>6}"


def bench_size(database_url: str | None, schemes: int, events: int, repeat: int) -> None:
    with filled_database(database_url, f"pages{schemes}", schemes, events) as (url, env):
        make_staff(url)
        print(f"  {'page':<28} {'status':>6} {'first ms':>9} {COLUMNS}")
        with server(env) as base:
            cookie = {"Cookie": login(base)}
            for path in PAGES:
                times = []
                for _ in range(repeat + 1):
                    t = time.perf_counter()
                    got = httpx.get(base + path, headers=cookie, timeout=600)
                    times.append((time.perf_counter() - t) * 1000)
                rest = times[1:]
                print(f"  {path:<28} {got.status_code:>6} {times[0]:9.1f} "
                      f"{statistics.median(rest):10.1f} {max(rest):8.1f} "
                      f"{len(got.content) / 1024:6.0f}", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000", help="scheme counts, comma-separated")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="PostgreSQL URL; a fresh schema is used")
    args = parser.parse_args()
    print(machine())
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(args.database_url, size, args.events, args.repeat)


if __name__ == "__main__":
    main()
