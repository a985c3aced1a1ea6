"""Which existing scheme a new publication belongs to, and why.

Order of evidence: a pin in config, a shared regulation identifier (BWBR/CVDR/stcrt ids), a
cited regulation title, then normalised title similarity above a threshold. The reason is
stored on the publication so staff can judge (and undo) every merge.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from sqlmodel import Session, select

from tracker.models import Scheme
from tracker.normalise import SchemeData

SIMILARITY = 0.9
_NOISE = re.compile(
    r"\b(regeling van de minister[^,]*?|besluit van gedeputeerde staten[^,]*?|"
    r"houdende|tot vaststelling van|de|het|een|van|voor)\b"
)


def normalise_title(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = _NOISE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def find_scheme(session: Session, data: SchemeData) -> tuple[Scheme | None, str]:
    """The scheme this publication belongs to (None: a new scheme) and the reason."""
    if data.scheme_pin:
        pinned = session.exec(select(Scheme).where(Scheme.slug == data.scheme_pin)).first()
        if pinned is not None:
            return pinned, f"vastgezet in configuratie op {data.scheme_pin}"
    candidates = session.exec(
        select(Scheme).where(Scheme.merged_into_id.is_(None))  # type: ignore[union-attr]
    ).all()
    wanted = set(data.identifiers)
    for scheme in candidates:
        shared = wanted & set(scheme.identifiers)
        if shared:
            return scheme, f"zelfde regelingsnummer {sorted(shared)[0]}"
    titles = {scheme.id: normalise_title(scheme.title) for scheme in candidates}
    for cited in data.cited_titles:
        cited_norm = normalise_title(cited)
        for scheme in candidates:
            own = titles[scheme.id]
            if own and len(own) > 12 and (own == cited_norm or own in cited_norm):
                return scheme, f"noemt de regeling '{scheme.title}'"
    mine = normalise_title(data.title)
    best: tuple[float, Scheme | None] = (0.0, None)
    for scheme in candidates:
        ratio = SequenceMatcher(None, mine, titles[scheme.id]).ratio()
        if ratio > best[0]:
            best = (ratio, scheme)
    if best[1] is not None and best[0] >= SIMILARITY:
        return best[1], f"titel lijkt {best[0]:.0%} op '{best[1].title}'"
    return None, "nieuw"
