"""Storing N new schemes: CPU milliseconds per scheme of merge-and-store, for several N.

Issue 14 wants storing 10,000 new schemes to be linear, i.e. the cost per scheme flat in the
number of schemes already stored. For each N (default 500, 2,000 and 10,000) a fresh database
gets N publications stored the way a scrape cycle stores them (``tracker.ingest.pipeline``):
per source run one transaction with the scheme-merge lock, ``store_scheme`` and
``record_changes`` for each item. Titles are written like bench/localsite.py pages
("Subsidie <onderwerp> <jaar> (regeling i)": ten topics, so every topic word is shared by a
tenth of all schemes; such a page names its scheme "regeling i"). Every twentieth item is
another publication of an earlier scheme (the same CVDR number: merged), every twentieth a
look-alike of an earlier title (a new scheme, and a merge proposal when the earlier one ranks
among the candidates). Two layouts: one item per source run (a cycle of many one-page
sources, as bench/scrape.py) and 500 items per source run.

Printed per N and layout: CPU ms per item (all of it, ``store_scheme`` alone,
``record_changes`` alone) over all N items and over the last 500 (the cost at that size), wall
ms per item, and what was stored (schemes, publications by merge kind, merge proposals,
windows, events by kind), so two checkouts can be compared for equal outcomes. CPU time is
this process only: with PostgreSQL the server's work shows in the wall time.

Run: .venv/bin/python bench/store.py [--sizes 500,2000,10000] [--layout one|batch|both]
         [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import database, machine  # noqa: E402

from tracker.alerts.events import record_changes  # noqa: E402
from tracker.db import make_engine, scheme_merge_lock, session_scope, upgrade_schema  # noqa: E402
from tracker.ingest.normalise import SchemeData, WindowData  # noqa: E402
from tracker.ingest.store import store_scheme  # noqa: E402
from tracker.models import Source  # noqa: E402
from tracker.read.timefmt import AMSTERDAM  # noqa: E402

TOPICS = [
    "scholing", "leven lang ontwikkelen", "praktijkleren", "innovatie", "energiebesparing",
    "cultureel erfgoed", "sportaccommodaties", "arbeidsmarkt", "vrijwilligerswerk", "dorpshuizen",
]  # fmt: skip
NOW = datetime(2025, 11, 27, 7, tzinfo=UTC)
BATCH = 500
SOURCES = 50


def item(i: int) -> SchemeData:
    """The i-th publication: a new scheme, another publication of one, or a look-alike."""
    year = 2026 + i % 3
    topic = TOPICS[i % len(TOPICS)]
    title = f"Subsidie {topic} {year} (regeling {i})"
    if i % 20 == 2:
        title = f"Subsidie {topic} {year} nummer {i}"  # named by its whole title
    identifiers: tuple[str, ...] = (f"CVDR{900000 + i}",) if i % 2 else ()
    if i % 20 == 5 and i >= 20:
        # another publication of scheme i - 4 (odd, so it has a CVDR number): merged
        earlier = i - 4
        title = f"Openstelling subsidie {TOPICS[earlier % 10]} (regeling {earlier})"
        identifiers = (f"CVDR{900000 + earlier}",)
    elif i % 20 == 12 and i >= 20:
        # a look-alike of scheme i - 10 (even: no identifier): a new scheme, merge proposed
        # when the earlier one ranks among the candidates
        earlier = i - 10
        title = f"Subsidies {TOPICS[earlier % 10]} {2026 + earlier % 3} nummer {earlier}"
    opens = date(year, 1 + i % 9, 1 + i % 25)
    closes = opens + timedelta(days=28 + i % 30)
    window = WindowData(
        opens_at=datetime.combine(opens, dtime(9), AMSTERDAM).astimezone(UTC),
        closes_at=datetime.combine(closes, dtime(17), AMSTERDAM).astimezone(UTC),
        opens_has_time=False,
        closes_has_time=False,
        precision="day",
        budget_eur=Decimal(f"{1 + i % 9}{i % 10}00000"),
        snippet=f"U kunt de subsidie aanvragen van {opens} tot en met {closes}.",
        confidence=0.95,
    )
    return SchemeData(
        key=f"https://127.0.0.{1 + i % 20}/regeling/{i}",
        title=title,
        url=f"https://127.0.0.{1 + i % 20}/regeling/{i}",
        publisher="Provincie Gelderland",
        summary=f"Met deze regeling ondersteunen wij projecten op het gebied van {topic}.",
        level="provincie",
        regions=("NL-GE",),
        published_on=None,
        identifiers=identifiers,
        cited_titles=(),
        windows=(window,),
        status="upcoming",
    )


def outcome(engine: sa.Engine) -> str:
    """What was stored, as one comparable line."""
    with engine.connect() as conn:

        def count(sql: str) -> int:
            return int(conn.execute(sa.text(sql)).scalar_one())

        kinds = Counter(
            {str(k): int(n) for k, n in conn.execute(
                sa.text("SELECT merge_kind, count(*) FROM publication GROUP BY merge_kind"))}
        )  # fmt: skip
        events = Counter(
            {str(k): int(n) for k, n in conn.execute(
                sa.text("SELECT kind, count(*) FROM event GROUP BY kind"))}
        )  # fmt: skip
        digest = conn.execute(
            sa.text("SELECT count(*), coalesce(sum(p.scheme_id * p.id), 0) FROM publication p")
        ).one()
        proposals = conn.execute(
            sa.text("SELECT count(*), coalesce(sum(scheme_id * target_id), 0) FROM mergeproposal")
        ).one()
        windows = count('SELECT count(*) FROM "window"')
        return (
            f"schemes {count('SELECT count(*) FROM scheme')}, publications "
            f"{dict(sorted(kinds.items()))} (id sum {digest[1]}), proposals {proposals[0]} "
            f"(pair sum {proposals[1]}), windows {windows}, "
            f"events {dict(sorted(events.items()))}"
        )


@dataclass
class Figures:
    """CPU ms per item: everything, store_scheme alone, record_changes alone, and the same
    three over the last 500 items (the cost at that size); wall ms per item; the outcome."""

    cpu: float
    store: float
    events: float
    tail_cpu: float
    tail_store: float
    tail_events: float
    wall: float
    stored: str


def run(url: str, n: int, batch: int) -> Figures:
    engine = make_engine(url, upgrade=False)
    upgrade_schema(engine)
    with session_scope(engine) as session:
        session.add_all(Source(id=f"s{k:03d}") for k in range(SOURCES))
    items = [item(i) for i in range(n)]
    tail_from = max(0, n - 500)
    spent = {"store": 0.0, "events": 0.0}
    tail = {"cpu": 0.0, "store": 0.0, "events": 0.0}
    clock = time.process_time
    cpu0, wall0 = clock(), time.perf_counter()
    for start in range(0, n, batch):
        if start <= tail_from < start + batch:
            tail = {"cpu": clock(), **spent}
        chunk = items[start : start + batch]
        source_id = f"s{start // batch % SOURCES:03d}"
        with session_scope(engine) as session:
            scheme_merge_lock(session)
            for data in chunk:
                t0 = clock()
                stored = store_scheme(session, source_id, data, NOW)
                t1 = clock()
                record_changes(session, stored.changes, NOW, source_id=source_id)
                spent["store"] += t1 - t0
                spent["events"] += clock() - t1
    cpu, wall = clock() - cpu0, time.perf_counter() - wall0
    last = n - tail_from
    told = outcome(engine)
    engine.dispose()
    return Figures(
        cpu / n * 1000,
        spent["store"] / n * 1000,
        spent["events"] / n * 1000,
        (cpu0 + cpu - tail["cpu"]) / last * 1000,
        (spent["store"] - tail["store"]) / last * 1000,
        (spent["events"] - tail["events"]) / last * 1000,
        wall / n * 1000,
        told,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,2000,10000")
    parser.add_argument("--layout", choices=["one", "batch", "both"], default="both")
    parser.add_argument("--database-url", help="PostgreSQL URL (a schema is made and dropped)")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    layouts = {"one": [("one item per run", 1)], "batch": [(f"{BATCH} items per run", BATCH)]}
    chosen = layouts["one"] + layouts["batch"] if args.layout == "both" else layouts[args.layout]
    print(machine())
    print(f"backend: {'PostgreSQL' if args.database_url else 'SQLite'}")
    for label, batch in chosen:
        print(f"\n{label}: CPU ms per item (all / store_scheme / record_changes), wall ms")
        print(
            f"  {'N':>6} {'all':>7} {'store':>7} {'events':>7}   {'last 500: all':>13} "
            f"{'store':>7} {'events':>7} {'wall':>7}  stored"
        )
        for n in sizes:
            with (
                tempfile.TemporaryDirectory() as tmp,
                database(args.database_url, Path(tmp), f"store{n}") as url,
            ):
                f = run(url, n, batch)
            print(
                f"  {n:6d} {f.cpu:7.2f} {f.store:7.2f} {f.events:7.2f}   {f.tail_cpu:13.2f} "
                f"{f.tail_store:7.2f} {f.tail_events:7.2f} {f.wall:7.2f}  {f.stored}",
                flush=True,
            )


if __name__ == "__main__":
    main()
