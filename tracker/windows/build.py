"""Pair openings with closings, resolve missing years and finish the windows."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from decimal import Decimal

from tracker.windows.dates import Mention, find_mentions, time_of
from tracker.windows.model import Evidence, ExtractedWindow
from tracker.windows.money import BARE_RE, BUDGET_KEY_RE, find_money, to_amount
from tracker.windows.roles import (
    CLOSE_EXCL,
    CLOSE_INCL,
    CLOSING_DAY_TIME_RE,
    CONTEXT_YEAR_RE,
    DEFAULT_CLOSE_TIME_AFTER_RE,
    DEFAULT_CLOSE_TIME_RE,
    NONE,
    OLD,
    OPEN,
    RECURRING_RE,
    WINDOW,
    WORDED_CLOSE_TIME_BEFORE_RE,
    WORDED_CLOSE_TIME_IS_RE,
    Role,
    assign_roles,
)
from tracker.windows.scan import lowered
from tracker.windows.status import stop_positions

_INCLUSIVE_MONTH_CUES = ("t/m", "tot", "through", "up")
# A deadline or range told in the past tense ("6 juli was de deadline", "Op 1 oktober sloot de
# termijn", "dat van half oktober tot half november werd opengesteld",
# "konden tot 1 maart 17 uur …", "mochten tot en met …", "could be submitted until …", "were
# accepted until …"): a year-less date then lies on or before the reference date (guide 4.1).
_PAST_CLOSE_RE = re.compile(
    r"\b(?:was|waren|werd|werden|sloot|sloten|verliep|verliepen|verstreek|eindigde|kon|konden"
    r"|mocht|mochten|moest|moesten|liep|liepen|closed|expired|ended|could|were|had\s+until"
    # "op 1 september jl. gesloten": jongstleden marks the day as past
    r"|jl|j\.l|jongstleden"
    # the Dutch perfect with the verb last: "Het loket is op 1 september gesloten", "Het
    # voucherprogramma is per 1 december beëindigd"
    r"|(?:is|zijn)\s+(?:op|per)\s+\d{1,2}\s+\w+(?:\s+\d{4})?\s+(?:(?:af)?gesloten|be.indigd"
    r"|stopgezet))\b",
    re.IGNORECASE,
)

# "jongstleden" marks only the date it follows: before the closing it belongs to another date ("De
# mogelijkheid tot aanvraag is gestart op 2 juni jongstleden en kan tot 15 september", an
# accountant's news item of 25 June 2017: the opening is past, the closing still ahead).
_JL_RE = re.compile(r"jl|j\.l|jongstleden", re.IGNORECASE)

# ... or the verb fronted right after the date: "Op 21 december is de mogelijkheid gesloten".
_CLOSED_AFTER_RE = re.compile(
    r"\s*,?\s*(?:is|zijn|werd|werden)\s+(?:de|het|ons|uw)\s+(?:[\w-]+\s+)?(?:mogelijkheid|\w*loket"
    r"|portaal|portal|regeling|\w*tijdvak|\w*periode|\w*ronde|openstelling|subsidie\w*|call"
    r"|oproep)\s+(?:[\w-]+\s+){0,2}?(?:af)?gesloten\b",
    re.IGNORECASE,
)

# Applications counted as already in, after the closing day ("Voor de sluiting op 1 maart zijn
# 19 aanvragen bij het fonds ingediend", "Tot 15 mei zijn er 240 aanvragen binnengekomen", "by
# the 1 March deadline 120 proposals were submitted"): a report after the deadline, so a
# year-less closing day lies on or before the reference date (guide 4.1).
_COUNTED_IN_RE = re.compile(
    r"\b(?:zijn|is|waren|werden|were|had\s+been|have\s+been)\s+(?:er\s+)?(?:in\s+totaal\s+)?"
    r"(?:\d[\d.]*|\w+)\s+(?:\w+\s+)?(?:aanvra(?:gen|ag)|verzoeken|projectvoorstellen|voorstellen"
    r"|applications|proposals)\s+(?:[\w-]+\s+){0,4}?(?:ingediend|binnengekomen|ontvangen"
    r"|binnengekregen|submitted|received)\b"
    r"|\b(?:\d[\d.]*|\w+)\s+(?:applications|proposals)\s+(?:were|had\s+been|have\s+been)"
    r"\s+(?:submitted|received)\b",
    re.IGNORECASE,
)

# An opening told as already begun ("Sportclubs kunnen sinds 2 januari een bijdrage aanvragen",
# "Vanaf 1 augustus konden mensen … aanvragen"): a year-less opening then lies on or before the
# reference date (guide 4.1).
_PAST_OPEN_RE = re.compile(
    r"\b(?:sinds|since|konden|kon|opende|openden|opened|ging|gingen)\b", re.IGNORECASE
)


@dataclass
class _Raw:
    """A window under construction."""

    open_r: Role | None
    close_r: Role | None
    opens: date | None = None
    closes: date | None = None
    vague: Role | None = None
    amends: bool = False
    inferred: bool = False
    stopped: bool = False

    @property
    def roles(self) -> list[Role]:
        return [r for r in (self.open_r, self.close_r, self.vague) if r is not None]


def _pair(roles: list[Role]) -> list[_Raw]:
    """Pair each opening with the closing that follows it; apply amended deadlines."""
    raws: list[_Raw] = []
    pending: Role | None = None
    for r in sorted(roles, key=lambda r: r.pairing_order):
        if r.role in (NONE, OLD):
            continue
        if r.m.vague and _inclusive_month(r):
            r.m = replace(r.m, precision="day", last_day=True, month_span=None)
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
        old = raw.close_r.replaces if raw.close_r is not None else None
        if old is not None and target is not None and target.close_r is not None:
            was = target.close_r.m
            if (was.month, was.day) != (old.month, old.day):
                target = None  # "Round 2 … extended from 12 May to 26 May": not round 1's
        if raw.amends and target is not None:  # "de deadline is verschoven naar …"
            if not _restates_timed_close(target, raw):
                target.close_r = raw.close_r
            target.amends = True
        else:
            out.append(raw)
    return sorted(out, key=lambda raw: raw.roles[0].m.start)


def _restates_timed_close(target: _Raw, raw: _Raw) -> bool:
    """Say whether a moved deadline only restates the day of a timed one already written:
    "2nd of April 2024 (5.00 pm): call closes (Since 1st of April is a holiday, the deadline will
    be postponed to Tuesday 2nd of April 2024)" keeps 17:00 (guide 5: the time goes with it)."""
    was, new = target.close_r.m if target.close_r else None, raw.close_r.m if raw.close_r else None
    if was is None or new is None or was.time is None or new.time is not None:
        return False
    same_year = was.year is None or new.year is None or was.year == new.year
    return (was.month, was.day) == (new.month, new.day) and new.day is not None and same_year


