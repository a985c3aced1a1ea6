"""Scrapes that never split a scheme, and run leases that heal after kill -9.

Sources bwb, stcrt and uvb publish about the same scheme (SLIM). Whatever the interleaving
(concurrent runs, runs killed at random moments and run again) the grouping of publications
into schemes must equal that of a serial run: 0 split schemes, one "new scheme" event each.
"""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from functools import partial
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW, STCRT, make_config
from tests.faults._support import kill_count, kill_when, report, seed, start_cli, write_config
from tests.integration.test_merge import BWB, UVB
from tracker.config import Config
from tracker.db import make_engine
from tracker.ingest.lease import LEASE_TTL
from tracker.ingest.pipeline import run_sources
from tracker.models import Event, Publication, ScrapeRun, Source
from tracker.ops.replay import ReplayServer

SOURCES = {"bwb": BWB, "stcrt": STCRT, "uvb": UVB}
Partition = frozenset[frozenset[tuple[str, str]]]


def partition(engine: Engine) -> tuple[Partition, int, int]:
    """(publications grouped by scheme, schemes, 'new scheme' events)."""
    with Session(engine) as s:
        groups: dict[int, set[tuple[str, str]]] = {}
        for pub in s.exec(select(Publication)).all():
            groups.setdefault(pub.scheme_id, set()).add((pub.source_id, pub.key))
        news = len(s.exec(select(Event).where(Event.kind == "scheme_new")).all())
    return frozenset(frozenset(g) for g in groups.values()), len(groups), news


def serial_reference(config: Config, tmp_path: Path) -> Partition:
    engine = make_engine(f"sqlite:///{tmp_path / 'serial.db'}")
    for sid in SOURCES:
        run_sources(config, engine, [sid], now=NOW)
    groups, schemes, news = partition(engine)
    engine.dispose()
    assert schemes == news
    return groups


def test_concurrent_scrapes_of_overlapping_sources_never_split_a_scheme(
    db_url: str, engine: Engine, replay: ReplayServer, tmp_path: Path
) -> None:
    config = make_config(replay, SOURCES)
    expected = serial_reference(config, tmp_path)
    engines = [make_engine(db_url) for _ in SOURCES]
    barrier = threading.Barrier(len(SOURCES))
    statuses: dict[str, str] = {}

    def run(sid: str, eng: Engine) -> None:
        barrier.wait()
        (result,) = run_sources(config, eng, [sid], now=NOW)
        statuses[sid] = result.status

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(SOURCES, engines, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for e in engines:
        e.dispose()
    groups, schemes, news = partition(engine)
    split = len(groups) - len(expected)
    report(
        f"concurrent scrapes [{engine.dialect.name}]: {len(SOURCES)} sources at once, "
        f"{schemes} schemes (serial {len(expected)}), split {split}, 'new' events {news}"
    )
    assert set(statuses.values()) == {"ok"}, statuses
    assert groups == expected
    assert news == schemes


def _scrape_config(tmp_path: Path, db_url: str, config: Config) -> Path:
    lines = [f'[database]\nurl = "{db_url}"\n', "[http]\nmin_delay = 0.0\nretries = 0\n"]
    for sid, src in config.sources.items():
        lines.append(f'[sources.{sid}]\nscraper = "{src.scraper}"\nurl = "{src.url}"\n'
                     f'level = "{src.level}"\n')  # fmt: skip
        opts = ", ".join(f"{k} = {_toml(v)}" for k, v in src.options.items())
        lines.append(f"options = {{ {opts} }}\n")
    return write_config(tmp_path / "scrape.toml", "\n".join(lines))


def _leased(engine: Engine) -> bool:
    with Session(engine) as s:
        return s.exec(select(Source.id).where(Source.locked_by != "")).first() is not None


def _toml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f'"{value}"'


def test_kill_9_of_scrape_heals_its_lease_records_refusals_and_splits_nothing(
    db_url: str, engine: Engine, replay: ReplayServer, tmp_path: Path
) -> None:
    config = make_config(replay, SOURCES)
    expected = serial_reference(config, tmp_path)
    path = _scrape_config(tmp_path, db_url, config)
    rng = random.Random(seed())
    kills = refusals = takeovers = rounds = 0
    # rounds until kill_count() kills landed (a run may finish before its moment), bounded
    while kills < kill_count() and rounds < 4 * kill_count():
        rounds += 1
        proc = start_cli("scrape", "--config", str(path))
        # killed at a random moment while the run holds its leases (fetching or storing): a
        # fixed delay from the start missed more runs the faster a scrape became (issue 14)
        if kill_when(proc, partial(_leased, engine), delay=rng.uniform(0.0, 0.25)):
            kills += 1
        with Session(engine) as s:
            held = [src for src in s.exec(select(Source)).all() if src.locked_by]
        if not held:
            continue
        beat = max(src.locked_at for src in held if src.locked_at)
        ids = [src.id for src in held]
        # the dead run's lease is still fresh: a new run is refused, recorded and visible
        refused = run_sources(config, engine, ids, now=beat + timedelta(seconds=10))
        assert {r.status for r in refused} == {"refused"}
        refusals += len(refused)
        # a few minutes later the lease has expired and the next run takes over
        later = run_sources(config, engine, ids, now=beat + LEASE_TTL + timedelta(seconds=1))
        assert "refused" not in {r.status for r in later}
        takeovers += 1
    final = run_sources(config, engine, now=NOW + timedelta(days=1))
    with Session(engine) as s:
        recorded = s.exec(select(ScrapeRun).where(ScrapeRun.status == "refused")).all()
        leftover = [src.id for src in s.exec(select(Source)).all() if src.locked_by]
    groups, schemes, news = partition(engine)
    report(f"kill -9 scrape [{engine.dialect.name}]: {kills} kills, {refusals} refused runs "
           f"recorded, {takeovers} lease takeovers, {schemes} schemes (serial {len(expected)}), "
           f"split {len(groups) - len(expected)}")  # fmt: skip
    assert kills >= kill_count() and all(r.status != "refused" for r in final)
    assert len(recorded) == refusals and all("overgeslagen" in r.error for r in recorded)
    assert leftover == []
    assert groups == expected and news == schemes
