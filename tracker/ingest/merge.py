"""Which existing scheme a new publication belongs to, and why; merge proposals for staff.

Only strong keys merge automatically, in this order: a pin in config, a shared regulation
identifier (the publication's own BWBR/CVDR/stcrt ids), a name the publication claims as its
subject (the regulation an amendment or openstelling names: "… tot wijziging van de
SLIM-regeling") matching a scheme's regulation name, an identifier it only cites when exactly
one scheme has it (a plafondbesluit citing several regulations joins none of them), and the
same official URL stated by another source. Names keep
their year ("SLIM 2025" is not "SLIM 2026"), and a name never joins schemes of different
provinces. Title similarity (also without instrument words such as "Tijdelijke
subsidieregeling"), a shared own title, a shared acronym or an acronym that is another's whole
name ("… (SDE++)" and "SDE++") only create a ``MergeProposal`` that staff accept or reject:
two publications that each carry their own window, identifier or URL are never merged on a
look-alike title.

Candidates are found through ``SchemeKey`` rows (identifiers, names and title words of every
publication), so a new publication costs a few indexed look-ups, not a pass over all schemes:
one for its identifiers, names and acronyms together, one for the official URL, one for the
schemes sharing most title words (counted from the index alone) with the columns they are
compared on, and one per kind of strong candidate found, never one per candidate. The
statements are built once and run with new values.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from difflib import SequenceMatcher
from functools import cache, lru_cache
from typing import Any, NamedTuple, Protocol, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tracker.ingest.normalise import SchemeData
from tracker.models import MergeProposal, MergeReason, Publication, Scheme, SchemeKey

logger = logging.getLogger(__name__)

SIMILARITY = 0.9
MIN_NAME = 4
MAX_CANDIDATES = 20

# SchemeKey kinds (CITE: an identifier the publication only cites, never its own)
ID, NAME, CLAIM, ACRONYM, TOKEN, CITE = "id", "name", "claim", "acronym", "token", "cite"

_NOISE = re.compile(r"\b(de|het|een|van|voor|en|in|der)\b")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9+\-]{1,15})\)")
# acronyms many distinct schemes carry: EU action types ("… skills development (CSA)"), the EU,
# ministries; they name no scheme
_GENERIC_ACRONYMS = frozenset(
    {
        "CSA", "RIA", "IA", "PCP", "PPI", "COFUND", "SME", "EU", "EC", "NL", "EZ", "EZK", "LNV",
        "SZW", "OCW", "VWS", "BZK", "IENW", "KGG", "RVO",
    }
)  # fmt: skip
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_NUMBER = re.compile(r"\d+")
# words every scheme title has; they find no candidates
_GENERIC = frozenset(
    {
        "subsidie", "subsidies", "subsidieregeling", "regeling", "regelingen", "besluit",
        "wijziging", "tijdelijke", "uitvoeringsregeling", "verordening", "subsidieverordening",
        "openstelling", "provincie", "aanvragen", "minister", "staatssecretaris",
    }
)  # fmt: skip
# decisions about a scheme name it inside their own title:
# "Besluit … tot openstelling van de Subsidieregeling amateurkunst en erfgoed Groningen 2027"
# "Wijzigingsregeling Subsidieregeling praktijkleren in de derde leerweg" (a feed item)
# "Openstellingsbesluit Subsidieregeling biotoopverbetering weidevogelgraslanden 2025"; the
# name ends before the year it is opened for: "… Gelderland 2024 voor het jaar 2025"
_DECISION = re.compile(
    r"^(besluit|regeling van|wijziging|wijzigings(?:regeling|besluit)|openstellingsbesluit)\b",
    re.IGNORECASE,
)
_NAMED = re.compile(
    r"(?:\b(?:van|voor) (?:de |het )?|^(?:[Ww]ijzigings(?:regeling|besluit)|"
    r"[Oo]penstellingsbesluit)\s+)"
    r"((?:Tijdelijke )?(?:[Ss]ubsidieregeling|Uitvoeringsregeling|"
    r"Verordening|Subsidieverordening)\b[^,;()]{3,150}?)"
    r"(?=\s+voor (?:het (?:jaar|kalenderjaar|tijdvak) |de periode |)\d{4}\b|\s*[,;()]|\s*$)"
)
# a decision opening a regulation for a year: "Openstellingsbesluit Subsidieregeling X 2025"
_OPENING = re.compile(r"\bopenstelling", re.IGNORECASE)


# dashes ASCII folding would drop ("ESF+ 2021–2027" is "ESF+ 2021-2027"), and the non-breaking
# and soft hyphen
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad", "-"))


@lru_cache(maxsize=8192)
def _ascii_words(title: str) -> str:
    text = unicodedata.normalize("NFKD", title.translate(_DASHES))
    text = text.encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9+ ]+", " ", text)
    text = _NOISE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=8192)
def normalise_title(title: str) -> str:
    """Lowercase ASCII words without years, articles and punctuation ('+' is kept: SDE++)."""
    return _ascii_words(_YEAR.sub(" ", title))


@lru_cache(maxsize=8192)
def regulation_name(title: str) -> str:
    """A regulation's name for matching: like ``normalise_title`` but the year is kept."""
    return _ascii_words(title)[:200]