def _inclusive_month(r: Role) -> bool:
    """Say whether r is an explicit inclusive end month ("tot en met december 2021")."""
    return r.m.precision == "month" and r.role == CLOSE_INCL and r.cue in _INCLUSIVE_MONTH_CUES


def _end(r: Role, d: date) -> date:
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


# "this year" written before a year-less window ("Het Rijk stelt dit jaar … beschikbaar. U kunt
# aanvragen van 1 augustus tot en met 15 oktober"): the page's own year, not the next one.
_THIS_YEAR_RE = re.compile(r"\b(?:dit|this)\s+(?:kalender|calendar\s+)?(?:jaar|year)\b", re.I)
# A year written out between "dit jaar" and the window ("dit jaar …, aanvragen voor 2027 …").
_YEAR_WORD_RE = re.compile(r"\b(?:19|20)\d{2}\b")
_OTHER_YEAR_RE = re.compile(
    r"\b(?:volgend|komend|vorig|afgelopen|next|last|coming)\s+(?:jaar|year)\b", re.I
)


def _context_year(raw: _Raw, roles: list[Role], text: str, anchor: date) -> int | None:
    """Find the year a year-less window belongs to: "dit jaar" leading it in its sentence, the
    sentence's only year, or a heading, or "dit jaar" before it (the year of the page, `anchor`)."""
    clause = raw.roles[0].clause
    start = raw.roles[0].m.start
    if _this_year_lead(raw, text):
        return anchor.year
    years = {r.m.year for r in roles if r.clause == clause and r.m.year}
    if len(years) == 1:
        return years.pop()
    found = list(CONTEXT_YEAR_RE.finditer(text, max(0, start - 400), start))
    if found:
        return int(found[-1].group(1))
    this = list(_THIS_YEAR_RE.finditer(text, max(0, start - 400), start))
    if this and not _OTHER_YEAR_RE.search(text, this[-1].end(), raw.roles[-1].m.end + 40):
        return anchor.year
    return None


def _this_year_lead(raw: _Raw, text: str) -> bool:
    """Say whether "dit jaar" leads the window in its own sentence, after any year named there
    ("De regeling wordt in 2023 opengesteld, dit jaar kan de subsidie aangevraagd worden tussen
    3 mei en 10 juni", omropfryslan.nl 2022): the page's year, not the other one (guide 4.1)."""
    first = raw.roles[0]
    this = list(_THIS_YEAR_RE.finditer(text, first.clause[0], first.m.start))
    if not this or _OTHER_YEAR_RE.search(text, this[-1].end(), raw.roles[-1].m.end + 40):
        return False
    return not _YEAR_WORD_RE.search(text, this[-1].end(), first.m.start)


def _sentence_year(raw: _Raw, text: str) -> int | None:
    """Return a year named before the window in its own sentence ("De sluitingstermijnen voor
    2021 zijn: 1 februari, 1 mei, …"): it pins year-less dates even when another sentence makes
    the text recurring ("Het bestuur vergadert een aantal keren per jaar"); not when the
    sentence itself recurs ("jaarlijks vóór 1 mei, voor 2024 …")."""
    first = raw.roles[0]
    start, end = first.clause
    if RECURRING_RE.search(text, start, end):
        return None
    found = list(CONTEXT_YEAR_RE.finditer(text, start, first.m.start))
    return int(found[-1].group(1)) if found else None


