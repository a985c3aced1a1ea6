"""Sources added or re-pointed by staff on the dashboard, merged into the configuration.

The file stays the base; a staff override replaces a source's URL (and title; its level and
regions stay the file's) or adds a source (default scraper ``html_page``, with the level and
provinces staff gave). A re-pointing override whose source the file no longer has is not run:
the operator removed that source. Override URLs are checked again by the SSRF guard at run
time, since a host's DNS can change after staff saved it; a refused URL keeps the file's
source as it is and is reported.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

import scrapers
from tracker.config import Config, SourceConfig
from tracker.ingest.netguard import UnsafeUrlError, check_source_url
from tracker.models import SourceOverride

logger = logging.getLogger(__name__)

DEFAULT_SCRAPER = "html_page"


def staff_source_ids(config: Config, engine: Engine) -> list[str]:
    """Sources staff added on the dashboard (not in the file), in id order: a scrape of all
    sources and the scheduler run them too."""
    with Session(engine) as session:
        rows = session.exec(
            select(SourceOverride.source_id).where(col(SourceOverride.repoints).is_(False))
        ).all()
    return sorted(sid for sid in rows if sid not in config.sources)


def orphaned(config: Config, override: SourceOverride) -> bool:
    """A URL staff gave a file's source that the file no longer has: not a source to run."""
    return override.repoints and override.source_id not in config.sources


def apply_source_overrides(config: Config, engine: Engine) -> tuple[Config, dict[str, str]]:
    """The effective config and, per source, why an override was refused."""
    with Session(engine) as session:
        overrides = session.exec(select(SourceOverride)).all()
    sources = dict(config.sources)
    refused: dict[str, str] = {}
    for override in overrides:
        if orphaned(config, override):
            continue
        try:
            url = check_source_url(override.url, allow_private=config.http.allow_private_hosts)
        except UnsafeUrlError as exc:
            refused[override.source_id] = str(exc)
            logger.warning("staff URL for %s refused: %s", override.source_id, exc)
            continue
        base = sources.get(override.source_id)
        if base is not None:
            sources[override.source_id] = base.model_copy(
                update={"url": url, "urls": (), "title": override.title or base.title}
            )
            continue
        scraper = override.scraper or DEFAULT_SCRAPER
        if scraper not in scrapers.all_scrapers():
            refused[override.source_id] = f"onbekende scraper {scraper!r}"
            continue
        sources[override.source_id] = SourceConfig(
            scraper=scraper,
            title=override.title or override.source_id,
            url=url,
            level=override.level,
            regions=tuple(override.regions),
        )
    return config.model_copy(update={"sources": sources}), refused
