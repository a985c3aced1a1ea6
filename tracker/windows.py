"""Turn the text of a scheme page or publication into its application windows.

Pure: no I/O and no clock (the reference date is passed in). Date tokens come from
`tracker.dates`; this module decides which of them are application dates, pairs openings
with closings, resolves missing years and derives the status. A wrong date in an alert is
worse than no alert, so anything not clearly about applying is dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from tracker.dates import Mention, find_mentions

MAX_CHARS = 200_000
VAGUE = ("month", "quarter", "season", "year")

_I = re.IGNORECASE


@dataclass(frozen=True)
class ExtractedWindow:
    """One application window; vague windows keep their dates None and say so in precision."""

    opens: date | None
    opens_time: time | None
    closes: date | None
    closes_time: time | None
    precision: str  # "day" | "approximate" | "month" | "quarter" | "season" | "year"
    budget_eur: Decimal | None
    snippet: str
    confidence: float


@dataclass(frozen=True)
class Extraction:
    """All windows in a text plus the relevant one and the status at the reference date."""

    opens: date | None
    opens_time: time | None
    closes: date | None
    closes_time: time | None
    status: str  # "open" | "closed" | "upcoming" | "unknown"
    windows: tuple[ExtractedWindow, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the stable JSON object of `tracker extract`."""
        return {
            "opens": _iso(self.opens),
            "opens_time": _hhmm(self.opens_time),
            "closes": _iso(self.closes),
            "closes_time": _hhmm(self.closes_time),
            "status": self.status,
            "windows": [
                {
                    "opens": _iso(w.opens),
                    "opens_time": _hhmm(w.opens_time),
                    "closes": _iso(w.closes),
                    "closes_time": _hhmm(w.closes_time),
                    "precision": w.precision,
                    "budget_eur": float(w.budget_eur) if w.budget_eur is not None else None,
                    "snippet": w.snippet,
                }
                for w in self.windows
            ],
        }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _hhmm(t: time | None) -> str | None:
    return t.strftime("%H:%M") if t else None


# --- text cleaning -----------------------------------------------------------------------

_DROP_BLOCK_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", _I | re.DOTALL)
_BLOCK_TAG_RE = re.compile(
    r"<br\s*/?>|</?(?:p|div|li|tr|h[1-6]|ul|ol|table|section|article|dt|dd|header|footer)\b[^>]*>",
    _I,
)
_CELL_TAG_RE = re.compile(r"</?t[dh]\b[^>]*>", _I)
_TAG_RE = re.compile(r"<[a-zA-Z/!][^>]*>")
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u2007\u202f\u2009]+")
_INVISIBLE_RE = re.compile(r"[\u00ad\u200b\u200c\u200d\ufeff]")