# The start of the projects a deadline is for ("voor projecten die starten vanaf 1 juli 2020").
_PROJECT_START_RE = re.compile(
    r"\b(?:project\w*|activiteit\w*|activit(?:y|ies))\b[^.\n]{0,60}?"
    r"\b(?:start\w*|begin\w*|aanvang\w*)\b",
    re.IGNORECASE,
)


def _before_project_start(raw: _Raw, roles: list[Role], text: str, year: int) -> int:
    """Keep a deadline before the start of the projects it is for: "tegen uiterlijk 15 november
    voor projecten die starten vanaf ten vroegste 1 juli 2020" lends its year to the deadline,
    but a 15 November after that start is the one of the year before."""
    c = raw.close_r
    if c is None or c.m.year is not None or raw.open_r is not None:
        return year
    cd = c.m.on(year)
    for r in roles:
        if (
            r.clause == c.clause
            and r.negative
            and r.m.start > c.m.end
            and r.m.year == year
            and _PROJECT_START_RE.search(text, c.m.end, r.m.start)
            and cd is not None
            and (start := r.m.on(year)) is not None
            and cd > start
        ):
            return year - 1
    return year


def _restated_year(raw: _Raw, roles: list[Role]) -> int | None:
    """Return the year of a day this window repeats without one ("sluit op 31 maart 2023 … Met
    de sluiting op 31 maart"): a restatement is the same day, not the next year's."""
    for r in raw.roles:
        if r.m.year is not None or r.m.precision != "day":
            continue
        same = [
            x.m
            for x in roles
            if x.m.year and x.m.precision == "day" and (x.m.day, x.m.month) == (r.m.day, r.m.month)
        ]
        before = [x.year for x in same if x.start < r.m.start]
        if before:
            return before[-1]
        # the full date may come after the short one ("vanaf 1 april … Deze regeling kan sinds
        # 1 april 2022 aangevraagd worden"): one year only, else it is no restatement
        if len({x.year for x in same}) == 1:
            return same[0].year
    return None


def _weekday_ok(raw: _Raw, od: date | None, cd: date | None) -> bool:
    for r, d in ((raw.open_r, od), (raw.close_r, cd)):
        if r is not None and r.m.weekday is not None and d is not None:
            shift = 1 if r.role == CLOSE_EXCL and r.m.time is None else 0
            if (d + timedelta(days=shift)).weekday() != r.m.weekday:
                return False
    return True


def _resolve(
    raw: _Raw,
    roles: list[Role],
    text: str,
    today: date,
    recurring: bool,
    published: date | None = None,
) -> bool:
    """Fill raw.opens/closes; a missing year comes from context or the reference date."""
    o, c = raw.open_r, raw.close_r
    known = (c.m.year if c and c.m.year else None) or (o.m.year if o and o.m.year else None)
    if known is not None and o is not None and c is not None and o.m.year is None:
        cd = c.m.on(known)
        od = o.m.on(known)
        known = known - 1 if od and cd and od > cd else known
    if known is None and any(r.m.this_year for r in raw.roles):
        known = today.year
    if known is None and not recurring:  # "jaarlijks uiterlijk 1 mei" is no restatement
        known = _restated_year(raw, roles)
    if known is None and not recurring:
        known = _context_year(raw, roles, text, published or today)
        if known is not None and abs(known - today.year) > 2:
            known = None  # "in 2015 ingesteld": history, not this window's year
        if known is not None:
            known = _before_project_start(raw, roles, text, known)
    if known is None and recurring:
        known = _sentence_year(raw, text)
        if known is not None and abs(known - today.year) > 2:
            known = None
    if known is not None:
        got = _dates(raw, known)
        if got is None:
            return False
        raw.opens, raw.closes = got
        return True
    raw.inferred = True
    options = [
        (y, _dates(raw, y)) for y in range(max(2, today.year - 1), min(9998, today.year + 3))
    ]
    valid = [(y, d) for y, d in options if d is not None and _weekday_ok(raw, *d)]
    if not valid:
        return False
    past = c is not None and _past_close(c, text)
    if past:  # the last occurrence that has already ended
        best = next((d for _, d in reversed(valid) if d[1] is not None and d[1] <= today), None)
        if best is None:
            best = valid[0][1]
    elif (
        o is not None
        and c is None
        and _PAST_OPEN_RE.search(
            text, max(o.clause[0], o.m.start - 30), min(o.clause[1], o.m.end + 40)
        )
    ):  # the last opening that has already come
        best = next((d for _, d in reversed(valid) if d[0] is not None and d[0] <= today), None)
        if best is None:
            best = valid[0][1]
    elif c is not None:  # the next occurrence that is still relevant
        best = next((d for _, d in valid if d[1] is not None and d[1] >= today), valid[-1][1])
    else:
        best = min((d for _, d in valid), key=lambda d: abs(((d[0] or today) - today).days))
    raw.opens, raw.closes = best
    return True


def _budget_for(
    raw: _Raw, text: str, single: bool, money: list[tuple[int, int, Decimal]]
) -> Decimal | None:
    """Take a plafond/budget amount from the window's line, or the text if it is the only one.

    `money` is `find_money(text)`, found once per text.
    """
    pos = raw.roles[-1].m.start
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    for s, _, value in money:
        in_line = line_start <= s < line_end
        keyed = bool(BUDGET_KEY_RE.search(text, max(0, s - 60), s))
        if keyed and (in_line or single):
            return value
    if "|" in text[line_start:line_end]:
        bare = BARE_RE.search(text, raw.roles[-1].m.end, line_end)
        if bare:
            return to_amount(bare["a"], None)
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