def subject_title(data: SchemeData) -> str:
    """The scheme's name: the regulation an amendment or openstelling is about, else the title.

    'Regeling … tot wijziging van de SLIM-regeling …' is about the SLIM-regeling; the first
    cited title that occurs in the publication's own title is taken as its subject (a
    decision's text may cite the Awb or a general subsidy ordinance first).
    """
    return _subject(data.title, data.cited_titles)


@lru_cache(maxsize=4096)
def _subject(title: str, cited_titles: tuple[str, ...]) -> str:
    """``subject_title`` of a title and its cited titles (asked several times per publication
    while it is stored, so remembered)."""
    own = f" {normalise_title(title)} "
    for cited in cited_titles:
        if len(name := normalise_title(cited)) >= MIN_NAME and f" {name} " in own:
            return cited
    if _DECISION.match(title) and (named := _NAMED.search(title)):
        return named.group(1).strip()
    return title


def scheme_names(data: SchemeData) -> set[str]:
    """The normalised names a publication answers to (kept on ``Scheme.aliases``)."""
    names = {normalise_title(data.title), normalise_title(subject_title(data))}
    names |= {normalise_title(a) for a in _acronyms(data.title)}
    return {n for n in names if len(n) >= MIN_NAME}


def publication_keys(data: SchemeData) -> set[tuple[str, str]]:
    """The ``SchemeKey`` (kind, value) pairs of one publication."""
    keys = {(ID, i) for i in data.identifiers}
    keys |= {(CITE, i) for i in data.cited_identifiers if i not in data.identifiers}
    own = regulation_name(data.title)
    keys.add((NAME, own))
    subject = regulation_name(subject_title(data))
    if subject != own:
        keys.add((CLAIM, subject))
    keys |= {(ACRONYM, a) for a in _acronyms(data.title)}
    keys |= {(TOKEN, t) for t in _tokens(subject_title(data))}
    return {(k, v) for k, v in keys if v and (k in (ID, CITE, ACRONYM) or len(v) >= MIN_NAME)}


def _tokens(title: str) -> set[str]:
    return set(_token_tuple(title))


def title_words(title: str) -> tuple[str, ...]:
    """The words of a title that tell schemes apart (the merge look-up's title words): ASCII,
    lower case, four letters or more, without years and words every scheme title has."""
    return _token_tuple(title)


@lru_cache(maxsize=4096)
def _token_tuple(title: str) -> tuple[str, ...]:
    return tuple(
        sorted({w for w in normalise_title(title).split() if len(w) >= 4 and w not in _GENERIC})
    )


@dataclass(frozen=True)
class Match:
    """Where a new publication goes: ``scheme`` (None: a new one), why, and a proposal."""

    scheme: Scheme | None
    kind: MergeReason
    reason: str
    proposal: Scheme | None = None
    proposal_reason: str = ""
    score: float = 0.0
    # a second look-alike besides a same-name proposal: (scheme, reason, score)
    also: tuple[tuple[Scheme, str, float], ...] = ()

    def proposals(self) -> list[tuple[Scheme, str, float]]:
        """Every scheme proposed to staff for this publication, the strongest first."""
        first = [(self.proposal, self.proposal_reason, self.score)] if self.proposal else []
        return first + list(self.also)


