"""Scraper registry: every module in this package registers its scraper class on import.

A scraper is looked up by name, and its module is named like it: ``get`` imports only that
module, so a scrape of ``html_page`` sources never loads feedparser, the SRU scrapers or the EU
portal's (issue 14: memory and start-up time). Any other name loads every module.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

from scrapers.base import Scraper

_loaded = False


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True


def _load_named(name: str) -> None:
    """Import the module named like the scraper, when there is one."""
    if not name.isidentifier() or name.startswith("_"):
        return
    module = f"{__name__}.{name}"
    if importlib.util.find_spec(module) is not None:
        importlib.import_module(module)


def get(name: str) -> type[Scraper]:
    """Return the scraper class registered as ``name``; KeyError if there is none."""
    if name not in Scraper.registry:
        _load_named(name)
    if name not in Scraper.registry:
        _load_all()
    return Scraper.registry[name]


def all_scrapers() -> dict[str, type[Scraper]]:
    _load_all()
    return dict(sorted(Scraper.registry.items()))