def _period(raw: _Raw, today: date) -> tuple[date | None, date | None]:
    """Return the period a vague window may cover: its start for an opening, end for a close."""
    if raw.vague is None:
        return None, None
    first, last = raw.vague.m.period(raw.vague.m.year or today.year)
    if raw.vague.role in (CLOSE_INCL, CLOSE_EXCL):
        return None, last
    return first, (last if raw.vague.role == WINDOW else None)


def _finish(
    raw: _Raw,
    text: str,
    single: bool,
    default_close: time | None,
    today: date,
    money: list[tuple[int, int, Decimal]],
) -> ExtractedWindow:
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
        budget_eur=_budget_for(raw, text, single, money),
        snippet=_snippet(raw, text),
        confidence=round(max(0.1, min(confidence, 1.0)), 2),
        year_inferred=raw.inferred,
        period_start=_period(raw, today)[0],
        period_end=_period(raw, today)[1],
        stopped=raw.stopped,
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


def _past_close(c: Role, text: str) -> bool:
    """Say whether the closing day is told in the past tense ("Maandag 5 april was de laatste
    dag", "Voor de sluiting op 1 maart zijn 19 aanvragen ingediend")."""
    lo, hi = max(c.clause[0], c.m.start - 30), min(c.clause[1], c.m.end + 12)
    return (
        any(
            not (_JL_RE.fullmatch(mt.group()) and mt.end() <= c.m.start)
            for mt in _PAST_CLOSE_RE.finditer(text, lo, hi)
        )
        or bool(_CLOSED_AFTER_RE.match(text, c.m.end, c.clause[1]))
        or bool(_COUNTED_IN_RE.search(text, c.m.end, c.clause[1]))
    )


# A closing said of all the openings listed before it: "De openstelling voor A is op 4 april
# 2023 om 09.00 uur. De openstelling voor B is op 6 juni 2023 om 09.00 uur. Beide regelingen
# worden op 12 september om 17.00 uur gesloten" (flevoland.nl): each opening gets that close.
_SHARED_CLOSE_RE = re.compile(
    r"\b(?:beide|allebei|both|alle\s+(?:drie|vier)|all\s+(?:three|four))\b", re.I
)


def _share_joint_close(raws: list[_Raw], text: str) -> list[_Raw]:
    """Give the openings before a closing said of "beide regelingen" that closing too."""
    for i, raw in enumerate(raws):
        c = raw.close_r
        if (
            c is None
            or raw.open_r is None
            or not _SHARED_CLOSE_RE.search(text, c.clause[0], c.m.start)
        ):
            continue
        j = i - 1
        while (
            j >= 0
            and raws[j].close_r is None
            and raws[j].open_r is not None
            and raws[j].vague is None
        ):
            raws[j].close_r = c
            j -= 1
    return raws


def _split_past_close_pairs(raws: list[_Raw], text: str) -> list[_Raw]:
    """Keep apart a year-less opening and a later sentence's past deadline that falls earlier in
    the year ("TASO-Q4 gesloten, vanaf 17 mei TASO-Q1 aanvragen. Maandag 5 april was de laatste
    dag …"): the deadline ended the previous round, it is not the end of a window that began
    the year before (a range across the new year is written in one clause)."""
    out: list[_Raw] = []
    for raw in raws:
        o, c = raw.open_r, raw.close_r
        if (
            o is not None
            and c is not None
            and o.m.year is None
            and c.m.year is None
            and o.clause != c.clause
            and o.m.precision == "day"
            and c.m.precision == "day"
            and (c.m.month, c.m.day) < (o.m.month, o.m.day)
            and _past_close(c, text)
        ):
            out.append(_Raw(o, None))
            out.append(_Raw(None, c))
        else:
            out.append(raw)
    return out


def _written_backwards(raw: _Raw) -> bool:
    """Say whether the text itself wrote this range backwards: both ends in one clause, both
    with their year ("van 4 juni 2019 tot en met 13 december 2018"), so not a wrong pairing."""
    o, c = raw.open_r, raw.close_r
    return bool(
        raw.opens
        and raw.closes
        and raw.closes < raw.opens
        and o is not None
        and c is not None
        and o.clause == c.clause
        and o.m.year is not None
        and c.m.year is not None
    )


def _after_past_close(raws: list[_Raw], text: str) -> None:
    """Move a year-less opening told after a past deadline past that deadline: "De SDE++ 2020
    sloot op 17 december. … De SDE++ 2021 opent 21 september." The deadline ended the last
    round; the opening written after it, not in the past tense, is the next round's (guide 4.1:
    a coming event), so it is not the start of the window that closed."""
    for raw in raws:
        o = raw.open_r
        if (
            o is None
            or raw.close_r is not None
            or raw.vague is not None
            or not raw.inferred
            or raw.opens is None
            or o.m.precision != "day"
            or _PAST_OPEN_RE.search(text, max(o.clause[0], o.m.start - 30), o.clause[1])
        ):
            continue
        ended = [
            w.closes
            for w in raws
            if w.opens is None
            and w.closes is not None
            and w.close_r is not None
            and w.close_r.m.end <= o.clause[0]
            and _past_close(w.close_r, text)
        ]
        if not ended or raw.opens > ended[-1]:
            continue
        later = o.m.on(raw.opens.year + 1)
        if later is not None and later > ended[-1]:
            raw.opens = later


