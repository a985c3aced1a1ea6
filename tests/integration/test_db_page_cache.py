"""Issue 14: `tracker scrape` keeps SQLite's page cache per connection small (peak memory); every
other engine keeps SQLite's default."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tracker.cli.main import SCRAPE_PAGE_CACHE_KIB
from tracker.db import make_engine


def _cache_size(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())


def test_page_cache_is_set_on_every_connection_when_asked(tmp_path: Path) -> None:
    small = make_engine(f"sqlite:///{tmp_path / 'a.db'}", page_cache_kib=SCRAPE_PAGE_CACHE_KIB)
    default = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        assert _cache_size(small) == -SCRAPE_PAGE_CACHE_KIB
        with small.connect() as one, small.connect() as two:  # two pooled connections
            for conn in (one, two):
                assert (
                    conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -SCRAPE_PAGE_CACHE_KIB
                )
            assert one.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert _cache_size(default) == -2000  # SQLite's own default
    finally:
        small.dispose()
        default.dispose()
