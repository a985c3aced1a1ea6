"""Find regulation identifiers and cited regulation titles in Dutch legal text.

Amendment and openstelling publications name the regulation they change ("Regeling … tot
wijziging van de Tijdelijke subsidieregeling NL leert door met inzet van scholing door
toevoeging van …"; "De SLIM-regeling wordt als volgt gewijzigd"). The normaliser merges
publications into one scheme on these titles and ids. Pure string work.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

IDENTIFIER = re.compile(
    r"\b(BWBR\d{7}|CVDR\d+(?:_\d+)?|(?:stcrt|prb|gmb|wsb|bgr|stb|trb)-\d{4}-\d+)\b"
)
_WORD = r"(?:regeling|besluit|verordening|regels|wet\b|plafondbesluit|subsidie)"
# The title runs until a phrase that starts the reason of the amendment. " door " alone is not
# a stop: "NL leert door met inzet van scholing" contains it.
_STOP = (
    r"(?=\s+(?:in verband met|door (?:toevoeging|wijziging|middel|het|de|een|invoering)|ter |"
    r"alsmede|teneinde|met het oog op|wordt|worden|als volgt|vast te stellen|en gelet op)\b|"
    r"\s*[,;:(\n]|\.\s|\.?$)"
)
_PATTERNS = (
    re.compile(r"\b[Ww]ijziging van (?:de|het) (.{5,300}?)" + _STOP),
    # "Wijzigingsregeling Subsidieregeling praktijkleren in de derde leerweg" (a feed item)
    re.compile(r"^[Ww]ijzigings(?:regeling|besluit)\s+([A-Z].{5,300}?)" + _STOP),
    re.compile(r"(?:^|\n|\. )(?:De|Het) ([A-Z].{3,200}?) (?:wordt|worden) als volgt gewijzigd"),
    re.compile(r"\(([A-Z][^()\n]{8,200})\)"),
    re.compile(
        r"\b(?:paragraaf|hoofdstuk|artikel) [\w.:]+(?:,? \w+ lid)? van (?:de|het) ([A-Z].{5,200}?)"
        r"(?= voor | ten behoeve| en gelet op |\s*[,;:(\n]|\.\s|\.?$)"
    ),
    re.compile(r"[Cc]iteertitel:?[ \t]+([A-Z][^\n.;]{5,200})"),  # not the next line
)
_AND = re.compile(r" en (?:de|het) (?=[A-Z])")


def find_identifiers(text: str) -> list[str]:
    """BWBR/CVDR/publication ids in ``text``, first occurrence order, deduplicated."""
    return list(dict.fromkeys(m.group(1) for m in IDENTIFIER.finditer(text)))


def find_cited_titles(text: str, *, limit: int = 10) -> list[str]:
    """Titles of regulations ``text`` amends, opens or cites, deduplicated."""
    found: list[str] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text[:50_000]):
            for part in _AND.split(match.group(1)):
                _add_title(found, part)
    return found[:limit]


def _add_title(found: list[str], raw: str) -> None:
    title = re.sub(r"\s+", " ", raw).strip(" .,;")
    if (
        re.search(_WORD, title, re.IGNORECASE)
        and len(title) <= 200
        and not title.lower().startswith(("de ", "het ", "artikel", "in "))
        and title not in found
    ):
        found.append(title)
