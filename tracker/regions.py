"""Regions: the 12 provinces (ISO 3166-2, listed once in ``scrapers._regions``) and named
groups of them from config.

A region filter names a province code or a group; it is expanded here to province codes.
Schemes without regions (Rijk, EU-wide) apply everywhere and match every region.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from scrapers._regions import PROVINCES as PROVINCES
from scrapers._regions import region_for
from tracker.config import Config

logger = logging.getLogger(__name__)


def province_of(name: str) -> str | None:
    """Province code of a body's name ('Gelderland', 'Provincie Gelderland', 'Friesland')."""
    return region_for(name)


class UnknownRegionError(ValueError):
    """A region that is neither a province code nor a configured group."""


def region_names(config: Config) -> list[str]:
    """Every accepted region value: province codes, then group names."""
    return list(PROVINCES) + list(config.regions.groups)


def expand_region(config: Config, region: str) -> tuple[str, ...]:
    """Province codes of a province code or group name."""
    if region in PROVINCES:
        return (region,)
    if region in config.regions.groups:
        return config.regions.groups[region]
    raise UnknownRegionError(
        f"onbekende regio {region!r}: gebruik een provinciecode (NL-GR … NL-LI) "
        f"of een groep ({', '.join(config.regions.groups)})"
    )


def expand_regions(config: Config, regions: Sequence[str]) -> list[str]:
    """Sorted, unique province codes of several regions."""
    return sorted({code for region in regions for code in expand_region(config, region)})


def region_label(config: Config, region: str) -> str:
    """'Gelderland' for NL-GE, 'oost (Overijssel, Flevoland, Gelderland)' for a group."""
    if region in PROVINCES:
        return PROVINCES[region]
    codes = config.regions.groups.get(region, ())
    return f"{region} ({', '.join(PROVINCES[c] for c in codes)})"


def scheme_region_label(regions: Sequence[str]) -> str:
    """Where a scheme applies, in Dutch, for grouping digests."""
    if not regions:
        return "Heel Nederland"
    return ", ".join(PROVINCES.get(code, code) for code in sorted(regions))
