"""Scrape cycles of the tracker beside urlwatch on the same local site (bench/localsite.py).

Three cycles each: first (everything new), unchanged (every page answers 304 to a conditional
request), and changed (every tenth page has new dates). For each cycle: wall time, CPU time (the
process and its children), peak memory (the summed PSS of the process and its children, such as
the tracker's store worker), requests sent and answered 304, the most requests in flight on one
host, and for the tracker the alert events it stored by kind and whether every
stored window equals the page's dates. urlwatch 2.29 runs in its own venv (bench/.venv-urlwatch,
created on first use from PyPI) with its default settings.

Run: .venv/bin/python bench/scrape.py [--pages 500] [--latency 0.05] [--no-urlwatch]
         [--database-url postgresql://…] [--store-process]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from localsite import Site, page_truth  # noqa: E402  (bench/localsite.py)

ROOT = Path(__file__).resolve().parents[1]
TRACKER = [sys.executable, "-m", "tracker"]  # this checkout's code (PYTHONPATH below)
URLWATCH_VENV = ROOT / "bench" / ".venv-urlwatch"
URLWATCH = URLWATCH_VENV / "bin" / "urlwatch"


@dataclass
class Cycle:
    name: str
    seconds: float
    cpu: float
    peak_mb: float
    requests: int
    not_modified: int
    max_in_flight: int
    detail: str


def site_cycle(
    name: str, seconds: float, cpu: float, peak: float, site: Site, detail: str
) -> Cycle:
    """One cycle's measurements with the site's request counters for it."""
    return Cycle(
        name,
        seconds,
        cpu,
        peak,
        site.requests,
        site.not_modified,
        max(site.max_in_flight.values(), default=0),
        detail,
    )


def run_measured(
    cmd: list[str], env: dict[str, str] | None = None
) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (the process and its children), peak memory in MB and output
    of one command.

    Peak memory is the larger of the process's own peak RSS and the summed proportional set
    size (PSS: a page shared by n processes counts 1/n in each) of the process and all its
    descendants, sampled every 50 ms: the tracker stores in a forked worker process, whose
    own memory counts too.
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        # in the checkout: `python -m` puts the working directory first on sys.path
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        sampler = _TreeMemory(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} exited {proc.returncode}:\n{text[-3000:]}")
    peak = max(usage.ru_maxrss / 1024, sampler.peak_mb)
    return seconds, usage.ru_utime + usage.ru_stime, peak, text


class _TreeMemory(threading.Thread):
    """The peak of the summed PSS of a process and its descendants (Linux /proc)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self._done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            total = sum(self._pss(pid) for pid in self._tree())
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self._done.wait(0.05)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:  # gone meanwhile
                continue
        return pids

    def _pss(self, pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except (OSError, IndexError, ValueError):
            pass
        return 0


def tracker_config(
    site: Site, pages: int, database_url: str, path: Path, store_process: bool = False
) -> None:
    lines = [
        "[defaults]",
        f"store_process = {'true' if store_process else 'false'}",
        "[database]",
        f'url = "{database_url}"',
        "[http]",
        'user_agent = "subsidie-tracker-bench/1 (+mailto:platform@example.org)"',
        "allow_private_hosts = true",
        "per_host_concurrency = 2",
        "min_delay = 0.0",
        "retries = 1",
        "run_budget = 600.0",
        "[review]",
        "hold_low_confidence = false",
    ]
    for i in range(pages):
        lines += [
            f"[sources.p{i:05d}]",
            'scraper = "html_page"',
            f'url = "{site.url(i)}"',
            'level = "provincie"',
            'regions = ["NL-GE"]',
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def tracker_events(database_url: str, since_event: int) -> tuple[Counter[str], int]:
    """Alert events stored after `since_event`, by kind, and the newest event id."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT kind, count(*) FROM event WHERE id > :i GROUP BY kind"),
            {"i": since_event},
        ).all()
        last = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM event")).scalar_one()
    engine.dispose()
    return Counter({str(kind): int(n) for kind, n in rows}), int(last)


def windows_exact(database_url: str, generation: int, pages: int) -> tuple[int, int]:
    """Pages whose stored window (local dates) equals the page's dates, and the page count."""
    ams = ZoneInfo("Europe/Amsterdam")
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                'SELECT p.url, w.opens_at, w.closes_at FROM "window" w '
                "JOIN publication p ON p.id = w.publication_id"
            )
        ).all()
    engine.dispose()
    found: dict[int, set[tuple[date | None, date | None]]] = {}
    for url, opens, closes in rows:
        index = int(str(url).rsplit("/", 1)[1])
        o = _local_date(opens, ams)
        c = _local_date(closes, ams)
        found.setdefault(index, set()).add((o, c))
    right = 0
    for i in range(pages):
        truth = page_truth(i, generation)
        if (truth.opens, truth.closes) in found.get(i, set()):
            right += 1
    return right, pages