def find_scheme(session: Session, source_id: str, data: SchemeData) -> Match:
    """The scheme this publication belongs to on strong keys, else a proposal (or nothing)."""
    if data.scheme_pin:
        pinned = session.exec(select(Scheme).where(Scheme.slug == data.scheme_pin)).first()
        if pinned is not None:
            return Match(pinned, MergeReason.PINNED,
                         f"vastgezet in configuratie op {data.scheme_pin}")  # fmt: skip
        # a typo in the pin would otherwise pass unseen: the publication is matched as usual
        logger.warning("%s: no scheme with slug %r (sources.%s.scheme); matching as usual",
                       source_id, data.scheme_pin, source_id)  # fmt: skip
    identifiers = set(data.identifiers)
    cited = set(data.cited_identifiers) - identifiers
    own = regulation_name(data.title)
    subject = regulation_name(subject_title(data))
    claims = {subject} - {own} if len(subject) >= MIN_NAME else set()
    acronyms = _acronyms(data.title)
    # "Stimulering … Klimaattransitie (SDE++)" and a page named "SDE++": an acronym is the
    # other's whole name, either way round (proposed only, like a shared acronym)
    spelled = {regulation_name(a) for a in acronyms} - {own}
    as_acronym = {n.upper() for n in {own, subject} if _ONE_WORD.fullmatch(n)} - acronyms
    keys = _KeyHits(session, {ID: identifiers | cited, NAME: claims | {own} | spelled,
                              CLAIM: claims | {own} | spelled, ACRONYM: acronyms | as_acronym,
                              CITE: identifiers})  # fmt: skip
    for value, scheme in keys.lookup(ID, identifiers):
        return Match(scheme, MergeReason.IDENTIFIER, f"zelfde regelingsnummer {value}")
    # an amendment names a known regulation, or a regulation is what a known amendment named
    named = keys.lookup(NAME, claims) + keys.lookup(CLAIM, claims | {own})
    for value, scheme in named:
        if _regions_agree(scheme, data):
            return Match(scheme, MergeReason.NAMED, f"zelfde regelingsnaam '{value}'")
    # an identifier it only cites joins it to the one scheme with that identifier; citing
    # several schemes' identifiers (a plafondbesluit for several regulations) joins none
    cites = [(v, s) for v, s in keys.lookup(ID, cited) if _regions_agree(s, data)]
    if len({scheme.id for _v, scheme in cites}) == 1:
        value, scheme = cites[0]
        return Match(scheme, MergeReason.IDENTIFIER, f"verwijst naar regelingsnummer {value}")
    if data.url and (same := _same_url(session, source_id, data.url)) is not None:
        return Match(same, MergeReason.URL, f"zelfde officiële URL {data.url}")
    # a publication stored earlier cites this one's identifier (and no other): for staff
    cited_by = []
    if keys.lookup(CITE, identifiers):
        cited_by = [(v, s) for v, s in _cited_alone(session, identifiers)
                    if _regions_agree(s, data)]  # fmt: skip
    alike = (
        keys.lookup(NAME, {own})
        + keys.lookup(ACRONYM, acronyms | as_acronym)
        + keys.lookup(NAME, spelled)
        + keys.lookup(CLAIM, spelled)
    )
    return _propose(session, data, alike, cited_by)


_KEYS: Any = SchemeKey.__table__  # type: ignore[attr-defined]
_SCHEMES: Any = Scheme.__table__  # type: ignore[attr-defined]
_PUBLICATIONS: Any = Publication.__table__  # type: ignore[attr-defined]


@cache
def _hits_statement(kinds: tuple[str, ...]) -> sa.Select[Any]:
    """The key look-up for these kinds, built once (its values are bound per call)."""
    return sa.select(_KEYS.c.kind, _KEYS.c.value, _KEYS.c.scheme_id).where(
        sa.or_(
            *(
                sa.and_(
                    _KEYS.c.kind == kind,
                    _KEYS.c.value.in_(sa.bindparam(f"v_{kind}", expanding=True)),
                )
                for kind in kinds
            )
        )
    )


