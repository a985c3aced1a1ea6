"""Shared parts of the benches: the machine line, a uvicorn server of this checkout, a load
generator (wrk from Debian when installed, else an asyncio httpx client), and bulk data made
through the project's own models.

Everything runs on loopback. A bench measures the tracker of the checkout it lives in: the
server and CLI run with PYTHONPATH set to that checkout.
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRACKER = [sys.executable, "-m", "tracker"]
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
THEMES = ["innovatie", "energie", "onderwijs", "cultuur", "landbouw", "zorg", "mobiliteit"]
GROUPS = ["mkb", "onderwijsinstellingen", "gemeenten", "particulieren", "verenigingen"]
PROVINCES = ["NL-GR", "NL-FR", "NL-DR", "NL-OV", "NL-FL", "NL-GE",
             "NL-UT", "NL-NH", "NL-ZH", "NL-ZE", "NL-NB", "NL-LI"]  # fmt: skip
KINDS = ["scheme_new", "window_announced", "window_changed", "window_opening_soon",
         "window_opened", "window_closing_soon", "window_closed"]  # fmt: skip


def machine() -> str:
    """One line: CPU model, cores, memory, Python, load average (the benches are noisy when
    other work runs on the same cores)."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {model}, {os.cpu_count()} cores, {mem}; Python {platform.python_version()}; "
        f"load average {load}"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sa_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def database(database_url: str | None, work: Path, name: str) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema in the given PostgreSQL database (dropped after)."""
    if not database_url:
        yield f"sqlite:///{work / (name + '.db')}"
        return
    schema = f"bench_{name}_{os.getpid()}"
    engine = sa.create_engine(sa_url(database_url))
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in database_url else "?"
    try:
        yield f"{database_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def write_config(path: Path, database_url: str, extra: Sequence[str] = ()) -> dict[str, str]:
    """A tracker config for the bench and the environment that runs this checkout with it."""
    lines = [
        "[database]",
        f'url = "{database_url}"',
        "[web]",
        'base_url = "http://127.0.0.1:8000"',
        *extra,
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        **os.environ,
        "TRACKER_CONFIG": str(path),
        "PYTHONPATH": str(ROOT),
        "TRACKER_SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789",
    }


def upgrade(env: dict[str, str]) -> None:
    subprocess.run([*TRACKER, "db", "upgrade"], env=env, check=True, capture_output=True)


def populate(database_url: str, schemes: int, events: int, seed: int = 14) -> float:
    """Schemes with one publication and one or two windows each, and events spread over a
    year, inserted in bulk through the models' tables. Returns the seconds it took."""
    from tracker.models import Event, Publication, Scheme, Source, Window

    rng = random.Random(seed)
    start = time.perf_counter()
    base = datetime(2025, 1, 1, tzinfo=UTC)
    engine = sa.create_engine(sa_url(database_url))
    scheme_rows: list[dict[str, Any]] = []
    pub_rows: list[dict[str, Any]] = []
    window_rows: list[dict[str, Any]] = []
    window_of: list[list[int]] = []
    window_id = 0
    for i in range(1, schemes + 1):
        level = ("rijk", "provincie", "eu")[i % 3]
        regions = [PROVINCES[i % 12]] if level == "provincie" else []
        created = base + timedelta(minutes=53 * i)
        scheme_rows.append(
            {
                "id": i,
                "slug": f"regeling-{i}",
                "title": f"Subsidie {THEMES[i % 7]} {2025 + i % 3} (regeling {i})",
                "publisher": f"Provincie {i % 12}" if regions else "RVO",
                "level": level,
                "regions": regions,
                "url": f"https://example.org/regeling/{i}",
                "summary": f"Bijdrage voor projecten op het gebied van {THEMES[i % 7]}. " * 3,
                "themes": [THEMES[i % 7], THEMES[(i * 3) % 7]],
                "doelgroepen": [GROUPS[i % 5]],
                "identifiers": [f"BWBR{i:07d}"],
                "aliases": [],
                "hidden": False,
                "removed_at": None,
                "merged_into_id": None,
                "created_at": created,
                "updated_at": created,
            }
        )
        pub_rows.append(
            {
                "id": i,
                "source_id": "bench",
                "key": f"p{i}",
                "scheme_id": i,
                "title": scheme_rows[-1]["title"],
                "url": scheme_rows[-1]["url"],
                "publisher": "",
                "published_on": None,
                "content_hash": "",
                "merge_reason": "new",
                "missing_runs": 0,
                "first_seen_at": created,
                "last_seen_at": created,
            }  # fmt: skip
        )
        own = []
        for ordinal in range(1 + i % 2):
            window_id += 1
            opens = base + timedelta(days=(i * 7 + ordinal * 120) % 700)
            window_rows.append(
                {
                    "id": window_id,
                    "scheme_id": i,
                    "publication_id": i,
                    "ordinal": ordinal,
                    "opens_at": opens,
                    "closes_at": opens + timedelta(days=30 + i % 40),
                    "opens_has_time": False,
                    "closes_has_time": False,
                    "precision": "day",
                    "budget_eur": None,
                    "status_text": "",
                    "source_id": "bench",
                    "url": "",
                    "snippet": f"Aanvragen van {opens:%d-%m-%Y}",
                    "confidence": 1.0,
                    "budget_exhausted": False,
                    "withdrawn": False,
                    "staff_locked": False,
                    "locked_by": "",
                    "locked_at": None,
                    "created_at": created,
                    "updated_at": created,
                }  # fmt: skip
            )
            own.append(window_id)
        window_of.append(own)
    event_rows: list[dict[str, Any]] = []
    span = 365 * 24 * 3600
    for e in range(1, events + 1):
        s = rng.randrange(schemes)
        kind = KINDS[e % len(KINDS)]
        event_rows.append(
            {
                "id": e,
                "kind": kind,
                "scheme_id": s + 1,
                "window_id": None if kind == "scheme_new" else window_of[s][0],
                "source_id": "bench",
                "before": None,
                "after": {"title": scheme_rows[s]["title"]},
                "created_at": base + timedelta(seconds=e * span // events),
                "dedupe_key": f"bench:{e}",
                "baseline": False,
                "published": True,
            }  # fmt: skip
        )
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Source.__table__), [{"id": "bench", "title": "Bench", "level": "rijk"}]
        )  # type: ignore[attr-defined]
        for table, rows in (
            (Scheme.__table__, scheme_rows),  # type: ignore[attr-defined]
            (Publication.__table__, pub_rows),  # type: ignore[attr-defined]
            (Window.__table__, window_rows),  # type: ignore[attr-defined]
            (Event.__table__, event_rows),  # type: ignore[attr-defined]
        ):
            for chunk in range(0, len(rows), 5000):
                conn.execute(sa.insert(table), rows[chunk : chunk + 5000])
        if engine.dialect.name == "postgresql":
            for table in ("scheme", "publication", "window", "event"):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'(SELECT max(id) FROM "{table}"))'
                    )
                )
            conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - start


