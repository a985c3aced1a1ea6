"""Dutch provinces and their ISO 3166-2 codes; maps a publishing body's name to a region.

Creators in Provinciaal blad and CVDR metadata read "Gelderland", "Provincie Gelderland" or
"Gedeputeerde Staten van Gelderland"; Fryslân also appears as "Friesland". Pure lookups only.
"""

from __future__ import annotations

import logging
import re
import unicodedata

logger = logging.getLogger(__name__)

PROVINCES: dict[str, str] = {
    "NL-GR": "Groningen",
    "NL-FR": "Fryslân",
    "NL-DR": "Drenthe",
    "NL-OV": "Overijssel",
    "NL-FL": "Flevoland",
    "NL-GE": "Gelderland",
    "NL-UT": "Utrecht",
    "NL-NH": "Noord-Holland",
    "NL-ZH": "Zuid-Holland",
    "NL-ZE": "Zeeland",
    "NL-NB": "Noord-Brabant",
    "NL-LI": "Limburg",
}
_ALIASES = {"friesland": "NL-FR", "brabant": "NL-NB"}
_PREFIX = re.compile(
    r"^(?:(?:gedeputeerde|provinciale) staten van|het college van gedeputeerde staten van"
    r"|provincie|de provincie)\s+"
)


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", ascii_only.replace("–", "-")).strip().lower()


_BY_NAME = {_fold(name): code for code, name in PROVINCES.items()} | _ALIASES


def region_for(name: str) -> str | None:
    """ISO 3166-2 code of the province a body name refers to, or None."""
    folded = _fold(name)
    folded = _PREFIX.sub("", folded).strip()
    return _BY_NAME.get(folded)


def same_creator(found: str, wanted: list[str]) -> bool:
    """True when ``found`` names one of the ``wanted`` bodies (a province by any of its names)."""
    region = region_for(found)
    for name in wanted:
        wanted_region = region_for(name)
        if wanted_region is not None and region == wanted_region:
            return True
        if _fold(found) == _fold(name):
            return True
    return False