def _refine_approximate_closes(raws: list[_Raw]) -> list[_Raw]:
    """Let an exact deadline spell out a fuzzy closing of the same month: a heading "Aanvragen
    tot eind september" above "Ondernemers kunnen nog tot 30 september subsidie aanvragen"
    names one deadline twice; the written day wins over the guessed last day (guide 4.3 is for
    fuzzy phrases only). A lone exact deadline takes the fuzzy one's place; a lone fuzzy closing
    beside a full exact window is dropped. Only one fuzzy closing in that month, so two rounds
    are never joined."""
    out = list(raws)
    for exact in raws:
        c = exact.close_r
        if exact.vague is not None or c is None or c.m.precision != "day" or exact.closes is None:
            continue
        month = (exact.closes.year, exact.closes.month)
        fuzzy = [
            w
            for w in out
            if w is not exact
            and w.vague is None
            and w.close_r is not None
            and w.close_r.m.precision == "approximate"
            and w.closes is not None
            and (w.closes.year, w.closes.month) == month
        ]
        if len(fuzzy) != 1 or exact not in out:
            continue
        w = fuzzy[0]
        if exact.open_r is None and (w.opens is None or w.opens <= exact.closes):
            w.close_r, w.closes = c, exact.closes
            w.inferred = w.inferred or exact.inferred
            out.remove(exact)
        elif w.open_r is None and exact.opens is not None:
            out.remove(w)
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


# Every match of the DEFAULT_CLOSE_* patterns holds one of these words.
_DEFAULT_CLOSE_WORDS = ("einddatum", "deadline", "sluitingstijd", "sluitingsdatum", "closing")
# Every match of RECURRING_RE holds one of these.
_RECURRING_WORDS = ("jaar", "annually", "year")


def _default_close(text: str, low: str | None, mentions: list[Mention]) -> time | None:
    """Return a deadline time stated apart from any date, if the text gives one.

    `low` is `lowered(text)`: without any of the words the patterns cannot match.
    """
    if low is not None and not any(word in low for word in _DEFAULT_CLOSE_WORDS):
        return _worded_default_close(text, low, mentions)
    for rx in (DEFAULT_CLOSE_TIME_RE, DEFAULT_CLOSE_TIME_AFTER_RE, CLOSING_DAY_TIME_RE):
        for mt in rx.finditer(text):
            if not any(mt.start() <= m.start < mt.end() for m in mentions):
                return time_of(mt)
    return _worded_default_close(text, low, mentions)


# Every match of the WORDED_CLOSE_TIME_* patterns holds one of these words.
_WORDED_TIME_WORDS = ("midnight", "middernacht", "midday", "noon")


def _worded_default_close(text: str, low: str | None, mentions: list[Mention]) -> time | None:
    """Return a deadline time written in words apart from any date ("by midnight … on the day of
    the deadline", "The cut off time … is midday"), if the text gives one."""
    if low is not None and not any(word in low for word in _WORDED_TIME_WORDS):
        return None
    for rx in (WORDED_CLOSE_TIME_BEFORE_RE, WORDED_CLOSE_TIME_IS_RE):
        for mt in rx.finditer(text):
            if not any(mt.start() <= m.start < mt.end() for m in mentions):
                return time_of(mt)
    return None


def _drop_refined_openings(raws: list[_Raw]) -> list[_Raw]:
    """Drop a vague opening that a day-level opening inside its period spells out.

    A headline "Eerste openstelling … in september 2022" above "De verwachte openstellingsdatum
    is 12 september 2022" names one opening twice, once vaguely; left alone the vague one made a
    dateless window that came first and hid the exact one. Only a vague opening with its own
    year is dropped, and only when an exact opening falls within its period: "Ronde 2 opent in
    maart 2026" next to a round opening in September stays a window of its own.
    """
    exact = [r.opens for r in raws if r.vague is None and r.opens is not None]
    return _drop_refined(raws, (OPEN,), exact)


def _drop_refined_closes(raws: list[_Raw]) -> list[_Raw]:
    """Drop a vague deadline that a day-level deadline inside its month spells out.

    A headline "Aanvragen Sportimpuls kan tot maart 2013" above "kunnen tot en met maart 2013
    de Sportimpuls aanvragen" names one deadline twice; the body's inclusive month closes on
    its last day (guide 4.3), and the vague headline left beside it made the two disagree and
    hid the date. As with openings, only a vague deadline with its own year is dropped.
    """
    exact = [r.closes for r in raws if r.vague is None and r.closes is not None]
    return _drop_refined(raws, (CLOSE_INCL, CLOSE_EXCL), exact)


