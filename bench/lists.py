"""Staff list and JSON API at scale: p50/p95/p99 of /beheer/regelingen and /api/schemes.

A fresh database gets N schemes (default 10,000, with windows and 100,000 events) in bulk
through the models and a staff user made by tracker.staff.users.create_user; the bench logs in
through the login form like a browser (CSRF token, session cookie) and loads each list for a
bounded time with a few concurrent clients (staff lists are used by a handful of people at
once): default sort, a filter with sorting, a deep page, and the API with offset. Then the
first staff-list request after a data change, at once and after the server's warmer ran.
Target (issue 14): p95 < 150 ms at 10,000 schemes.

Run: .venv/bin/python bench/lists.py [--sizes 2000,10000] [--clients 4] [--seconds 8]
         [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import re
import shutil
import time

import httpx
import sqlalchemy as sa
from _common import HEADER, filled_database, load, machine, sa_url, server

USER, PASSWORD = "bench", "bench-wachtwoord-lang-genoeg"
PATHS = [
    "/beheer/regelingen",
    "/beheer/regelingen?level=provincie&sort=title",
    "/beheer/regelingen?page=100",
    "/api/schemes",
    "/api/schemes?level=provincie&offset=2000&limit=100",
]


def make_staff(url: str) -> None:
    from sqlmodel import Session

    from tracker.staff.users import create_user

    engine = sa.create_engine(sa_url(url))
    with Session(engine) as session:
        create_user(session, USER, PASSWORD)
        session.commit()
    engine.dispose()


def login(base: str) -> str:
    """Log in through the form; the session cookie as a Cookie header value."""
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/login")
        m = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text)
        if not m:
            m = re.search(r'value="([^"]+)"\s+name="csrf_token"', page.text)
        if not m:
            raise SystemExit("no CSRF token on /login")
        r = client.post("/login", data={"username": USER, "password": PASSWORD,
                                         "csrf_token": m.group(1), "next": "/"})  # fmt: skip
        if r.status_code != 303:
            raise SystemExit(f"login failed: {r.status_code}")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def bench_size(
    database_url: str | None, schemes: int, events: int, clients: int, seconds: float
) -> None:
    with filled_database(database_url, f"lists{schemes}", schemes, events) as (url, env):
        make_staff(url)
        print(f"  {'path':<52} {'first ms':>9} {'KB':>6} {HEADER}")
        with server(env) as base:
            cookie = login(base)
            for path in PATHS:
                t = time.perf_counter()
                first = httpx.get(base + path, headers={"Cookie": cookie}, timeout=600)
                first_ms = (time.perf_counter() - t) * 1000
                if first.status_code != 200:
                    print(f"  {path:<52} status {first.status_code}")
                    continue
                kb = len(first.content) / 1024
                got = load(base + path, clients, seconds, {"Cookie": cookie})
                print(f"  {path:<52} {first_ms:9.1f} {kb:6.0f} {got.row()}", flush=True)
                httpx.get(base + path, headers={"Cookie": cookie}, timeout=600)
                time.sleep(0.5)
            after_change(url, base, cookie)


def after_change(url: str, base: str, cookie: str) -> None:
    """The first staff-list request after new data (one scheme renamed through the ORM, as a
    scrape or a correction commits it): at once, and once the server's warmer (`[web]
    warm_interval`, 1 s) has seen the writes settle."""
    from sqlmodel import Session

    from tracker.models import Scheme

    engine = sa.create_engine(sa_url(url))
    path = PATHS[0]
    for label, wait in (("at once", 0.0), ("after 5 s", 5.0)):
        with Session(engine) as session:
            scheme = session.get(Scheme, 1)
            assert scheme is not None
            scheme.title = f"{scheme.title} ({label})"
            session.add(scheme)
            session.commit()
        time.sleep(wait)
        t = time.perf_counter()
        got = httpx.get(base + path, headers={"Cookie": cookie}, timeout=600)
        ms = (time.perf_counter() - t) * 1000
        print(f"  first {path} after a data change, {label:<10} {ms:9.1f} ms ({got.status_code})")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,10000", help="scheme counts, comma-separated")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8.0, help="per path")
    parser.add_argument("--database-url", help="PostgreSQL URL; a fresh schema is used")
    args = parser.parse_args()
    print(machine())
    tool = "wrk" if shutil.which("wrk") else "asyncio httpx client"
    print(f"load: {tool}, {args.clients} connections, {args.seconds:.0f} s per path")
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(args.database_url, size, args.events, args.clients, args.seconds)


if __name__ == "__main__":
    main()