class _KeyHits:
    """The ``SchemeKey`` rows with one publication's identifiers, names and acronyms, read in
    one query, and their live schemes in one more: ``lookup`` answers what one indexed
    look-up per kind and value set would, live schemes oldest first."""

    def __init__(self, session: Session, wanted: dict[str, set[str]]) -> None:
        wanted = {kind: values for kind, values in wanted.items() if values}
        self.rows: list[tuple[str, str, int]] = []
        if wanted:
            kinds = tuple(sorted(wanted))
            found = session.execute(
                _hits_statement(kinds), {f"v_{kind}": sorted(wanted[kind]) for kind in kinds}
            ).all()
            self.rows = sorted(
                ((kind, value, scheme_id) for kind, value, scheme_id in found),
                key=lambda row: (row[2], row[1]),
            )
        self.live = (
            live_schemes(session, {scheme_id for _k, _v, scheme_id in self.rows})
            if self.rows
            else {}
        )

    def lookup(self, kind: str, values: set[str]) -> list[tuple[str, Scheme]]:
        """Live schemes with a key of this kind and one of these values, oldest scheme first."""
        found: list[tuple[str, Scheme]] = []
        for row_kind, value, scheme_id in self.rows:
            if row_kind != kind or value not in values:
                continue
            scheme = self.live[scheme_id]
            if all(scheme.id != s.id for _v, s in found):
                found.append((value, scheme))
        return found


def _regions_agree(scheme: _Named, data: SchemeData) -> bool:
    """A name joins schemes of one province (or national/EU ones), never two provinces."""
    return not (scheme.regions and data.regions and not set(scheme.regions) & set(data.regions))


_SAME_URL = (
    sa.select(_PUBLICATIONS.c.scheme_id)
    .where(
        _PUBLICATIONS.c.url == sa.bindparam("url"),
        _PUBLICATIONS.c.source_id != sa.bindparam("source_id"),
    )
    .order_by(_PUBLICATIONS.c.id)
)


def _same_url(session: Session, source_id: str, url: str) -> Scheme | None:
    """The scheme of another source's publication with this URL.

    Within one source, items without their own link fall back to the listing's URL, so a
    shared URL there says nothing.
    """
    scheme_id = session.execute(_SAME_URL, {"url": url, "source_id": source_id}).scalar()
    return live_scheme(session, scheme_id) if scheme_id is not None else None


_CITES = _KEYS.alias("cites")
# the schemes of publications citing one of these identifiers and no other identifier
_CITED_ALONE = (
    sa.select(_KEYS.c.value, _KEYS.c.scheme_id)
    .where(
        _KEYS.c.kind == CITE,
        _KEYS.c.value.in_(sa.bindparam("ids", expanding=True)),
        sa.select(func.count())
        .where(_CITES.c.publication_id == _KEYS.c.publication_id, _CITES.c.kind == CITE)
        .scalar_subquery()
        == 1,
    )
    .order_by(_KEYS.c.scheme_id, _KEYS.c.value)
)


def _cited_alone(session: Session, identifiers: set[str]) -> list[tuple[str, Scheme]]:
    """Live schemes with a publication citing one of ``identifiers`` as the only identifier it
    cites (a plafondbesluit citing several regulations is about none of them alone)."""
    rows = session.execute(_CITED_ALONE, {"ids": sorted(identifiers)}).all()
    live = live_schemes(session, {scheme_id for _v, scheme_id in rows})
    return [(value, live[scheme_id]) for value, scheme_id in rows]


