"""``tracker feeds export DIR``: the standard feeds as static files, for hosting without the app.

Writes alerts and schemes (RSS + Atom) and the calendar, unfiltered and per region (provinces
and configured groups) and per theme, with the same bytes the web routes serve. Files are
written atomically (temp file + rename), so a web server never serves half a feed.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from feeds.publish import PreparedFeed, prepare_alerts, prepare_calendar, prepare_schemes
from tracker.config import Config
from tracker.read.queries import Filters
from tracker.regions import PROVINCES, expand_region

logger = logging.getLogger(__name__)


def standard_filters(config: Config) -> dict[str, Filters]:
    """File-name suffix → filters: everything, each region, each theme."""
    variants = {"": Filters()}
    for region in (*PROVINCES, *config.regions.groups):
        codes = expand_region(config, region)
        variants[f"-{region.lower()}"] = Filters(region=region, region_codes=codes)
    for theme in config.themes:
        variants[f"-thema-{theme}"] = Filters(theme=theme)
    return variants


def export_feeds(config: Config, engine: Engine, directory: Path, *, now: datetime) -> list[Path]:
    """Write every standard feed into ``directory``; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    base = config.web.base_url.rstrip("/")
    written: list[Path] = []
    with Session(engine) as session:
        for suffix, filters in standard_filters(config).items():
            for fmt in ("rss", "atom"):
                name = f"alerts{suffix}.{fmt}"
                written.append(_write(directory / name, prepare_alerts(
                    config, session, fmt, filters, f"{base}/feeds/{name}", now)))  # fmt: skip
                name = f"schemes{suffix}.{fmt}"
                written.append(_write(directory / name, prepare_schemes(
                    config, session, fmt, filters, f"{base}/feeds/{name}", now)))  # fmt: skip
            feed = prepare_calendar(config, session, filters, now)
            written.append(_write(directory / f"calendar{suffix}.ics", feed))
    logger.info("exported %d feed files to %s", len(written), directory)
    return written


def _write(path: Path, feed: PreparedFeed) -> Path:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(feed.render())
    os.replace(tmp, path)
    return path
