"""Scrape cycles as ``tracker run`` does them: the scheduler's jobs of sources due together.

A warm process (the scheduler's: imports, configuration and engine made once) runs the jobs of
all sources on one schedule as the scheduler's loop does when their moment comes, against the
local site of bench/scrape.py: first (everything new), unchanged (all 304) and changed (every
tenth page has new dates). With --per-source it also runs the unchanged cycle the way
``tracker run`` did before its batcher, one ``run_sources`` per source, eight at a time.
Per cycle: wall and CPU time of the scheduler's process (the local site runs in this one),
requests, 304s, the most requests in flight on one host, events by kind and windows exact.
The wall time includes the batcher's gathering pause (``tracker.ops.batch.GATHER``).

Run: .venv/bin/python bench/schedule.py [--pages 500] [--latency 0.05] [--per-source]
         [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine  # noqa: E402
from localsite import Site  # noqa: E402
from scrape import ROOT, TRACKER, tracker_config, tracker_events, windows_exact  # noqa: E402

# the scheduler's process: one line on stdin per cycle ("batch" or "per-source"), one JSON
# line back with its wall and CPU seconds and peak RSS
CHILD = """
import json, resource, sys, time
from concurrent.futures import ThreadPoolExecutor
import logging
logging.disable(logging.WARNING)
from tracker.config import load_config
from tracker.db import make_engine
from tracker.ops.batch import SourceBatcher
from tracker.ops.schedule import build_scheduler, run_source_job
config = load_config(None)
engine = make_engine(config.database.url)
for line in sys.stdin:
    mode = line.strip()
    start, cpu = time.perf_counter(), time.process_time()
    if mode == "batch":
        batcher = SourceBatcher(config, engine)
        scheduler = build_scheduler(config, engine, batcher)
        for job in scheduler.get_jobs():
            if job.id.startswith("source:"):
                job.func(*job.args)
        batcher.close()
    else:
        with ThreadPoolExecutor(8) as pool:
            ids = config.enabled_sources()
            list(pool.map(lambda s: run_source_job(config, engine, s), ids))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu, "peak": peak}
    print(json.dumps(out), flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--database-url")
    parser.add_argument("--per-source", action="store_true")
    args = parser.parse_args()
    print(machine())
    print(f"{args.pages} pages on 20 loopback hosts, {args.latency * 1000:.0f} ms latency")
    site = Site(args.pages, latency=args.latency).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            db = args.database_url or f"sqlite:///{work / 'bench.db'}"
            cfg = work / "tracker.toml"
            tracker_config(site, args.pages, db, cfg)
            env = {**os.environ, "TRACKER_CONFIG": str(cfg), "PYTHONPATH": str(ROOT)}
            subprocess.run([*TRACKER, "db", "upgrade"], env=env, check=True, cwd=ROOT,
                           capture_output=True)  # fmt: skip
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD], env=env, cwd="/tmp", text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )  # fmt: skip
            assert child.stdin is not None and child.stdout is not None
            cycles = [("first", 0, "batch"), ("unchanged", 0, "batch"), ("changed 10%", 1, "batch")]
            if args.per_source:
                cycles.append(("unchanged, one cycle per source", 1, "per-source"))
            print("\ntracker run (per_host_concurrency 2), scheduler's process")
            print("  cycle                            wall s   cpu s  peak MB   req   304 "
                  "max/host  detail")  # fmt: skip
            last_event = 0
            for name, generation, mode in cycles:
                site.generation = generation
                site.reset_counters()
                child.stdin.write(mode + "\n")
                child.stdin.flush()
                got = json.loads(child.stdout.readline())
                kinds, last_event = tracker_events(db, last_event)
                right, total = windows_exact(db, generation, args.pages)
                events = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"
                most = max(site.max_in_flight.values(), default=0)
                print(
                    f"  {name:<32} {got['wall']:6.2f} {got['cpu']:7.2f} {got['peak']:8.1f} "
                    f"{site.requests:5d} {site.not_modified:5d} {most:8d}  "
                    f"events: {events}; windows exact {right}/{total}"
                )
            child.stdin.close()
            child.wait(timeout=60)
    finally:
        site.stop()


if __name__ == "__main__":
    main()
