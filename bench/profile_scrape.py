"""Where the time of a scrape cycle goes: `tracker scrape` under cProfile on the local site.

Runs the first cycle (and with --unchanged also the second, all-304 cycle) of this checkout's
tracker against bench/localsite.py and prints the share of CPU time per area (fetching,
parsing, window extraction, normalising, merging, storing, database) and the top functions.

Run: .venv/bin/python bench/profile_scrape.py [--pages 500] [--unchanged] [--top 25]
"""

from __future__ import annotations

import argparse
import os
import pstats
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine  # noqa: E402
from localsite import Site  # noqa: E402
from scrape import ROOT, TRACKER, tracker_config  # noqa: E402

# cProfile with a CPU clock, so waiting on the network does not count as time spent
# It calls the Typer app, not `main()`: main() ends a finished scrape with os._exit, which
# would skip writing the profile.
RUNNER = """
import cProfile, gc, sys, time
out = sys.argv[1]
sys.argv = ["tracker", "scrape"]
p = cProfile.Profile(time.process_time)
p.enable()
try:
    from tracker.cli.main import app
    gc.freeze()
    app()
except SystemExit:
    pass
finally:
    p.disable()
    p.dump_stats(out)
"""

AREAS = [
    ("scrapers/", "parse (scrapers)"),
    ("html/parser", "bs4"),
    ("sqlite3", "SQLite"),
    ("psycopg", "PostgreSQL driver"),
    ("tracker/ingest/pipeline", "pipeline"),
    ("tracker/alerts/", "alerts"),
    ("tracker/staff/", "staff review"),
    ("tracker/ingest/lease", "run lease"),
    ("pydantic", "pydantic"),
    ("tracker/windows/", "window extraction"),
    ("tracker/ingest/normalise", "normalise"),
    ("tracker/ingest/merge", "merge"),
    ("tracker/ingest/store", "store"),
    ("tracker/ingest/fetch", "fetch"),
    ("bs4/", "bs4"),
    ("lxml", "lxml"),
    ("sqlalchemy/", "SQLAlchemy"),
    ("httpx", "httpx"),
    ("asyncio/", "asyncio"),
]


def area_of(filename: str) -> str:
    for marker, name in AREAS:
        if marker in filename:
            return name
    return "other"


def report(path: Path, top: int) -> None:
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    by_area: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_area[area_of(f"{filename}:{name}")] += tt
    print(f"  total CPU in profile: {total:.2f} s; own time by area:")
    for name, tt in sorted(by_area.items(), key=lambda kv: -kv[1]):
        print(f"    {name:<20} {tt:7.2f} s {tt / total * 100:5.1f}%")
    print("  top functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)
    print("  top functions by own time:")
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--unchanged", action="store_true", help="also profile the 2nd cycle")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(machine())
    site = Site(args.pages, latency=args.latency).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            cfg = work / "tracker.toml"
            tracker_config(site, args.pages, f"sqlite:///{work / 'bench.db'}", cfg)
            env = {**os.environ, "TRACKER_CONFIG": str(cfg), "PYTHONPATH": str(ROOT)}
            subprocess.run([*TRACKER, "db", "upgrade"], env=env, check=True, capture_output=True)
            cycles = ["first", "unchanged"] if args.unchanged else ["first"]
            for name in cycles:
                out = work / f"{name}.prof"
                cmd = [sys.executable, "-c", RUNNER, str(out)]
                subprocess.run(cmd, env=env, check=False, capture_output=True)
                print(f"\n{name} cycle, {args.pages} pages")
                report(out, args.top)
    finally:
        site.stop()


if __name__ == "__main__":
    main()