def _drop_refined(raws: list[_Raw], roles: tuple[str, ...], exact: list[date]) -> list[_Raw]:
    """Drop the vague raws in `roles` (with their own year) whose period holds an exact day."""
    if not exact:
        return raws
    out = []
    for raw in raws:
        v = raw.vague
        if v is not None and v.role in roles and v.m.year is not None:
            first, last = v.m.period(v.m.year)
            if any(first <= d <= last for d in exact):
                continue
        out.append(raw)
    return out


def _lone_before(raw: _Raw) -> bool:
    """Say whether raw is a lone day-level "vóór"/"tot" deadline."""
    c = raw.close_r
    return (
        raw.vague is None
        and raw.opens is None
        and c is not None
        and c.role == CLOSE_EXCL
        and c.m.precision == "day"
    )


def _dedupe(raws: list[_Raw]) -> list[_Raw]:
    """Drop repeated windows and a lone opening that a full range with that opening repeats."""
    full = {r.opens for r in raws if r.opens and r.closes}
    # the first full window on each opening day: a lone restatement of that opening with a
    # clock time lends it the time ("Vanaf 2 januari 2017 … tot 28 april … zodra het tijdvak
    # opengaat op 2 januari om 09.00 uur")
    full_opens: dict[date, _Raw] = {}
    for r in raws:
        if r.opens and r.closes and r.vague is None:
            full_opens.setdefault(r.opens, r)
    # windows whose opening a label or verb states ("werd 10 november gelanceerd"), not a bare
    # "between X and Y": a lone deadline on the same day only repeats their closing
    full_closes = {
        r.closes: r for r in raws if r.opens and r.closes and r.open_r and r.open_r.strong
    }
    # "de subsidieronde die start op 15 september" after "uiterlijk 15 september": one date
    closing_days = {(r.closes.month, r.closes.day) for r in raws if r.closes}
    # any full window: a lone deadline on its closing day that adds a clock time lends it the
    # time ("van 20 februari 2023 tot en met 31 mei 2023. Dat betekent dat aanvragen uiterlijk
    # 31 mei 2023 om 23:59 uur binnen moeten zijn")
    any_full = {r.closes: r for r in raws if r.opens and r.closes and r.vague is None}
    timed_before = {r.closes for r in raws if _lone_before(r) and r.close_r and r.close_r.m.time}
    # inclusive deadlines: "tot 15 september open" (a headline) above "kunnen tot en met 15
    # september 2023 een aanvraag indienen" is one deadline, the inclusive day (guide 3); so is
    # "tot 1 maart 2024" with its year beside "Na 1 maart kun je geen aanvraag meer doen"
    inclusive = {
        r.closes
        for r in raws
        if r.vague is None and r.closes and r.close_r and r.close_r.role == CLOSE_INCL
    }
    restated = timed_before | inclusive  # deadlines a lone "vóór"/"tot" day restates
    seen: dict[tuple[date | None, date | None], _Raw] = {}
    written: dict[tuple[date, date], _Raw] = {}
    out = []
    for raw in raws:
        key = (raw.opens, raw.closes)
        if (
            _lone_before(raw)
            and raw.closes is not None
            and raw.close_r
            and not raw.close_r.m.time
            and raw.closes + timedelta(days=1) in restated
        ):  # "Voor 15 september indienen!" above "voor 15 september 17.00 uur" or above "tot en
            continue  # met 15 september": one deadline, not a day earlier of its own
        if raw.vague is None and key in seen:
            kept = seen[key]  # the same window written twice: keep the times either gives
            _lend_times(kept, raw)
            continue
        same = _same_written_window(raw, written)
        if same is not None:  # "van 4 januari t/m 30 juni … opent op 4 januari 09:00 uur en
            _keep_inclusive(same, raw)  # loopt tot 30 juni": one window, the inclusive end wins
            continue
        if (
            raw.vague is None
            and raw.opens is None
            and raw.closes is not None
            and raw.closes in full_closes
        ):  # a summary line's deadline that a full window below repeats ("deadline X: 9 feb")
            _lend_times(full_closes[raw.closes], raw, opening=False)
            continue
        if (
            raw.vague is None
            and raw.opens is None
            and raw.closes is not None
            and raw.closes in any_full
        ):
            _lend_times(any_full[raw.closes], raw, opening=False)
            if not (raw.close_r and raw.close_r.m.time):
                # an untimed lone deadline that a full range repeats ("kunnen tot 22 januari
                # 2019 aanvragen" above the round "18 september 2018 tot 22 januari 2019"): one
                # window, the range's
                continue
        lone = raw.vague is None and raw.closes is None and raw.opens is not None
        if (
            lone
            and raw.opens is not None
            and (
                raw.opens in full
                or (raw.inferred and (raw.opens.month, raw.opens.day) in closing_days)
            )
        ):
            if raw.opens in full_opens:
                _lend_times(full_opens[raw.opens], raw)
            continue
        seen[key] = raw
        close = _written_close(raw)
        if raw.vague is None and raw.opens is not None and close is not None:
            written[(raw.opens, close)] = raw
        out.append(raw)
    return out