def _propose(
    session: Session,
    data: SchemeData,
    same: list[tuple[str, Scheme]],
    cited_by: Sequence[tuple[str, Scheme]] = (),
) -> Match:
    """No strong key: a new scheme, with the most similar existing one proposed to staff.

    ``same`` are the live schemes with the publication's own name or one of its acronyms;
    ``cited_by`` those with a publication citing one of its identifiers.
    """
    new = Match(None, MergeReason.CREATED, "nieuwe regeling")
    # a heading's date and number are no edition: the numbers of its subject are compared
    name = subject_title(data)
    mine = normalise_title(name)
    opening = bool(_OPENING.search(data.title))
    best: tuple[float, _Named | None, str] = (0.0, None, "")
    first: Match | None = None
    for value, scheme in same:
        if _regions_agree(scheme, data) and _numbers_agree(name, scheme.title, opening=opening):
            first = Match(None, MergeReason.CREATED, new.reason, scheme,
                          f"zelfde naam '{value}'", 1.0)  # fmt: skip
            break
    for value, scheme in cited_by if first is None else ():
        reason = f"regelingsnummer {value} wordt aangehaald door een publicatie daarvan"
        first = Match(None, MergeReason.CREATED, new.reason, scheme, reason, 1.0)
        break
    # the title look-alike is asked for too: "X (SDE++)" is proposed to "SDE++" by name and
    # to "X in 2026" by title, so staff see every scheme that may be the same one
    for candidate in _token_candidates(session, _tokens(subject_title(data))):
        if not _regions_agree(candidate, data) or not _numbers_agree(
            name, candidate.title, opening=opening
        ):
            continue
        ratio = _likeness(mine, normalise_title(candidate.title))
        if ratio > best[0]:
            best = (ratio, candidate, candidate.title)
    if best[1] is None or best[0] < SIMILARITY:
        return first or new
    reason = f"titel lijkt {best[0]:.0%} op '{best[2]}'"
    if first is not None:
        assert first.proposal is not None
        if first.proposal.id == best[1].id:
            return first
        also = session.get(Scheme, best[1].id)
        return replace(first, also=((also, reason, best[0]),)) if also is not None else first
    target = session.get(Scheme, best[1].id)
    return Match(None, MergeReason.CREATED, new.reason, target, reason, best[0])


# the words that say what kind of instrument a title is, not which one: "Tijdelijke
# subsidieregeling NL leert door" and "Subsidieregeling NL leert door" name one scheme
_FORMS = frozenset(
    {
        "subsidie", "subsidies", "subsidieregeling", "regeling", "regelingen", "besluit",
        "tijdelijke", "uitvoeringsregeling", "verordening", "subsidieverordening",
        "openstellingsbesluit", "openstelling", "wijzigingsregeling", "wijzigingsbesluit",
        "uitvoeringsbesluit",
    }
)  # fmt: skip


def _likeness(mine: str, theirs: str) -> float:
    """Title similarity (normalised titles), also compared without the instrument words, so a
    form word more or less ("Tijdelijke", "Subsidie-" before "verordening") does not hide a
    look-alike; below ``SIMILARITY`` the value is only a lower bound."""
    best = 0.0
    core = (_core(mine), _core(theirs))
    for a, b in ((mine, theirs), core) if all(core) else ((mine, theirs),):
        matcher = SequenceMatcher(None, a, b)
        # the cheap upper bounds first: below the threshold a candidate is never proposed
        if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
            continue
        best = max(best, matcher.ratio())
    return best


def _core(title: str) -> str:
    return " ".join(w for w in title.split() if w not in _FORMS)


# a name that may be an acronym: one word of 2-16 letters, digits or "+" ("sde++", "mit")
_ONE_WORD = re.compile(r"[a-z][a-z0-9+]{1,15}")


def _acronyms(title: str) -> set[str]:
    """The acronyms in parentheses that may name a scheme ("(SLIM)"), upper case."""
    return {a for a in map(str.upper, _ACRONYM.findall(title)) if a not in _GENERIC_ACRONYMS}


def _numbers_agree(a: str, b: str, *, opening: bool = False) -> bool:
    """'… 2026 (regeling 3)' and '… (regeling 4)', 'SLIM 2025' and 'SLIM 2026' are editions.

    ``opening``: ``a`` names what a decision opens, and a year there may be the year it opens
    the regulation for ("Openstellingsbesluit Subsidieregeling X 2025"), so a regulation ``b``
    without any number may be the one opened (proposed only, never merged on this).
    """
    mine, theirs = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    if mine == theirs:
        return True
    # "SDE++" and "… klimaattransitie in 2026" (either stored first): perhaps the scheme and
    # its round of that year, proposed only; two years or other numbers stay apart
    years_only = not (mine and theirs) and all(_YEAR.fullmatch(n) for n in mine | theirs)
    return years_only or (opening and not theirs and all(_YEAR.fullmatch(n) for n in mine))