def clean_text(text: str) -> str:
    """Strip tags, unescape entities and collapse spaces, keeping line structure."""
    text = text[:MAX_CHARS]
    if "<" in text:
        text = _DROP_BLOCK_RE.sub(" ", text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _CELL_TAG_RE.sub(" | ", text)
        text = _TAG_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = _INVISIBLE_RE.sub("", text)
    lines = (_SPACE_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# --- budget ------------------------------------------------------------------------------

_AMOUNT = r"\d{1,3}(?:[.,  ]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?"
_MULT = r"miljoen|miljard|million|billion|mln\.?|mld\.?|bn|m(?![a-z])"
_MONEY_RE = re.compile(
    rf"(?:€|\beur(?:o)?\b)\s*(?P<a>{_AMOUNT})(?:\s*(?P<m>{_MULT}))?"
    rf"|(?P<a2>{_AMOUNT})\s*(?P<m2>{_MULT})?\s*(?:euro|eur)\b",
    _I,
)
_BARE_RE = re.compile(r"(?<![\w.,/-])(?P<a>\d{1,3}(?:\.\d{3}){2,})(?![\w.,/-])")
_MULTIPLIERS = {"miljoen": 6, "million": 6, "mln": 6, "m": 6, "miljard": 9, "billion": 9}
_MULTIPLIERS |= {"mld": 9, "bn": 9}
_BUDGET_KEY_RE = re.compile(
    r"(?:plafond|budget|beschikbaar|available|funding|totaal|total)[^.\n€]{0,40}$", _I
)


def _amount(raw: str, mult: str | None) -> Decimal | None:
    s = re.sub(r"\s", "", raw)
    dec = re.search(r"[.,](\d{1,2})$", s)  # a 1-2 digit tail is decimals; 3 digits are thousands
    whole = re.sub(r"[.,]", "", s[: dec.start()] if dec else s)
    try:
        value = Decimal(f"{whole}.{dec.group(1)}" if dec else whole)
    except InvalidOperation:
        return None
    if mult:
        value = value.scaleb(_MULTIPLIERS[mult.lower().rstrip(".")])
    return value


def _money(text: str) -> list[tuple[int, int, Decimal]]:
    out = []
    for mt in _MONEY_RE.finditer(text):
        value = _amount(mt["a"] or mt["a2"], mt["m"] or mt["m2"])
        if value is not None:
            out.append((mt.start(), mt.end(), value))
    return out


def parse_budget(text: str) -> Decimal | None:
    """Parse the first amount in euros ("€ 17 miljoen", "680.000.000", "EUR 4 million")."""
    text = clean_text(text)
    money = _money(text)
    if money:
        return money[0][2]
    bare = _BARE_RE.search(text) or re.search(r"\d+(?:,\d{1,2})?", text)
    return _amount(bare.group(0), None) if bare else None


# --- cues --------------------------------------------------------------------------------

OPEN, CLOSE_INCL, CLOSE_EXCL, WINDOW, OLD, NONE = "open", "incl", "excl", "window", "old", ""

# Cue words written right before the date ("tot en met 31 maart").
_ADJACENT_RE = re.compile(
    r"(?<![\w/])(?:(?P<incl>t/m|tot\s+en\s+met|tot\s+uiterlijk|uiterlijk|until|till|through|by"
    r"|up\s+to\s+and\s+including|no\s+later\s+than|tot\s+op)"
    r"|(?P<excl>tot|vóór|voor|before|prior\s+to)"
    r"|(?P<open>vanaf|van|from|met\s+ingang\s+van|tussen|between))"
    r"\s*:?\s*(?:op|on|de|het|is)?\s*$",
    _I,
)
# Label words anywhere in the lead ("Einddatum", "opent op", "Deadline date:").
_LABEL_RE = re.compile(
    r"(?P<open>startdatum|begindatum|openingsdatum|opening(?:\s+date)?|opens?|opent|opengesteld"
    r"|openstelling|eerste\s+dag|starts?)"
    r"|(?P<close>einddatum|sluitingsdatum|closing(?:\s+date)?|deadlines?(?:\s+dates?)?"
    r"|cut-?off(?:\s+dates?)?|sluit(?:en|ing)?|closes?|uiterste\s+\w*datum)"
    r"|(?P<window>aanvraagtijdvak|tijdvak|aanvraagperiode|aanvraagronde|indieningstermijn"
    r"|submission\s+period)",
    _I,
)
_TAIL_RE = re.compile(
    r"^[\s,)]*(?:\w+\s+){0,2}?(?:(?P<open>opent|opens|open|opengaat|gaat\s+open|opengesteld)|(?P<close>sluit|closes))\b",
    _I,
)
_CONNECTOR_RE = re.compile(
    r"^\s*(?:(?P<incl>t/m|tot\s+en\s+met|tot\s+uiterlijk|-|–|—|to|until|till|through)"
    r"|(?P<excl>tot)|(?P<and>en|and))\s*$",
    _I,
)
_LIST_RE = re.compile(r"^\s*(?:,\s*(?:en|and|of|or)?|en|and|of|or|&)\s*$", _I)
_SUPERSEDE_RE = re.compile(
    r"(?:verschoven|verplaatst|uitgesteld|vervroegd|verlengd|gewijzigd|aangepast|extended"
    r"|postponed|moved|changed|brought\s+forward)\s+(?:van|from)\s*$",
    _I,
)
_AMEND_RE = re.compile(r"verlengd|verschoven|uitgesteld|extended|postponed", _I)
_NEW_RE = re.compile(r"^\s*(?:naar|tot\s+en\s+met|tot|to|until)\s*$", _I)
_OPENING_WORDS_RE = re.compile(r"opening|opent|openstelling|startdatum|\bstart", _I)
_CLOSING_WORDS_RE = re.compile(r"deadline|sluit|einddatum|closing|clos", _I)

# Dates in these contexts are not application windows (publication, validity of the
# regulation, project and activity periods, decisions, pre-checks, reports, phone hours …).
_NEGATIVE_RE = re.compile(
    r"gepubliceerd|published|publication\s+(?:of|date)|publicatiedatum|bekendgemaakt"
    r"|gecontroleerd|bijgewerkt|updated|gewijzigd\s+op|\bin\s+werking|inwerkingtreding"
    r"|uitwerkingtreding|vervalt|geldend|geldig|looptijd|projectperiode|projectduur"
    r"|\bproject(?:en|s)?\s+(?:moet|moeten|must|should|start|starts|loopt|duurt|period)"
    r"|activiteit|afgerond|duration|\bbesluit|beslis|beschikking|decision|preadvies"
    r"|pre-?check|telefonisch|bereikbaar|openingstijden|bijeenkomst|webinar|info\s*day"
    r"|info\s+session|informatiesessie|evaluat|results|resultaten|signature|grant\s+agreement"
    r"|verslag|rapportage|vaststelling|verantwoording|declarat|uitbetal|betaling|payment"
    r"|uitslag|bezwaar|vragen\s+stellen|questions|ter\s*inzage|zienswijze|staatscourant\s+van"
    r"|den\s+haag|\b(?:regeling|besluit)\s+van\b"
    r"|gaat\s+niet\s+door|geannuleerd|cancel+ed|ingetrokken|withdrawn",
    _I,
)
_POSITIVE_RE = re.compile(
    r"aanvra|indien|ingediend|\bdien\b|submi|appl(?:y|ication|icant)|proposal|openstelling"
    r"|opengesteld|tijdvak|tranche|ronde|loket|deadline|inschrijv|aanmeld|\bcall\b|subsidie",
    _I,
)
_RECURRING_RE = re.compile(
    r"\b(?:jaarlijks|elk\s+jaar|ieder\s+jaar|per\s+jaar|annually|every\s+year|each\s+year)\b", _I
)
_CONTEXT_YEAR_RE = re.compile(
    r"\b(?:in|openstelling|perioden?|tijdvak(?:\s+van)?|ronde|jaar|year|voor|for)\s+"
    r"((?:19|20)\d\d)\b(?![-/.]\d)",
    _I,
)
_DEFAULT_CLOSE_TIME_RE = re.compile(
    r"einddatum\s+(?:vóór|voor|om|tot)\s+(?P<h>[01]?\d|2[0-3])[.:](?P<mi>[0-5]\d)", _I
)
_BOUNDARY_RE = re.compile(r"[.!?](?=\s+[^\W\d_])|[;\n|▪•]")
_PARENS_RE = re.compile(r"\([^()]*\)")


@dataclass
class _Role:
    """The role of one mention and the clause facts needed to judge it."""

    m: Mention
    role: str = NONE
    negative: bool = False
    positive: bool = False
    strong: bool = False  # a label cue such as "Deadline" or "opent": enough on its own
    cue: str = ""
    amends: bool = False
    clause: tuple[int, int] = (0, 0)
    context_start: int = 0


@dataclass
class _Raw:
    """A window under construction."""

    open_r: _Role | None
    close_r: _Role | None
    opens: date | None = None
    closes: date | None = None
    vague: _Role | None = None
    amends: bool = False
    inferred: bool = False
    budget: Decimal | None = None
    extra: list[_Role] = field(default_factory=list)

    @property
    def roles(self) -> list[_Role]:
        return [r for r in (self.open_r, self.close_r, self.vague) if r is not None]


# --- roles -------------------------------------------------------------------------------


def _clause_spans(text: str, mentions: list[Mention]) -> list[tuple[int, int, bool]]:
    """Split text into non-blank clauses: (start, end, starts after a line or cell break)."""
    cuts = [
        b.start()
        for b in _BOUNDARY_RE.finditer(text)
        if not any(m.start <= b.start() < m.end for m in mentions)
    ]
    spans: list[tuple[int, int, bool]] = []
    prev = -1
    for cut in [*cuts, len(text)]:
        if text[prev + 1 : cut].strip():
            gap = text[spans[-1][1] : prev + 1] if spans else ""
            spans.append((prev + 1, cut, "\n" in gap or "|" in gap))
        prev = cut
    return spans


def _clause_of(spans: list[tuple[int, int, bool]], pos: int) -> int:
    for i, (s, e, _) in enumerate(spans):
        if s <= pos < e:
            return i
    return len(spans) - 1


def _decide(r: _Role, lead: str, label_lead: str, gap_before: str | None,
            gap_after: str | None, prev: _Role | None, clause: str) -> None:  # fmt: skip
    """Set the role of one mention from the words around it (most specific cue first)."""
    if _SUPERSEDE_RE.search(lead[-60:]):
        r.role = OLD
        return
    if prev is not None and gap_before is not None:
        if prev.role == OLD and _NEW_RE.match(gap_before):
            opening = _OPENING_WORDS_RE.search(clause) and not _CLOSING_WORDS_RE.search(clause)
            r.role, r.amends, r.strong = (OPEN if opening else CLOSE_INCL), True, True
            return
        conn = _CONNECTOR_RE.match(gap_before)
        if prev.role == OPEN and conn and (not conn["and"] or prev.cue in ("tussen", "between")):
            r.role, r.strong = (CLOSE_EXCL if conn["excl"] else CLOSE_INCL), prev.strong
            r.positive = r.positive or prev.positive
            return
    adj = _ADJACENT_RE.search(lead[-60:])
    if adj:
        r.role = CLOSE_INCL if adj["incl"] else CLOSE_EXCL if adj["excl"] else OPEN
        r.cue = adj.group(0).split()[0].lower()
        r.strong = any(lb["open"] or lb["close"] for lb in _LABEL_RE.finditer(lead))
        r.amends = bool(_AMEND_RE.search(lead))
        return
    conn = _CONNECTOR_RE.match(gap_after) if gap_after is not None else None
    if conn and not conn["and"]:
        r.role = OPEN
        return
    listed = gap_before is not None and _LIST_RE.match(gap_before)
    if listed and prev is not None and prev.role in (OPEN, CLOSE_INCL, CLOSE_EXCL):
        r.role, r.strong = prev.role, prev.strong
        return
    labels = [lb for lb in _LABEL_RE.finditer(label_lead) if not lb["window"]]
    tail = _TAIL_RE.match(clause[r.m.end - r.clause[0] :]) if r.clause else None
    if labels:
        r.role, r.strong = (OPEN if labels[-1]["open"] else CLOSE_INCL), True
    elif tail:
        r.role, r.strong = (OPEN if tail["open"] else CLOSE_INCL), True
    elif _LABEL_RE.search(label_lead):
        r.role, r.strong = WINDOW, True


def _own_context(text: str, start: int, end: int, m: Mention) -> str:
    """Return the clause around m without asides in brackets that do not contain m."""
    context = text[start:end]
    if "(" not in context:
        return context
    at = m.start - start
    return _PARENS_RE.sub(lambda p: p.group(0) if p.start() <= at < p.end() else " ", context)


def _assign_roles(text: str, mentions: list[Mention]) -> list[_Role]:
    """Give every mention a role, or NONE when it is not an application date."""
    spans = _clause_spans(text, mentions)
    has_date = {_clause_of(spans, m.start) for m in mentions}
    roles: list[_Role] = []
    prev: _Role | None = None
    for i, m in enumerate(mentions):
        ci = _clause_of(spans, m.start)
        cs, ce, after_break = spans[ci]
        ctx = cs
        heading = ci > 0 and (
            text[spans[ci - 1][1] : spans[ci - 1][1] + 1] in ("?", ":")
            or text[: spans[ci - 1][1]].rstrip().endswith((":", "?"))
        )
        short = len(text[cs : m.start]) < 25
        if after_break and ci > 0 and ci - 1 not in has_date and (short or heading):
            ctx = spans[ci - 1][0]  # a heading or label line above: "Einddatum", "Looptijd?"
        same = prev is not None and prev.clause == (cs, ce)
        lead = text[prev.m.end if same and prev else cs : m.start]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        gap_after = _PARENS_RE.sub("", text[m.end : nxt.start]) if nxt and nxt.start < ce else None
        r = _Role(m, clause=(cs, ce), context_start=ctx)
        context = _own_context(text, ctx, ce, m)
        r.negative = bool(_NEGATIVE_RE.search(context))
        r.positive = bool(_POSITIVE_RE.search(context))
        label_lead = lead if same else text[ctx : m.start]
        gap_before = _PARENS_RE.sub("", lead) if same else None
        _decide(r, lead, label_lead, gap_before, gap_after, prev if same else None, text[cs:ce])
        if same and prev is not None and prev.negative and r.role in (CLOSE_INCL, CLOSE_EXCL):
            r.negative = True
        roles.append(r)
        prev = r
    _mark_ranges(roles)
    return roles


def _mark_ranges(roles: list[_Role]) -> None:
    """Drop negative mentions and weak single dates that nothing ties to applying."""
    for i, r in enumerate(roles):
        if r.role in (NONE, OLD):
            continue
        ranged = (
            i + 1 < len(roles) and r.role == OPEN and roles[i + 1].role in (CLOSE_INCL, CLOSE_EXCL)
            and roles[i + 1].clause == r.clause
        ) or (i > 0 and r.role != OPEN and roles[i - 1].role == OPEN
              and roles[i - 1].clause == r.clause)  # fmt: skip
        if r.negative or not (r.positive or r.strong or ranged):
            r.role = NONE


# --- windows -----------------------------------------------------------------------------


def _pair(roles: list[_Role]) -> list[_Raw]:
    """Pair each opening with the closing that follows it; apply amended deadlines."""
    raws: list[_Raw] = []
    pending: _Role | None = None
    for r in roles:
        if r.role in (NONE, OLD):
            continue
        if r.m.vague:
            raws.append(_Raw(None, None, vague=r))
        elif r.role in (OPEN, WINDOW):
            if pending is not None:
                raws.append(_Raw(pending, None))
            pending = r
        else:
            raws.append(_Raw(pending, r, amends=r.amends and pending is None))
            pending = None
    if pending is not None:
        raws.append(_Raw(pending, None))
    out: list[_Raw] = []
    for raw in raws:
        target = next((w for w in reversed(out) if w.close_r is not None), None)
        if raw.amends and target is not None:  # "de deadline is verschoven naar …"
            target.close_r, target.amends = raw.close_r, True
        else:
            out.append(raw)
    return out


def _end(r: _Role, d: date) -> date:
    """Return the last submission day: Dutch "tot"/"vóór" without a time is exclusive."""
    if r.role == CLOSE_EXCL and r.m.time is None and r.m.precision == "day":
        return d - timedelta(days=1)
    return d


def _dates(raw: _Raw, year: int) -> tuple[date | None, date | None] | None:
    o, c = raw.open_r, raw.close_r
    od = o.m.on(o.m.year or year) if o else None
    cd = None
    if c is not None:
        cd = c.m.on(c.m.year or year)
        if cd is not None and od is not None and c.m.year is None and cd < od:
            cd = c.m.on(year + 1)
        if cd is None:
            return None
        cd = _end(c, cd)
    if o is not None and od is None:
        return None
    return od, cd


def _context_year(raw: _Raw, roles: list[_Role], text: str) -> int | None:
    """Find the year a year-less window belongs to: the sentence's only year, or a heading."""
    clause = raw.roles[0].clause
    years = {r.m.year for r in roles if r.clause == clause and r.m.year}
    if len(years) == 1:
        return years.pop()
    start = raw.roles[0].m.start
    found = list(_CONTEXT_YEAR_RE.finditer(text, max(0, start - 400), start))
    return int(found[-1].group(1)) if found else None


def _weekday_ok(raw: _Raw, od: date | None, cd: date | None) -> bool:
    for r, d in ((raw.open_r, od), (raw.close_r, cd)):
        if r is not None and r.m.weekday is not None and d is not None:
            shift = 1 if r.role == CLOSE_EXCL and r.m.time is None else 0
            if (d + timedelta(days=shift)).weekday() != r.m.weekday:
                return False
    return True


def _resolve(raw: _Raw, roles: list[_Role], text: str, today: date, recurring: bool) -> bool:
    """Fill raw.opens/closes; a missing year comes from context or the reference date."""
    o, c = raw.open_r, raw.close_r
    known = (c.m.year if c and c.m.year else None) or (o.m.year if o and o.m.year else None)
    if known is not None and o is not None and c is not None and o.m.year is None:
        cd = c.m.on(known)
        od = o.m.on(known)
        known = known - 1 if od and cd and od > cd else known
    if known is None and not recurring:
        known = _context_year(raw, roles, text)
    if known is not None:
        got = _dates(raw, known)
        if got is None:
            return False
        raw.opens, raw.closes = got
        return True
    raw.inferred = True
    options = [(y, _dates(raw, y)) for y in range(today.year - 1, today.year + 3)]
    valid = [(y, d) for y, d in options if d is not None and _weekday_ok(raw, *d)]
    if not valid:
        return False
    if c is not None:  # the next occurrence that is still relevant
        best = next((d for _, d in valid if d[1] is not None and d[1] >= today), valid[-1][1])
    else:
        best = min((d for _, d in valid), key=lambda d: abs(((d[0] or today) - today).days))
    raw.opens, raw.closes = best
    return True


def _budget_for(raw: _Raw, text: str, single: bool) -> Decimal | None:
    """Take a plafond/budget amount from the window's line, or the text if it is the only one."""
    pos = raw.roles[-1].m.start
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    for s, _, value in _money(text):
        in_line = line_start <= s < line_end
        keyed = bool(_BUDGET_KEY_RE.search(text, max(0, s - 60), s))
        if keyed and (in_line or single):
            return value
    if "|" in text[line_start:line_end]:
        bare = _BARE_RE.search(text, raw.roles[-1].m.end, line_end)
        if bare:
            return _amount(bare["a"], None)
    return None


def _snippet(raw: _Raw, text: str) -> str:
    start = min(r.context_start for r in raw.roles)
    end = max(r.clause[1] for r in raw.roles)
    first = min(r.m.start for r in raw.roles)
    last = max(r.m.end for r in raw.roles)
    if end - start > 300:
        start = max(start, first - 80)
        end = min(end, max(last + 60, start + 300), start + 300)
    return text[start:end].strip()


def _finish(raw: _Raw, text: str, single: bool, default_close: time | None) -> ExtractedWindow:
    roles = raw.roles
    if raw.vague is not None:
        precision = raw.vague.m.precision
    elif any(r.m.precision == "approximate" for r in roles):
        precision = "approximate"
    else:
        precision = "day"
    confidence = {"day": 0.95, "approximate": 0.5}.get(precision, 0.3)
    if raw.inferred:
        confidence -= 0.15
    if not any(r.positive or r.strong for r in roles):
        confidence -= 0.25
    close_time = raw.close_r.m.time if raw.close_r else None
    if raw.closes is not None and close_time is None:
        close_time = default_close
    return ExtractedWindow(
        opens=raw.opens,
        opens_time=raw.open_r.m.time if raw.open_r and raw.opens else None,
        closes=raw.closes,
        closes_time=close_time,
        precision=precision,
        budget_eur=_budget_for(raw, text, single),
        snippet=_snippet(raw, text),
        confidence=round(max(0.1, min(confidence, 1.0)), 2),
    )


def _split_backwards(raws: list[_Raw]) -> list[_Raw]:
    """A range never runs backwards: a pairing that does was wrong, so keep both halves."""
    out: list[_Raw] = []
    for raw in raws:
        if raw.opens and raw.closes and raw.closes < raw.opens:
            out.append(_Raw(raw.open_r, None, opens=raw.opens, inferred=raw.inferred))
            out.append(_Raw(None, raw.close_r, closes=raw.closes, inferred=raw.inferred))
        else:
            out.append(raw)
    return out


def _merge_halves(raws: list[_Raw]) -> list[_Raw]:
    """Join a lone deadline and a lone opening written in either order ("… is 15 december")."""
    if len(raws) != 2 or any(r.vague for r in raws):
        return raws
    closing = next((r for r in raws if r.open_r is None and r.closes), None)
    opening = next((r for r in raws if r.close_r is None and r.opens), None)
    if closing and opening and opening.opens and closing.closes and opening.opens <= closing.closes:
        opening.close_r, opening.closes = closing.close_r, closing.closes
        opening.inferred = opening.inferred or closing.inferred
        return [opening]
    return raws


def _windows(text: str, today: date) -> tuple[ExtractedWindow, ...]:
    mentions = find_mentions(text)
    if not mentions:
        return ()
    roles = _assign_roles(text, mentions)
    recurring = bool(_RECURRING_RE.search(text))
    raws = [
        raw
        for raw in _pair(roles)
        if raw.vague is not None or _resolve(raw, roles, text, today, recurring)
    ]
    raws = _merge_halves(_split_backwards(raws))
    dt = _DEFAULT_CLOSE_TIME_RE.search(text)
    default_close = time(int(dt["h"]), int(dt["mi"])) if dt else None
    return tuple(_finish(raw, text, len(raws) == 1, default_close) for raw in raws)


# --- status ------------------------------------------------------------------------------

_CONDITIONAL_RE = re.compile(
    r"\b(?:als|wanneer|zodra|indien|if|once|when|voordat)\b[^.]{0,30}$", _I
)
# Words that stop applications even inside a nominal window (budget exhausted, closed early).
_STOPPED_RE = re.compile(
    r"(?:subsidie)?plafond\s+(?:is\s+)?bereikt|budget\s+is\s+op\b|niet\s+meer\s+aanvragen"
    r"|geen\s+aanvra(?:ag|gen)\s+meer|(?:regeling|loket)\s+is\s+(?:nu\s+)?(?:gesloten|vol)\b"
    r"|^\s*(?:status:\s*)?(?:gesloten|closed|vol)\s*$|no\s+longer\s+(?:open|accepting)"
    r"|closed\s+for\s+submissions?|\bis\s+gestopt\b|\bbeëindigd\b",
    _I | re.MULTILINE,
)
_CLOSED_RE = re.compile(r"\bgesloten\b|\bclosed\b|\bis\s+vol\b", _I)
_ANNOUNCED_RE = re.compile(
    r"later\s+dit\s+jaar|nog\s+niet\s+bekend|volgt\s+later|will\s+be\s+announced|to\s+be\s+announced"
    r"|wordt\s+later\s+bekendgemaakt|(?:opent|gaat)\s+(?:\w+\s+)?(?:opnieuw|weer)\s+open",
    _I,
)
_UPCOMING_RE = re.compile(
    r"nog\s+niet\s+open|bijna\s+open|binnenkort\s+open|forthcoming|opening\s+soon|verwacht"
    r"|expected\s+opening",
    _I,
)
_OPEN_RE = re.compile(
    r"open\s+voor\s+aanvragen|open\s+for\s+submission|\bnu\s+open\b|\bnow\s+open\b"
    r"|^\s*(?:status:\s*)?open\s*$",
    _I | re.MULTILINE,
)


def _says(rx: re.Pattern[str], text: str) -> bool:
    return any(not _CONDITIONAL_RE.search(text, 0, mt.start()) for mt in rx.finditer(text))


def _vague_status(w: ExtractedWindow, today: date) -> str | None:
    vague = [m for m in find_mentions(w.snippet) if m.vague and m.year]
    if not vague:
        return None
    _, end = vague[0].period(vague[0].year or today.year)
    if end < today:
        return "closed"
    return "open" if _CLOSING_WORDS_RE.search(w.snippet) else "upcoming"


def _window_status(w: ExtractedWindow, today: date) -> str | None:
    if w.precision in VAGUE:
        return _vague_status(w, today)
    if w.closes is not None and w.closes < today:
        return "closed"
    if w.opens is not None and w.opens > today:
        return "upcoming"
    return "open" if (w.opens or w.closes) else None


def _states(windows: Sequence[ExtractedWindow], today: date, stopped: bool) -> list[str | None]:
    """Window states; "plafond bereikt"-style words close the windows that are open now."""
    states = [_window_status(w, today) for w in windows]
    return ["closed" if stopped and s == "open" else s for s in states]


def status_on(windows: Sequence[ExtractedWindow], today: date, text: str = "") -> str:
    """Derive the status at `today`: from the windows first, then from status words."""
    text = clean_text(text) if text else ""
    found = set(_states(windows, today, _says(_STOPPED_RE, text)))
    if "open" in found:
        return "open"
    if "upcoming" in found or _says(_ANNOUNCED_RE, text):
        return "upcoming"
    if "closed" in found or _says(_STOPPED_RE, text) or _says(_CLOSED_RE, text):
        return "closed"
    if _UPCOMING_RE.search(text):
        return "upcoming"
    return "open" if _OPEN_RE.search(text) else "unknown"


def _relevant(windows: Sequence[ExtractedWindow], today: date, text: str) -> ExtractedWindow | None:
    """Pick the open window, else the next upcoming one, else the last one."""
    states = _states(windows, today, _says(_STOPPED_RE, text))
    for w, s in zip(windows, states, strict=True):
        if s == "open":
            return w
    upcoming = [w for w, s in zip(windows, states, strict=True) if s == "upcoming"]
    if upcoming:
        return min(upcoming, key=lambda w: w.opens or w.closes or date.max)
    if not windows:
        return None
    return max(windows, key=lambda w: w.closes or w.opens or date.min)


def extract_windows(text: str, today: date) -> Extraction:
    """Extract the application windows of a scheme text and its status at `today`."""
    cleaned = clean_text(text)
    windows = _windows(cleaned, today)
    top = _relevant(windows, today, cleaned)
    dated = top is not None and top.precision not in VAGUE
    return Extraction(
        opens=top.opens if top and dated else None,
        opens_time=top.opens_time if top and dated else None,
        closes=top.closes if top and dated else None,
        closes_time=top.closes_time if top and dated else None,
        status=status_on(windows, today, cleaned),
        windows=windows,
    )