# A closure already done on a day: "hebben we de ronde gesloten op 20 november 2020, 12.45 uur",
# "the call was closed on 3 May" (the act, not a planned end).
_CLOSED_ON_LEAD_RE = re.compile(
    r"\b(?:(?:hebben|heeft|is|zijn|werd|werden)\b[^.\n]{0,60}?\bgesloten|(?:was|were|has\s+been"
    r"|have\s+been)\s+closed|sloot|sloten)\s+(?:op|on)\s*$",
    re.IGNORECASE,
)
# ... or with the participle after the day: "daarom is de regeling per 31 maart 2027 gesloten",
# "is het loket op 21 mei al gesloten".
_CLOSED_VERB_LAST_LEAD_RE = re.compile(
    r"\b(?:is|zijn|werd|werden|was|waren)\b[^.\n]{0,60}?\b(?:op|per)\s*$", re.IGNORECASE
)
_CLOSED_VERB_LAST_TAIL_RE = re.compile(r"\s*(?:(?:al|reeds)\s+)?(?:af)?gesloten\b", re.IGNORECASE)


def _closed_on(text: str, c: Role) -> bool:
    """Say whether a closing day is a closure already done on that day."""
    lead_start = max(c.clause[0], c.m.start - 100)
    if _CLOSED_ON_LEAD_RE.search(text, lead_start, c.m.start):
        return True
    return bool(
        _CLOSED_VERB_LAST_LEAD_RE.search(text, lead_start, c.m.start)
        and _CLOSED_VERB_LAST_TAIL_RE.match(text, c.m.end)
    )


def _apply_early_closures(raws: list[_Raw], text: str) -> list[_Raw]:
    """End a window on the day a lone closure inside it says it was closed (guide 6.5).

    "Ronde open 11 juni 2020 … sluitingsdatum 10 december 2020 … hebben we de ronde gesloten op
    20 november 2020, 12.45 uur": one round that ended early, not a second window.
    """
    out = list(raws)
    for raw in raws:
        c = raw.close_r
        if raw.opens is not None or raw.closes is None or c is None or raw.vague is not None:
            continue
        if not _closed_on(text, c):
            continue
        inside = [
            w
            for w in out
            if w is not raw and w.opens and w.closes and w.opens <= raw.closes < w.closes
        ]
        if len(inside) == 1:
            w = inside[0]
            w.close_r, w.closes = c, raw.closes
            out.remove(raw)
    return out


def _written_close(raw: _Raw) -> date | None:
    """Return the closing day as written: "tot 30 juni" (no time) names 30 June, not the 29th."""
    c = raw.close_r
    if raw.closes and c and c.role == CLOSE_EXCL and c.m.time is None and c.m.precision == "day":
        return raw.closes + timedelta(days=1)
    return raw.closes


def _same_written_window(raw: _Raw, written: dict[tuple[date, date], _Raw]) -> _Raw | None:
    """Return an earlier full window that raw restates with the same written days, one of them
    with "tot" and the other with an inclusive end (guide 3: the inclusive end wins)."""
    if raw.vague is not None or raw.opens is None or raw.closes is None:
        return None
    close = _written_close(raw)
    kept = written.get((raw.opens, close)) if close is not None else None
    if kept is None or kept.closes == raw.closes:
        return None
    return kept


def _keep_inclusive(kept: _Raw, raw: _Raw) -> None:
    """Merge raw into kept: the inclusive closing stays, either side's clock times are kept."""
    if raw.closes and kept.closes and raw.closes > kept.closes:
        kept.close_r, kept.closes = raw.close_r, raw.closes
    _lend_times(kept, raw)


# The closing is announced as an act ("sluit het loket op 14 juni"), not an end already set.
_CLOSES_AT_RE = re.compile(
    r"\bsluit(?:en)?\b|\bgaat\b[^.\n]{0,40}\bdicht\b|\bcloses?\b|\bwill\s+close\b"
    r"|wordt\s+(?:\w+\s+)?gesloten",
    re.IGNORECASE,
)
_STOP_REACH = 200


def _announces_future_close(raw: _Raw, pos: int, text: str, today: date) -> bool:
    """Say whether the stop at pos explains a closing still ahead that stands next to it:
    "Het plafond is bereikt, daarom sluit het loket op 14 juni" keeps the window until then."""
    c = raw.close_r
    if c is None or raw.closes is None or raw.closes < today:
        return False
    if c.cue == "no-more" and c.clause[0] <= pos < c.clause[1]:
        return True  # "Vanaf 2 mei kunt u geen aanvragen meer indienen": the stop is that closing
    if (
        abs(pos - c.m.start) > _STOP_REACH
        or "\n\n" in text[min(pos, c.m.start) : max(pos, c.m.start)]
    ):
        return False
    return bool(_CLOSES_AT_RE.search(text, c.clause[0], c.clause[1]))


def _lend_times(kept: _Raw, raw: _Raw, *, opening: bool = True) -> None:
    """A bound that ``raw`` restates with a clock time gives that time to ``kept``, whose
    same bound has none (one deadline written twice, once with "17.00 uur")."""
    if opening and raw.open_r and raw.open_r.m.time and kept.open_r and not kept.open_r.m.time:
        kept.open_r = raw.open_r
    if raw.close_r and raw.close_r.m.time and kept.close_r and not kept.close_r.m.time:
        kept.close_r = raw.close_r