class _Named(Protocol):
    """What candidates are compared on: a ``Scheme``, or a ``_Row`` of its columns."""

    @property
    def id(self) -> int | None: ...
    @property
    def title(self) -> str: ...
    @property
    def regions(self) -> list[str]: ...
    @property
    def merged_into_id(self) -> int | None: ...


class _Row(NamedTuple):
    id: int | None
    title: str
    regions: list[str]
    merged_into_id: int | None


_N = TypeVar("_N", bound=_Named)


# the columns candidates are compared on, of the schemes sharing most distinct title words (a
# scheme with many publications repeating one word does not outrank the look-alike; ties: the
# oldest); the count reads the (kind, value, scheme_id) index only
_CANDIDATES = sa.select(
    _SCHEMES.c.id, _SCHEMES.c.title, _SCHEMES.c.regions, _SCHEMES.c.merged_into_id
).where(
    _SCHEMES.c.id.in_(
        sa.select(_KEYS.c.scheme_id)
        .where(_KEYS.c.kind == TOKEN, _KEYS.c.value.in_(sa.bindparam("tokens", expanding=True)))
        .group_by(_KEYS.c.scheme_id)
        .order_by(func.count(sa.distinct(_KEYS.c.value)).desc(), _KEYS.c.scheme_id)
        .limit(MAX_CANDIDATES)
        .scalar_subquery()
    )
)


def _token_candidates(session: Session, tokens: set[str]) -> list[_Named]:
    """The live schemes of the ``MAX_CANDIDATES`` schemes sharing most title words (ties: the
    oldest), by id, read as the columns they are compared on in one query (not as ORM
    objects); schemes the session holds are taken as they are there (perhaps not flushed)."""
    if not tokens:
        return []
    rows = session.execute(_CANDIDATES, {"tokens": sorted(tokens)}).all()
    ids = {row_id for row_id, _t, _r, _m in rows}
    held = _held(session, ids)
    loaded: dict[int, _Named | None] = {}
    for row_id, title, regions, merged_into_id in rows:
        if row_id in held:
            loaded[row_id] = session.get(Scheme, row_id)
        else:
            loaded[row_id] = _Row(row_id, title, list(regions), merged_into_id)
    live = _live(session, ids, _rows_by_id, loaded)
    schemes = {scheme.id: scheme for scheme in live.values()}
    return [schemes[i] for i in sorted(schemes, key=lambda i: i or 0)]


def live_scheme(session: Session, scheme_id: int) -> Scheme:
    """Follow staff merges to the scheme that survives."""
    return live_schemes(session, [scheme_id])[scheme_id]


def live_schemes(session: Session, scheme_ids: Iterable[int]) -> dict[int, Scheme]:
    """``live_scheme`` of each id, the schemes and then their merge targets read a level per
    query (rows the session already holds are not read again)."""
    return _live(session, scheme_ids, _schemes_by_id)


def _live(
    session: Session,
    scheme_ids: Iterable[int],
    load: Callable[[Session, set[int]], dict[int, _N | None]],
    loaded: dict[int, _N | None] | None = None,
) -> dict[int, _N]:
    """``live_schemes`` with a loader; ``loaded``: rows already read (their merge targets are
    read, the rows themselves not again)."""
    ids = set(scheme_ids)
    loaded = dict(loaded or {})
    wanted = (ids - loaded.keys()) | _targets(loaded)
    while wanted:
        loaded.update(load(session, wanted))
        wanted = _targets(loaded)
    return {scheme_id: _follow(loaded, scheme_id) for scheme_id in ids}


def _targets(loaded: dict[int, _N | None]) -> set[int]:
    """Merge targets of rows read whose own rows are not read yet."""
    return {
        target
        for scheme in loaded.values()
        if scheme is not None
        and (target := scheme.merged_into_id) is not None
        and target not in loaded
    }


def _held(session: Session, ids: set[int]) -> set[int]:
    held = session.identity_map
    return {i for i in ids if (Scheme, (i,), None) in held}  # identity_key(Scheme, i)


