"""Which existing scheme a new publication belongs to, and why.

Order of evidence: a pin in config, a shared regulation identifier (BWBR/CVDR/stcrt ids), a
shared name (the regulation a publication amends or opens, its own title, an acronym such as
"SDE++"), then normalised title similarity above a threshold. The reason is stored on the
publication so staff can judge (and undo) every merge.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from sqlmodel import Session, col, select

from tracker.ingest.normalise import SchemeData
from tracker.models import Scheme

SIMILARITY = 0.9
MIN_NAME = 4
_NOISE = re.compile(r"\b(de|het|een|van|voor|en|in|der)\b")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9+\-]{1,15})\)")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
# decisions about a scheme name it inside their own title:
# "Besluit … tot openstelling van de Subsidieregeling amateurkunst en erfgoed Groningen 2027"
_DECISION = re.compile(r"^(besluit|regeling van|wijziging|openstellingsbesluit)\b", re.IGNORECASE)
_NAMED = re.compile(
    r"\b(?:van|voor) (?:de |het )?((?:Tijdelijke )?(?:[Ss]ubsidieregeling|Uitvoeringsregeling|"
    r"Verordening|Subsidieverordening)\b[^,;()]{3,150})"
)


def normalise_title(title: str) -> str:
    """Lowercase ASCII words without years, articles and punctuation ('+' is kept: SDE++)."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = _YEAR.sub(" ", text)
    text = re.sub(r"[^a-z0-9+ ]+", " ", text)
    text = _NOISE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def subject_title(data: SchemeData) -> str:
    """The scheme's name: the regulation an amendment or openstelling is about, else the title.

    'Regeling … tot wijziging van de SLIM-regeling …' is about the SLIM-regeling; the first
    cited title that occurs in the publication's own title is taken as its subject.
    """
    for cited in data.cited_titles[:1]:
        if normalise_title(cited) and normalise_title(cited) in normalise_title(data.title):
            return cited
    if _DECISION.match(data.title) and (named := _NAMED.search(data.title)):
        return named.group(1).strip()
    return data.title


def scheme_names(data: SchemeData) -> set[str]:
    """The normalised names a publication answers to."""
    names = {normalise_title(data.title), normalise_title(subject_title(data))}
    names |= {normalise_title(c) for c in data.cited_titles[:1]}
    names |= {normalise_title(a) for a in _ACRONYM.findall(data.title)}
    return {n for n in names if len(n) >= MIN_NAME}


def find_scheme(session: Session, data: SchemeData) -> tuple[Scheme | None, str]:
    """The scheme this publication belongs to (None: a new scheme) and the reason."""
    if data.scheme_pin:
        pinned = session.exec(select(Scheme).where(Scheme.slug == data.scheme_pin)).first()
        if pinned is not None:
            return pinned, f"vastgezet in configuratie op {data.scheme_pin}"
    candidates = session.exec(select(Scheme).where(col(Scheme.merged_into_id).is_(None))).all()
    wanted = set(data.identifiers)
    for scheme in candidates:
        shared = wanted & set(scheme.identifiers)
        if shared:
            return scheme, f"zelfde regelingsnummer {sorted(shared)[0]}"
    names = scheme_names(data)
    for scheme in candidates:
        shared_names = names & set(scheme.aliases)
        if shared_names:
            return scheme, f"zelfde regelingsnaam '{sorted(shared_names)[0]}'"
    mine = normalise_title(subject_title(data))
    best: tuple[float, Scheme | None] = (0.0, None)
    for scheme in candidates:
        ratio = SequenceMatcher(None, mine, normalise_title(scheme.title)).ratio()
        if ratio > best[0]:
            best = (ratio, scheme)
    if best[1] is not None and best[0] >= SIMILARITY:
        return best[1], f"titel lijkt {best[0]:.0%} op '{best[1].title}'"
    return None, "nieuw"