def _scope_stops(raws: list[_Raw], stops: list[int], text: str, today: date) -> None:
    """Mark the window each stop phrase is about: the one whose dates stand nearest to it.

    "Microprojecten: deadline 8 mei. Oproep is afgesloten." closes that call, not the other
    call listed above it. A stop that explains a closing still ahead does not end it early.
    """
    if not raws:
        return
    for pos in stops:
        nearest = min(raws, key=lambda raw: min(abs(pos - r.m.start) for r in raw.roles))
        if not _announces_future_close(nearest, pos, text, today):
            nearest.stopped = True


def build_windows(text: str, today: date) -> tuple[ExtractedWindow, ...]:
    """Return the application windows in text order."""
    return build(text, today)[0]


# A label alone on the line above a date ("Deadline", "Sluitingsdatum:", "Opening date").
_BARE_LABEL_RE = re.compile(
    r"^\s*(?:\w+\s+)?(?:deadline(?:\s+date)?|sluitingsdatum|einddatum|uiterste\s+\w*datum"
    r"|\w*indiendatum|openingsdatum|opening(?:\s+date)?|startdatum|closing\s+date|sluiting"
    r"|opent|opens|start)\s*:?\s*$",
    re.IGNORECASE,
)


# What a news page prints after its own date on that line: a separator, the posting time and the
# source ("9 december 2019 · 13.37 uur sectorplanplus.nl", "12-03-2021 | 10:05").
_BYLINE_TAIL_RE = re.compile(
    r"\s*[·•|]\s*\d{1,2}[.:]\d{2}(?:\s*uur)?(?:\s+[\w.-]+\.(?:nl|be|com|org|eu|net))?\s*$",
    re.IGNORECASE,
)


def _drop_dateline(text: str, roles: list[Role], published: date) -> None:
    """Drop the page's own date written alone on its line under a headline ("Opening
    aanvraagtijdvak SLIM voor individuele mkb-ondernemingen\n25 februari 2021"): it is the
    posting date, not a window bound, whatever the headline says (guide 8)."""
    for r in roles:
        m = r.m
        if r.role == NONE or m.time is not None or m.precision != "day":
            continue
        if (m.year, m.month, m.day) != (published.year, published.month, published.day):
            continue
        line_start = text.rfind("\n", 0, m.start) + 1
        line_end = text.find("\n", m.end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        rest = line[m.end - line_start :]
        if line[: m.start - line_start].strip() or not (
            not rest.strip() or _BYLINE_TAIL_RE.match(rest)
        ):
            continue
        above = text[: max(line_start - 1, 0)].rstrip().rsplit("\n", 1)[-1]
        if not _BARE_LABEL_RE.match(above):  # "Deadline\n25 februari 2021" stays a deadline
            r.role, r.negative = NONE, True


def build(
    text: str, today: date, published: date | None = None, stops: list[int] | None = None
) -> tuple[tuple[ExtractedWindow, ...], Evidence]:
    """Return the windows in text order and what the confidence model needs to know.

    `stops` are the places where the text says applications stopped (`stop_positions`).
    """
    mentions = find_mentions(text, published)
    if not mentions:
        return (), Evidence()
    roles = assign_roles(text, mentions)
    if published is not None:
        _drop_dateline(text, roles, published)
    low = lowered(text)
    recurring = (low is None or any(w in low for w in _RECURRING_WORDS)) and bool(
        RECURRING_RE.search(text)
    )
    raws = [
        raw
        for raw in _split_past_close_pairs(_share_joint_close(_pair(roles), text), text)
        if raw.vague is not None or _resolve(raw, roles, text, today, recurring, published)
    ]
    raws = _drop_refined_closes(_drop_refined_openings(raws))
    backwards = sum(_written_backwards(raw) for raw in raws)
    if 0 < backwards < len(raws):  # a typo'd range next to sound ones: rely on those
        raws = [raw for raw in raws if not _written_backwards(raw)]
    raws = _split_backwards(raws)
    _after_past_close(raws, text)
    raws = _dedupe(_merge_halves(_refine_approximate_closes(raws)))
    raws = _apply_early_closures(raws, text)
    _scope_stops(raws, stop_positions(text) if stops is None else stops, text, today)
    default_close = _default_close(text, low, mentions)
    money = find_money(text) if raws else []
    single = len(raws) == 1
    windows = tuple(_finish(raw, text, single, default_close, today, money) for raw in raws)
    bounds = {(d.month, d.day) for w in windows for d in (w.opens, w.closes) if d}
    evidence = Evidence(
        mentions=len(mentions),
        dropped=sum(r.role == NONE and not r.m.vague for r in roles),
        decoys=sum(r.negative for r in roles),
        vague=sum(r.m.vague for r in roles),
        superseded=sum(r.role == OLD for r in roles),
        ambiguous=sum(r.ambiguous and r.role != NONE for r in roles),
        backwards=backwards,
        competing=sum(
            (r.decoyed or r.other_scheme) and (r.m.month, r.m.day) not in bounds for r in roles
        ),
    )
    return windows, evidence