def _schemes_by_id(session: Session, ids: set[int]) -> dict[int, Scheme | None]:
    found: dict[int, Scheme | None] = dict.fromkeys(ids)
    held = _held(session, ids)
    for scheme_id in held:
        found[scheme_id] = session.get(Scheme, scheme_id)
    if rest := sorted(ids - held):
        for scheme in session.exec(select(Scheme).where(col(Scheme.id).in_(rest))).all():
            assert scheme.id is not None
            found[scheme.id] = scheme
    return found


def _rows_by_id(session: Session, ids: set[int]) -> dict[int, _Named | None]:
    """Schemes the session holds as they are there (perhaps not flushed), others' columns."""
    found: dict[int, _Named | None] = dict.fromkeys(ids)
    held = _held(session, ids)
    for scheme_id in held:
        found[scheme_id] = session.get(Scheme, scheme_id)
    if rest := sorted(ids - held):
        columns = select(col(Scheme.id), Scheme.title, Scheme.regions, col(Scheme.merged_into_id))
        for row_id, title, regions, merged_into_id in session.exec(
            columns.where(col(Scheme.id).in_(rest))
        ):
            assert row_id is not None
            found[row_id] = _Row(row_id, title, list(regions), merged_into_id)
    return found


def _follow(loaded: dict[int, _N | None], scheme_id: int) -> _N:
    """``live_scheme``'s walk over schemes already read."""
    scheme = loaded[scheme_id]
    assert scheme is not None
    seen = {scheme.id}
    while scheme.merged_into_id is not None and scheme.merged_into_id not in seen:
        target = loaded.get(scheme.merged_into_id)
        if target is None:
            break
        scheme = target
        seen.add(scheme.id)
    return scheme


def index_publication(
    session: Session, pub: Publication, data: SchemeData, *, fresh: bool = False
) -> None:
    """Make the publication's ``SchemeKey`` rows match what it says now (``fresh``: a
    publication made just now, which has none yet)."""
    assert pub.id is not None
    if fresh:
        insert_keys(session, pub.id, pub.scheme_id, data)
        return
    wanted = publication_keys(data)
    rows = session.exec(select(SchemeKey).where(SchemeKey.publication_id == pub.id))
    for row in rows:
        if (row.kind, row.value) not in wanted or row.scheme_id != pub.scheme_id:
            session.delete(row)
        else:
            wanted.discard((row.kind, row.value))
    _insert_keys(session, pub.id, pub.scheme_id, wanted)


def insert_keys(session: Session, publication_id: int, scheme_id: int, data: SchemeData) -> None:
    """The keys of a publication that has none yet."""
    _insert_keys(session, publication_id, scheme_id, publication_keys(data))


_INSERT_KEY = _KEYS.insert()


def _insert_keys(
    session: Session, publication_id: int, scheme_id: int, keys: set[tuple[str, str]]
) -> None:
    if keys:
        # one INSERT for all of them; nothing reads these rows back as objects
        session.execute(
            _INSERT_KEY,
            [
                {
                    "scheme_id": scheme_id,
                    "publication_id": publication_id,
                    "kind": kind,
                    "value": value,
                }
                for kind, value in sorted(keys)
            ],  # fmt: skip
        )


def move_keys(session: Session, publication_ids: Iterable[int], scheme_id: int) -> None:
    """Keys follow their publication when staff merge or detach it."""
    ids = list(publication_ids)
    if ids:
        session.execute(
            sa.update(SchemeKey)
            .where(col(SchemeKey.publication_id).in_(ids))
            .values(scheme_id=scheme_id)
        )


def propose_merge(
    session: Session, scheme: Scheme, match: Match, now: datetime
) -> list[MergeProposal]:
    """Record the proposals of ``match`` for staff, once per pair of schemes."""
    made = []
    for target, reason, score in match.proposals():
        if target.id == scheme.id:
            continue
        assert scheme.id is not None and target.id is not None
        known = session.exec(
            select(MergeProposal).where(
                MergeProposal.scheme_id == scheme.id, MergeProposal.target_id == target.id
            )
        ).first()
        if known is not None:
            continue
        proposal = MergeProposal(scheme_id=scheme.id, target_id=target.id, reason=reason,
                                 score=score, created_at=now)  # fmt: skip
        session.add(proposal)
        made.append(proposal)
    return made