@contextmanager
def filled_database(
    database_url: str | None, name: str, schemes: int, events: int
) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh, upgraded database filled by populate, and the environment that runs on it.

    Prints the backend and the size first.
    """
    with tempfile.TemporaryDirectory() as tmp, database(database_url, Path(tmp), name) as url:
        env = write_config(Path(tmp) / "tracker.toml", url)
        upgrade(env)
        took = populate(url, schemes, events)
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"\n{backend}, {schemes} schemes, {events} events (filled in {took:.1f} s)")
        yield url, env


@contextmanager
def server(env: dict[str, str]) -> Iterator[str]:
    """`tracker serve` of this checkout on a free loopback port; yields its base URL."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in finally)
    proc = subprocess.Popen(
        [*TRACKER, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(300):
            if proc.poll() is not None:
                log.seek(0)
                raise SystemExit(f"server exited:\n{log.read().decode()[-3000:]}")
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@dataclass
class Load:
    requests: int
    errors: int
    p50: float  # milliseconds
    p95: float
    p99: float
    seconds: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        return (
            f"{self.p50:8.1f} {self.p95:8.1f} {self.p99:8.1f} {self.rps:8.1f} "
            f"{self.requests:7d} {self.errors:5d}"
        )


HEADER = f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'count':>7} {'err':>5}"

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.duration))
end
"""


def load(url: str, clients: int, seconds: float, headers: dict[str, str] | None = None) -> Load:
    """`clients` connections requesting `url` back to back for `seconds` (wrk when present)."""
    if shutil.which("wrk"):
        return _wrk(url, clients, seconds, headers or {})
    return asyncio.run(_httpx_load(url, clients, seconds, headers or {}))


def _wrk(url: str, clients: int, seconds: float, headers: dict[str, str]) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    cmd = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds:.0f}s", "--timeout", "60s",
           "-s", script.name]  # fmt: skip
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    m = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    if not m:
        raise SystemExit(f"wrk printed no result:\n{out}")
    n, err, p50, p95, p99, dur = (int(x) for x in m.groups())
    return Load(n, err, p50 / 1000, p95 / 1000, p99 / 1000, dur / 1e6)


async def _httpx_load(url: str, clients: int, seconds: float, headers: dict[str, str]) -> Load:
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            try:
                r = await client.get(url, headers=headers)
                if r.status_code >= 400:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - t)

    limits = httpx.Limits(max_connections=clients)
    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    return _summary(latencies, errors, time.perf_counter() - start)


def _summary(latencies: list[float], errors: int, seconds: float) -> Load:
    data = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return data[min(len(data) - 1, int(p / 100 * len(data)))] * 1000

    return Load(len(latencies), errors, pct(50), pct(95), pct(99), seconds)


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
