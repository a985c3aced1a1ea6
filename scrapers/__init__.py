"""Scraper registry: every module in this package registers its scraper class on import."""

from __future__ import annotations

import importlib
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


def get(name: str) -> type[Scraper]:
    """Return the scraper class registered as ``name``; KeyError if there is none."""
    _load_all()
    return Scraper.registry[name]


def all_scrapers() -> dict[str, type[Scraper]]:
    _load_all()
    return dict(sorted(Scraper.registry.items()))