def _local_date(value: object, zone: ZoneInfo) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).date()


def bench_tracker(
    site: Site, pages: int, database_url: str | None, work: Path, store_process: bool = False
) -> list[Cycle]:
    db = database_url or f"sqlite:///{work / 'bench.db'}"
    cfg = work / "tracker.toml"
    tracker_config(site, pages, db, cfg, store_process)
    env = {**os.environ, "TRACKER_CONFIG": str(cfg), "PYTHONPATH": str(ROOT)}
    subprocess.run([*TRACKER, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=ROOT)
    cycles: list[Cycle] = []
    last_event = 0
    for name, generation in (("first", 0), ("unchanged", 0), ("changed 10%", 1)):
        site.generation = generation
        site.reset_counters()
        seconds, cpu, peak, out = run_measured([*TRACKER, "scrape"], env)
        if site.requests == 0:
            raise SystemExit(f"tracker scrape sent no request:\n{out[-3000:]}")
        kinds, last_event = tracker_events(db, last_event)
        right, total = windows_exact(db, generation, pages)
        events = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"
        cycles.append(
            site_cycle(
                name, seconds, cpu, peak, site, f"events: {events}; windows exact {right}/{total}"
            )
        )
    return cycles


def ensure_urlwatch() -> bool:
    if URLWATCH.exists():
        return True
    try:
        subprocess.run([sys.executable, "-m", "venv", str(URLWATCH_VENV)], check=True)
        subprocess.run(
            [str(URLWATCH_VENV / "bin" / "pip"), "install", "-q", "urlwatch==2.29"], check=True
        )
    except subprocess.CalledProcessError as exc:
        print(f"urlwatch could not be installed ({exc}); skipping it")
        return False
    return True


def bench_urlwatch(site: Site, pages: int, work: Path) -> list[Cycle]:
    urls = work / "urls.yaml"
    urls.write_text(
        "\n---\n".join(f"name: p{i}\nurl: {site.url(i)}" for i in range(pages)) + "\n",
        encoding="utf-8",
    )
    config = work / "urlwatch.yaml"
    cache = work / "urlwatch-cache.db"
    subprocess.run(
        [
            str(URLWATCH),
            "--urls",
            str(urls),
            "--config",
            str(config),
            "--cache",
            str(cache),
            "--edit-config",
        ],
        env={**os.environ, "EDITOR": "true", "VISUAL": "true"},
        check=False,
        capture_output=True,
    )
    cycles: list[Cycle] = []
    for name, generation in (("first", 0), ("unchanged", 0), ("changed 10%", 1)):
        site.generation = generation
        site.reset_counters()
        seconds, cpu, peak, out = run_measured(
            [str(URLWATCH), "--urls", str(urls), "--config", str(config), "--cache", str(cache)]
        )
        changed = sum(1 for line in out.splitlines() if line.startswith("CHANGED:"))
        new = sum(1 for line in out.splitlines() if line.startswith("NEW:"))
        cycles.append(site_cycle(name, seconds, cpu, peak, site, f"NEW {new}, CHANGED {changed}"))
    return cycles


def show(label: str, cycles: list[Cycle]) -> None:
    print(f"\n{label}")
    print(
        f"  {'cycle':<12} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'req':>5} {'304':>5} "
        f"{'max/host':>8}  detail"
    )
    for c in cycles:
        print(
            f"  {c.name:<12} {c.seconds:7.2f} {c.cpu:7.2f} {c.peak_mb:8.1f} {c.requests:5d} "
            f"{c.not_modified:5d} {c.max_in_flight:8d}  {c.detail}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--no-urlwatch", action="store_true")
    parser.add_argument(
        "--store-process", action="store_true", help="[defaults] store_process = true"
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (an empty database); default SQLite")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores; {args.pages} pages on 20 loopback hosts, "
        f"{args.latency * 1000:.0f} ms latency"
    )
    site = Site(args.pages, latency=args.latency).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tracker = bench_tracker(
                site, args.pages, args.database_url, Path(tmp), args.store_process
            )
            worker = ", store worker" if args.store_process else ""
            show(f"tracker (per_host_concurrency 2{worker})", tracker)
        if not args.no_urlwatch and ensure_urlwatch():
            with tempfile.TemporaryDirectory() as tmp:
                watcher = bench_urlwatch(site, args.pages, Path(tmp))
                show("urlwatch 2.29 (defaults)", watcher)
            print("\nratio tracker / urlwatch (wall time)")
            for t, u in zip(tracker, watcher, strict=True):
                print(f"  {t.name:<12} {t.seconds / u.seconds:5.2f}×")
    finally:
        site.stop()


if __name__ == "__main__":
    main()
