"""Recognise date, time and vague-period mentions in Dutch and English text.

Pure and stateless: no I/O and no clock. A mention may lack its year; deciding the year (and
whether a mention is an application date at all) is `tracker.windows`' job.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from tracker.windows.model import END_OF_DAY

MONTHS: dict[str, int] = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10,
    # West Frisian (Iepen Mienskipsfûns pages): "10 jannewaris oant en mei 3 febrewaris"
    "jannewaris": 1, "febrewaris": 2, "maaie": 5, "septimber": 9, "novimber": 11,
    "desimber": 12, "juny": 6,
    "jan": 1, "feb": 2, "febr": 2, "mrt": 3, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# Full names only: "april 2027" is a month-precision mention, "apr 2027" is too risky.
FULL_MONTHS = [
    m for m in MONTHS if len(m) > 4 or m in ("mei", "juni", "juli", "june", "july", "juny")
]
WEEKDAYS: dict[str, int] = {
    "maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5,
    "zondag": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
    # West Frisian ("fan moandei 20 april oant en mei tongersdei 28 maaie"); "freed" (Friday)
    # is left out, it is an English word
    "moandei": 0, "tiisdei": 1, "woansdei": 2, "tongersdei": 3, "sneon": 5, "snein": 6,
}  # fmt: skip
SEASONS: dict[str, tuple[int, int]] = {
    "voorjaar": (3, 5), "lente": (3, 5), "spring": (3, 5), "zomer": (6, 8), "summer": (6, 8),
    "najaar": (9, 11), "herfst": (9, 11), "autumn": (9, 11), "fall": (9, 11),
    "winter": (12, 2),
}  # fmt: skip
ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "first": 1, "second": 2}
ORDINALS |= {"third": 3, "fourth": 4}
YEAR_PART: dict[str, tuple[int, int]] = {
    "begin": (1, 3), "early": (1, 3), "medio": (5, 8), "midden": (5, 8), "mid": (5, 8),
    "half": (5, 8), "eind": (10, 12), "einde": (10, 12), "end of": (10, 12), "late": (10, 12),
    # "from the beginning of 2023", "by the start of 2024": a year part, null like "begin 2023"
    "beginning of": (1, 3), "start of": (1, 3), "middle of": (5, 8),
}  # fmt: skip
MONTH_PART_DAY = {"begin": 1, "early": 1, "half": 15, "medio": 15, "midden": 15, "mid": 15}


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


# A dot after a full month name ends the sentence; only abbreviations ("febr.") take it.
_MON = (
    rf"(?:(?:{_alt(FULL_MONTHS)})(?![a-z])|(?:{_alt(m for m in MONTHS if m not in FULL_MONTHS)})"
    rf"\.?(?![a-z]))"
)
_FULLMON = rf"(?:{_alt(FULL_MONTHS)})(?![a-z])"
# "medio april/mei 2019", "eind mei of begin juni": a choice of months names no day
_ALT_MONTH_RE = re.compile(
    rf"\s*(?:/|\bof\b|\bor\b)\s*(?:(?:begin|early|half|medio|midden|mid|eind|einde|end\s+of"
    rf"|late)(?:\s+|-))?{_FULLMON}",
    re.IGNORECASE,
)
_WD = rf"(?:{_alt(WEEKDAYS)})"
# 12-hour ("5:00 p.m.", "5 PM"), 24-hour ("17.00", "17h00", Flemish "17u00") and bare Flemish
# hours ("12u", "12h – noon"); the 12-hour form is tried first so "5:00 PM" does not stop at "5:00".
_TIME_CORE = (
    r"(?:(?P<h12>1[0-2]|0?[1-9])(?:[.:](?P<mi12>[0-5]\d))?(?::[0-5]\d)?\s*(?P<ap>[ap])\.?\s?m\.?"
    r"(?![a-z])"
    r"|(?P<h>[01]?\d|2[0-4])[.:hu](?P<mi>[0-5]\d)(?::[0-5]\d)?(?![.\-/]?\d)"
    # a bare English hour only before noon or a zone: "12h – noon (CET)", "(12h CET)"; without
    # the "h" only after "at"/"by" ("The deadline is at 12 EET", Interreg Central Baltic), so a
    # count before the LIFE sub-programme's name ("5 CET topics") is no time
    r"|(?<![\d.,:])(?P<hu>[01]?\d|2[0-4])(?:u|h(?=\s*[-–—(]*\s*(?:noon|midday)\b)"
    r"|h(?=\s*\(?(?:cet|cest|eet|eest)\b))(?![\w])"
    r"|(?:(?<=\bat\s)|(?<=\bby\s))(?P<hz>[01]?\d|2[0-4])(?=\s*\(?(?:cet|cest|eet|eest)\b)"
    # a whole Dutch hour ("tot 1 maart 17 uur", "om 12 uur"), but not a duration ("binnen 24
    # uur", "24 uur per dag", "2 uur lang") or a count
    r"|(?<!binnen\s)(?<!within\s)(?<![.,:]\d)(?P<hb>[01]?\d|2[0-4])(?=\s*uur(?![a-z]))"
    r"(?!\s*uur\s+(?:per|lang|na|later|eerder|voor(?:af|dat)?|van\s+tevoren|vooraf)\b))"
)
TIME_PATTERN = rf"{_TIME_CORE}(?:\s*(?:uur|u|oere)(?![a-z]))?(?P<part>)"
_TZ = (
    r"(?:,?\s*\(?(?:brussels\s+(?:local\s+)?time|cet|cest|eet|eest|nederlandse\s+tijd|noon|midday"
    r"|(?:u\.?s\.?\s+)?eastern\s+(?:standard\s+)?time|e[sd]?t|washington,?\s+d\.?c\.?\s+time"
    r"|belgische\s+tijd|local\s+time|lokale\s+tijd)\)?)?"
)
_SMIDDAGS = r"(?:\s*['’]s\s*(?P<part>middags|avonds|ochtends|morgens))?"
_UUR = r"(?:\s*(?:uur|u|oere)(?![a-z]))?"
# Midnight as a closing time: the end of the deadline day (guide 5), never 00:00.
_MIDNIGHT = r"(?P<mid>(?<![\w])(?:middernacht|midnight)(?![a-z]))"
# Noon written without digits ("Friday September 18 (noon)") or with a bare hour ("by 12 noon
# (Brussels time)"): 12:00 (guide 5).
_NOON = r"(?P<noon>(?<![\w])(?:12\s+)?(?:noon|midday)(?![a-z]))"

# Compiled on first use (find_mentions, or a name looked up from outside): some twenty
# patterns, ~20 ms, that a scrape of unchanged pages never needs.
WRITTEN_RE: re.Pattern[str]
WEEKDAY_BEFORE_RE: re.Pattern[str]
MONTH_FIRST_RE: re.Pattern[str]
MONTH_ABBR_FIRST_RE: re.Pattern[str]
NUMERIC_RE: re.Pattern[str]
ISO_RE: re.Pattern[str]
NUMERIC_RANGE_RE: re.Pattern[str]
DAY_MONTH_CELL_RE: re.Pattern[str]
DAY_ONLY_RE: re.Pattern[str]
QUARTER_RE: re.Pattern[str]
SEASON_RE: re.Pattern[str]
YEAR_PART_RE: re.Pattern[str]
MONTH_PART_RE: re.Pattern[str]
MONTH_YEAR_RE: re.Pattern[str]
TIME_AFTER_RE: re.Pattern[str]
TIME_BEFORE_RE: re.Pattern[str]
THIS_YEAR_RE: re.Pattern[str]
RELATIVE_DAY_RE: re.Pattern[str]
_WEEKDAY_RANGE_RE: re.Pattern[str]
_WEEKDAY_HABIT_RE: re.Pattern[str]
_SINCE_BEFORE_RE: re.Pattern[str]
_PAST_RE: re.Pattern[str]
DAY_BACKREF_RE: re.Pattern[str]
_PATTERN_NAMES = frozenset(
    (
        "WRITTEN_RE",
        "WEEKDAY_BEFORE_RE",
        "MONTH_FIRST_RE",
        "MONTH_ABBR_FIRST_RE",
        "NUMERIC_RE",
        "ISO_RE",
        "NUMERIC_RANGE_RE",
        "DAY_MONTH_CELL_RE",
        "DAY_ONLY_RE",
        "QUARTER_RE",
        "SEASON_RE",
        "YEAR_PART_RE",
        "MONTH_PART_RE",
        "MONTH_YEAR_RE",
        "TIME_AFTER_RE",
        "TIME_BEFORE_RE",
        "THIS_YEAR_RE",
        "RELATIVE_DAY_RE",
        "_WEEKDAY_RANGE_RE",
        "_WEEKDAY_HABIT_RE",
        "_SINCE_BEFORE_RE",
        "_PAST_RE",
        "DAY_BACKREF_RE",
    )
)
_COMPILED = False


def _compile() -> None:
    """Compile the patterns above into the module's globals (idempotent)."""
    global WRITTEN_RE, WEEKDAY_BEFORE_RE, MONTH_FIRST_RE, NUMERIC_RE, ISO_RE, NUMERIC_RANGE_RE
    global MONTH_ABBR_FIRST_RE
    global DAY_MONTH_CELL_RE
    global DAY_ONLY_RE, QUARTER_RE, SEASON_RE, YEAR_PART_RE, MONTH_PART_RE, MONTH_YEAR_RE
    global TIME_AFTER_RE, TIME_BEFORE_RE, THIS_YEAR_RE, RELATIVE_DAY_RE, _WEEKDAY_RANGE_RE
    global _WEEKDAY_HABIT_RE, _PAST_RE, DAY_BACKREF_RE, _SINCE_BEFORE_RE
    WRITTEN_RE = re.compile(
        # "7. January 2026" (German style, with a year only: "2. September" may be a list
        # number) and "1oktober 2012" (a typo gluing the day to a full month name)
        # a hyphen before the day only as the end of a day range ("2-30 June 2025")
        rf"(?<![\w.,/])(?:(?<=\d-)|(?<!-))(?P<d>[0-3]?\d)(?:e|ste|de|st|nd|rd|th"
        rf"|\.(?=\s+{_MON}\s+(?:19|20)\d\d))?(?:\s+(?:of\s+)?|(?={_FULLMON}))"
        rf"(?P<m>{_MON})(?:,?\s+(?P<y>(?:19|20)\d\d)(?!\d)"
        # an apostrophe year ("vòòr 1 april '22"): 20yy, as in the compact "30-Apr-25"
        r"|\s+['’‘](?P<ya>\d\d)(?![\w'’]))?",
        re.IGNORECASE,
    )
    # Looked up separately, right before a written date: one alternation per position is costly.
    WEEKDAY_BEFORE_RE = re.compile(rf"(?<![\w])(?P<wd>{_WD}),?\s+$", re.IGNORECASE)
    # "July 2, 2020", also "July the 2nd, 2020" (the article only before an ordinal suffix)
    MONTH_FIRST_RE = re.compile(
        # "May" as written or in capitals; any case only with a day and a year after it (the
        # modal verb "may" is never followed by "13, 2025")
        r"(?<![\w])(?P<m>january|february|march|april|(?-i:May|MAY)"
        r"|may(?=\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d(?!\d))"
        r"|june|july|august|september|october|"
        r"november|december)\s+(?:the\s+(?=[0-3]?\d(?:st|nd|rd|th)))?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
        # not the hour of a clock time after a year-less Dutch date: "tot 5 december 12.00 uur"
        r"(?![.:][0-5]\d)"
        r"(?:,?\s+(?P<y>(?:19|20)\d\d))?(?!\d)",
        re.IGNORECASE,
    )
    # An abbreviated month first, with its year only: "Oct 19, 2021 / Apr 07, 2022" (English
    # listings and portals); without a year "Mar 3" is too risky.
    MONTH_ABBR_FIRST_RE = re.compile(
        r"(?<![\w])(?P<m>jan|febr?|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?\s+(?P<d>[0-3]?\d)"
        r"(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)",
        re.IGNORECASE,
    )
    NUMERIC_RE = re.compile(
        r"(?<![\w./:-])(?P<d>[0-3]?\d)(?P<sep>[-./])(?P<m>[01]?\d)(?P=sep)(?P<y>(?:19|20)\d\d)(?![\w-])"
    )
    ISO_RE = re.compile(r"(?<![\w./:-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w-])")
    # Year-less numeric cells are only trusted inside a range ("15-07 t/m 30-09", BWBR0032500).
    NUMERIC_RANGE_RE = re.compile(
        r"(?<![\w./:-])(?P<d1>[0-3]?\d)(?P<sep>[-/])(?P<m1>[01]?\d)\s*"
        r"(?:t/m|tot en met|tot)\s*(?P<d2>[0-3]?\d)(?P=sep)(?P<m2>[01]?\d)(?![\w/-]|\.\d)",
        re.IGNORECASE,
    )
    # A year-less "07-05" that fills a table cell on its own ("Belangrijke data 2024:" above a
    # column of dd-mm cells): two digits each, "-" or "/", nothing else in the cell, so no
    # time ("10.30"), score ("3-1"), article ("4:22") or version ("1.2") reads as a date.
    DAY_MONTH_CELL_RE = re.compile(
        r"(?:^|(?<=\|))[ \t•·▪*]*(?P<d>[0-3]\d)[-/](?P<m>[01]\d)[ \t]*(?=$|\|)", re.MULTILINE
    )
    # "van 1 tot en met 31 maart", "from 2 to 30 June": a bare day borrowing the month of the
    # next date. The end day may carry its weekday ("Van maandag 12 tot en met vrijdag 16
    # november 2018"): the weekday names the same day, so it does not stop the range (the
    # start's own weekday is taken into the mention in _candidates, as for written dates).
    DAY_ONLY_RE = re.compile(
        rf"(?<![\w.,/-])(?P<d>[0-3]?\d)(?:e)?(?=\s*(?:t/m|tot en met|tot|-|–|en|and|to|until|till"
        rf"|through)\s*"
        rf"(?:{_WD},?\s+)?[0-3]?\d\s+{_MON})",
        re.IGNORECASE,
    )
    QUARTER_RE = re.compile(
        r"(?:(?P<n>[1-4])\s*(?:e|ste|de)?|(?P<w>eerste|tweede|derde|vierde|first|second|third|"
        r"fourth))\s+(?:kwartaal|quarter)(?:\s+(?:van|of))?\s+(?P<y>(?:19|20)\d\d)"
        r"|\bq(?P<q>[1-4])\s*(?P<y2>(?:19|20)\d\d)",
        re.IGNORECASE,
    )
    SEASON_RE = re.compile(
        rf"\b(?P<s>{_alt(SEASONS)})(?:\s+(?:van|of))?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE
    )
    YEAR_PART_RE = re.compile(
        rf"\b(?P<p>{_alt(YEAR_PART)})\s+(?P<y>(?:19|20)\d\d)\b(?!-)", re.IGNORECASE
    )
    MONTH_PART_RE = re.compile(
        # also hyphenated: "close by mid-June 2018", "early-May"
        rf"\b(?P<p>begin|early|half|medio|midden|mid|eind|einde|end of|late)(?:\s+|-)"
        rf"(?P<m>{_FULLMON})"
        rf"(?:\s+(?P<y>(?:19|20)\d\d)\b)?",
        re.IGNORECASE,
    )
    MONTH_YEAR_RE = re.compile(rf"(?<![\w.])(?P<m>{_FULLMON})\s+(?P<y>(?:19|20)\d\d)\b", re.I)
    # "van 9 maart 2026 vanaf 9.00 uur tot en met …": "vanaf" ties the opening hour to its day.
    # A bracketed time takes its closing bracket along ("from 2 January (12:00 am) to
    # 3 February"), so the range connector after it is read.
    TIME_AFTER_RE = re.compile(
        rf"(?:\s*,)?\s*(?P<tp>\()?\s*(?:(?:stipt|precies|exactly|sharp)\s+)?(?:(?:om|at|-|–|vóór"
        rf"|voor|tot|oant|by|before|rond|around|omstreeks|uiterlijk|until|vanaf)\s*)?"
        rf"(?:{_TIME_CORE}{_UUR}{_SMIDDAGS}|{_MIDNIGHT}|{_NOON}){_TZ}(?(tp)\s*\)?)",
        re.IGNORECASE,
    )
    # A time written right before the date, noon included: UK competition tables write
    # "Application deadline noon 7 September 2016", "| Midday, 14 March 2024 |"; a weekday may
    # stand between when the date does not take it along ("noon on Wednesday, September 30").
    TIME_BEFORE_RE = re.compile(
        rf"(?:{_TIME_CORE}{_UUR}{_SMIDDAGS}|{_MIDNIGHT}|{_NOON}){_TZ}"
        rf"(?:\s*(?:op|on)\s+{_WD}\s*,?\s*|\s*(?:,|op|on)?\s*)$",
        re.IGNORECASE,
    )
    # "van dit jaar" after a year-less date: the year of the page (guide 4.1).
    THIS_YEAR_RE = re.compile(r"\s*(?:van\s+dit\s+jaar|this\s+year|dit\s+jaar)\b", re.IGNORECASE)
    # A weekday on its own ("dinsdag", "Maandagochtend", "afgelopen dinsdag", "vrijdag jl.",
    # "aanstaande vrijdag"): resolved against the page's date only (LABELLING.md 4.3).
    RELATIVE_DAY_RE = re.compile(
        rf"(?<![\w-])(?:(?P<pre>afgelopen|vorige|aanstaande|komende|volgende|last|next|this|deze)\s+)?"
        rf"(?P<wd>{_WD})(?:ochtend|middag|avond|morgen|nacht|morning|afternoon|evening)?"
        # not the weekday of a written date: "maandag 12 mei", "Sunday, March 10, 2024",
        # "Monday, Sept. 30, 2024" (the month first, as US pages write it)
        rf"(?P<jl>\s+(?:jl\.?|j\.l\.))?(?![\w-])(?!,?\s+(?:de\s+)?[0-3]?\d\b)"
        rf"(?!,?\s+{_MON}\s*[0-3]?\d\b)",
        re.IGNORECASE,
    )
    # Ranges and habits of weekdays are office hours, not dates ("maandag t/m vrijdag",
    # "elke dinsdag").
    _WEEKDAY_RANGE_RE = re.compile(
        rf"\s*(?:t/m|tot(?:\s+en\s+met)?|-|–|en|and|to|through|of|or)\s+{_WD}", re.IGNORECASE
    )
    _WEEKDAY_HABIT_RE = re.compile(
        rf"(?:\b(?:elke|iedere|every|on|op\s+de|s)\s*|{_WD}\s*(?:t/m|tot(?:\s+en\s+met)?|-|–|en"
        rf"|and|to|through|of|or)\s*)$",
        re.IGNORECASE,
    )
    _PAST_RE = re.compile(
        r"\b(?:was|waren|werd|werden|ging|gingen|heeft|hebben|had|hadden|maakte|maakten|opende"
        r"|sloot|kwam|kwamen|meldde|ontving|bleek|stond|liep|did|were|opened|closed|announced)\b",
        re.IGNORECASE,
    )
    # "sinds zaterdag", "since Monday": a start already passed, so the weekday looks back.
    _SINCE_BEFORE_RE = re.compile(r"\b(?:sinds|sedert|since)\s+$", re.IGNORECASE)
    # "op de 17e": the day of a date named before.
    DAY_BACKREF_RE = re.compile(r"\bop\s+de\s+(?P<d>[0-3]?\d)(?:e|ste|de)\b", re.IGNORECASE)
    global _COMPILED
    _COMPILED = True


def __getattr__(name: str) -> re.Pattern[str]:
    """A pattern looked up from outside before any find_mentions call: compile them now."""
    if name in _PATTERN_NAMES:
        _compile()
        return globals()[name]  # type: ignore[no-any-return]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Mention:
    """One date-like mention; `month_span` is set for vague periods (month/quarter/…)."""

    start: int
    end: int
    day: int | None
    month: int | None
    year: int | None
    precision: str  # day | approximate | month | quarter | season | year
    weekday: int | None = None
    time: time | None = None
    month_span: tuple[int, int] | None = None  # first and last month of a vague period
    last_day: bool = False  # "eind april": the last day of the month
    this_year: bool = False  # "12 januari van dit jaar"
    relative: bool = False  # a weekday word resolved against the page's date

    @property
    def vague(self) -> bool:
        return self.precision in ("month", "quarter", "season", "year")

    def on(self, year: int) -> date | None:
        """Return the concrete day in `year`, or None if it does not exist."""
        if self.month is None or self.vague:
            return None
        day = calendar.monthrange(year, self.month)[1] if self.last_day else self.day
        try:
            return date(year, self.month, day or 1)
        except ValueError:
            return None

    def period(self, year: int) -> tuple[date, date]:
        """Return the first and last day a vague mention may refer to."""
        first, last = self.month_span or (self.month or 1, self.month or 12)
        last_year = year + 1 if last < first else year
        end = date(last_year, last, calendar.monthrange(last_year, last)[1])
        return date(year, first, 1), end


def time_of(mt: re.Match[str]) -> time | None:
    """Return the clock time of a time match (12-hour, 24-hour, Flemish "12u", midnight)."""
    if mt.groupdict().get("mid"):
        return END_OF_DAY
    if mt.groupdict().get("noon"):
        return time(12, 0)
    if mt["h12"]:
        hour, minute = int(mt["h12"]) % 12, int(mt["mi12"] or 0)
        hour += 12 if mt["ap"].lower() == "p" else 0
    else:
        hour, minute = int(mt["h"] or mt["hu"] or mt["hb"] or mt["hz"]), int(mt["mi"] or 0)
    part = mt["part"]
    if part and part.lower() in ("middags", "avonds") and hour < 12:
        hour += 12
    if hour == 24 and minute == 0:  # "om 24.00 uur": the end of that day
        return END_OF_DAY
    return time(hour, minute) if hour < 24 else None


def _valid(day: int, month: int, year: int | None) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= calendar.monthrange(year if year else 2000, month)[1]


_COMING_RE = re.compile(r"\s+(?:aanstaande|a\.s\.)", re.IGNORECASE)
# A time followed by "on <date>" belongs to that later date: "from 9am on 1 April 2025 until 5pm
# on 30 May 2025" (the "until 5pm" is not the first date's hour).
_ON_DATE_AHEAD_RE = re.compile(
    rf"\s*,?\s*(?:on|op)\s+(?:{_WD}\s*,?\s*)?(?:the\s+)?(?:[0-3]?\d(?!\d)|{_FULLMON})",
    re.IGNORECASE,
)


def _attach_time(text: str, m: Mention, floor: int) -> Mention:
    """Extend a day-precision mention with a time written right after or before it."""
    if m.precision != "day":
        return m
    this = THIS_YEAR_RE.match(text, m.end)
    if this and m.year is None:
        m = replace(m, end=this.end(), this_year=True)
    after = TIME_AFTER_RE.match(text, m.end)
    if after is None and (rel := _COMING_RE.match(text, m.end)):
        # "op 12 april aanstaande om 9:00 uur", also without "om" when "uur" says it is a clock
        # time ("na opening van het loket op 1 februari a.s. 9.00 uur"): still this date's time
        after = TIME_AFTER_RE.match(text, rel.end())
        said = after.group().strip(" ,(").lower() if after is not None else ""
        if not (said.startswith(("om", "at")) or said[:1].isdigit() and "uur" in said):
            after = None
    if after and not _ON_DATE_AHEAD_RE.match(text, after.end()):
        t = time_of(after)
        if t is not None:
            return replace(m, end=after.end(), time=t)
    before = TIME_BEFORE_RE.search(text, max(floor, m.start - 48), m.start)
    if before:
        t = time_of(before)
        if t is not None:
            return replace(m, start=before.start(), time=t)
    verb = _VERB_THEN_TIME_RE.match(text, m.end) or _START_TIME_THEN_RE.match(text, m.end)
    if verb and (after := TIME_AFTER_RE.match(text, verb.end())) is not None:
        t = time_of(after)
        if t is not None:  # the span stays the date's, so the verb still tells its role
            return replace(m, time=t)
    return m


# Dutch verb-second order after a fronted date: "Op 30 juni sluit het loket om 17.00 uur", "Op
# 1 juni gaat het loket om 9.00 uur open", also right after the verb ("Op 18 maart sloot om
# 17:00 uur de openstelling", "Op 1 maart 2021 komt het formulier om 12.00 uur online"): the
# "om" time is that date's.
_VERB_THEN_TIME_RE = re.compile(
    r"\s+(?:sluit|sluiten|sloot|opent|openen|opende|gaat|gaan|ging|start|starten|begint|komt"
    r"|komen)\s+"
    r"(?:[\w-]+\s+){0,6}?(?=om\s+\d)",
    re.IGNORECASE,
)


# A start time named after the date's clause: "kan vanaf maandag 19 juni aangevraagd worden,
# starttijd om 09.00 uur" (a label for the hour the window opens that day; no other date between).
_START_TIME_THEN_RE = re.compile(
    r"(?:\s+[a-z]+){0,4}?\s*,\s*(?:met\s+als\s+)?(?:start|openings|aanvangs)tijd\b(?:\s+is)?\s*:?"
    r"(?=\s*(?:om\s+)?\d)",
    re.IGNORECASE,
)


def _year(s: str | None) -> int | None:
    return int(s) if s else None


# Cheap tests before the costly patterns: each needs one of these words to match at all.
_PART_WORDS = ("begin", "early", "medio", "midden", "mid", "half", "eind", "end of", "late")
_ENGLISH_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
                   "september", "october", "november", "december")  # fmt: skip
_Q_GATE_RE = re.compile(r"q[1-4]")
_YEAR_GATE_RE = re.compile(r"(?:19|20)\d\d")
_ABBR_GATE_RE = re.compile(r"\b(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)[rt]?\.?\s+\d")
# A compact listing date, day-month-year joined by hyphens: "30-Apr-25", "15-mrt-2026"
# (aggregators, spreadsheets). The month must be a word between two hyphens and the year
# two or four digits with nothing glued on, so codes ("Z-24-jun-118") and ranges stay out.
_DASHED_MONTH_RE = re.compile(
    rf"(?<![\w./:-])(?P<d>[0-3]?\d)-(?P<m>{_alt(MONTHS)})-(?P<y>(?:19|20)?\d\d)(?![\w-])",
    re.IGNORECASE,
)
_DASHED_GATE_RE = re.compile(r"\d-[a-z]{3}", re.IGNORECASE)


def _dashed_dates(text: str) -> list[tuple[int, Mention]]:
    """Return the compact hyphenated dates ("30-Apr-25"); a two-digit year is 20yy."""
    found: list[tuple[int, Mention]] = []
    if "-" not in text or not _DASHED_GATE_RE.search(text):
        return found
    for mt in _DASHED_MONTH_RE.finditer(text):
        d, mo, y = int(mt["d"]), MONTHS[mt["m"].lower()], int(mt["y"])
        year = y if y >= 1900 else 2000 + y
        if _valid(d, mo, year):
            found.append((2, Mention(mt.start(), mt.end(), d, mo, year, "day")))
    return found


# A month name right after a month-first date's day ("3 september 24 oktober" in a flattened
# table row): the number starts the next day-first date.
_MONTH_NEXT_RE = re.compile(rf"\s+(?:{_alt(FULL_MONTHS)})\b", re.IGNORECASE)
# A numbered item label right before a month: "Periode 1 januari t/m 31 maart … Periode 2 mei t/m
# 15 augustus … Periode 3 september t/m 30 november". The number is the item's, not a day, when
# the same label is numbered on (1, 2, 3) elsewhere in the text; a lone "Ronde 2 mei" stays a date.
_ITEM_LABEL_RE = re.compile(
    r"\b(?P<label>periode|ronde|tijdvak|fase|blok|deel|stap|tranche)\s+(?P<n>[1-9])\b(?!\s*[.:-])",
    re.IGNORECASE,
)


def _numbered_items(text: str) -> set[int]:
    """Return where a number that labels a list item stands before a month name."""
    low = text.lower()
    if not any(w in low for w in ("periode", "ronde", "tijdvak", "fase", "blok", "deel", "stap",
                                  "tranche")):  # fmt: skip
        return set()
    found = [
        (mt["label"].lower(), int(mt["n"]), mt.start("n")) for mt in _ITEM_LABEL_RE.finditer(text)
    ]
    numbers: dict[str, set[int]] = {}
    for label, n, _ in found:
        numbers.setdefault(label, set()).add(n)
    return {
        at
        for label, n, at in found
        if len(numbers[label]) >= 2 and (n - 1 in numbers[label] or n + 1 in numbers[label])
    }


def _candidates(text: str) -> list[tuple[int, Mention]]:
    """Collect (priority, mention) from every pattern; lower priority wins overlaps."""
    found: list[tuple[int, Mention]] = []
    low = text.lower()
    ranged = "t/m" in low or "tot" in low
    for mt in NUMERIC_RANGE_RE.finditer(text) if ranged else ():
        for i in ("1", "2"):
            d, mo = int(mt["d" + i]), int(mt["m" + i])
            if _valid(d, mo, None):
                s, e = mt.span("d" + i)[0], mt.span("m" + i)[1]
                found.append((1, Mention(s, e, d, mo, None, "day")))
    parts = any(p in low for p in _PART_WORDS)
    for mt in MONTH_PART_RE.finditer(text) if parts else ():
        p, mo = mt["p"].lower(), MONTHS[mt["m"].lower()]
        if p in ("begin", "early"):
            # "begin juni", "early March": a month-level aim like "in juni", no day (guide 4.3
            # names only medio/half and eind as day-level); the month itself is left to the
            # month patterns
            continue
        if not mt["y"] and _ALT_MONTH_RE.match(text, mt.end()):
            # "medio april/mei 2019": one of two months, not a day-level date (guide 4.3);
            # the month patterns still see "mei 2019"
            continue
        last = p in ("eind", "einde", "end of", "late")
        day = None if last else MONTH_PART_DAY.get(p, 1)
        found.append((0, Mention(*mt.span(), day, mo, _year(mt["y"]), "approximate",
                                 last_day=last)))  # fmt: skip
    quarters = "kwartaal" in low or "quarter" in low or _Q_GATE_RE.search(low)
    for mt in QUARTER_RE.finditer(text) if quarters else ():
        n = int(mt["n"] or mt["q"] or ORDINALS[(mt["w"] or "first").lower()])
        y = int(mt["y"] or mt["y2"])
        found.append((0, Mention(*mt.span(), None, None, y, "quarter",
                                 month_span=(3 * n - 2, 3 * n))))  # fmt: skip
    for mt in SEASON_RE.finditer(text) if any(w in low for w in SEASONS) else ():
        span = SEASONS[mt["s"].lower()]
        found.append((0, Mention(*mt.span(), None, None, int(mt["y"]), "season",
                                 month_span=span)))  # fmt: skip
    for mt in YEAR_PART_RE.finditer(text) if parts else ():
        span = YEAR_PART[mt["p"].lower()]
        found.append((0, Mention(*mt.span(), None, None, int(mt["y"]), "year", month_span=span)))
    english = any(m in low for m in _ENGLISH_MONTHS)
    numbered = _numbered_items(text)
    for rx in (WRITTEN_RE, MONTH_FIRST_RE) if english else (WRITTEN_RE,):
        for mt in rx.finditer(text):
            d, mo, wy = int(mt["d"]), MONTHS[mt["m"].lower().rstrip(".")], _year(mt["y"])
            if numbered and mt.start() in numbered:
                # "Periode 2 mei t/m 15 augustus": period 2, from May (a month, no day)
                s, e = mt.span("m")
                found.append((2, Mention(s, e, None, mo, wy, "month", month_span=(mo, mo))))
                continue
            if ya := mt.groupdict().get("ya"):
                wy = 2000 + int(ya)
            start, wd = mt.start(), None
            before = WEEKDAY_BEFORE_RE.search(text, max(0, start - 12), start)
            if before and rx is WRITTEN_RE:
                start, wd = before.start(), WEEKDAYS[before["wd"].lower()]
            if rx is MONTH_FIRST_RE and _MONTH_NEXT_RE.match(text, mt.end()):
                continue  # "3 september 24 oktober": 24 is the next date's day, not September's
            if _valid(d, mo, wy):
                found.append((2, Mention(start, mt.end(), d, mo, wy, "day", wd)))
        found += _month_first_ranges(text)
    years = _YEAR_GATE_RE.search(text) is not None
    for mt in MONTH_ABBR_FIRST_RE.finditer(text) if years and _ABBR_GATE_RE.search(low) else ():
        d, mo, wy = int(mt["d"]), MONTHS[mt["m"].lower()], int(mt["y"])
        if _valid(d, mo, wy):
            found.append((2, Mention(mt.start(), mt.end(), d, mo, wy, "day")))
    for rx in (NUMERIC_RE, ISO_RE) if years else ():
        for mt in rx.finditer(text):
            nd, nm, ny = int(mt["d"]), int(mt["m"]), int(mt["y"])
            if _valid(nd, nm, ny):
                found.append((2, Mention(*mt.span(), nd, nm, ny, "day")))
    found += _dashed_dates(text)
    found += _range_end_months(text)
    if years and ("-" in text or "/" in text):
        found += _day_month_cells(text)
    for mt in MONTH_YEAR_RE.finditer(text) if years else ():
        mo = MONTHS[mt["m"].lower()]
        found.append((3, Mention(*mt.span(), None, mo, int(mt["y"]), "month",
                                 month_span=(mo, mo))))  # fmt: skip
    for mt in DAY_ONLY_RE.finditer(text):
        start, wd = mt.start(), None
        before = WEEKDAY_BEFORE_RE.search(text, max(0, start - 12), start)
        if before:  # "maandag 12 tot en met …": the weekday belongs to the bare day
            start, wd = before.start(), WEEKDAYS[before["wd"].lower()]
        found.append((4, Mention(start, mt.end(), int(mt["d"]), None, None, "day", wd)))
    return found


# An English day range after its month: "April 1-30", "October 1 – 31, 2024", "January 2 to 31"
# (two mentions, the end day borrowing the month and both the year written after the range).
_MONTH_FIRST_RANGE_RE = re.compile(
    r"(?<![\w])(?P<m>january|february|march|april|(?-i:May|MAY)|june|july|august|september|october"
    r"|november|december)\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:[-–—]|\s(?:to|through|until|thru)\s)"
    r"\s*(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s+(?P<y>(?:19|20)\d\d))?(?![\d:.,]\d|\d)"
    r"(?!\s*(?:am|pm|a\.m|p\.m|h|hrs?|o['’]clock)\b)",
    re.IGNORECASE,
)


def _month_first_ranges(text: str) -> list[tuple[int, Mention]]:
    """Read "April 1-30" as two day mentions of that month (ahead of "April 1" alone)."""
    found: list[tuple[int, Mention]] = []
    if "-" not in text and "–" not in text and "—" not in text and " t" not in text:
        return found
    for mt in _MONTH_FIRST_RANGE_RE.finditer(text):
        mo, wy = MONTHS[mt["m"].lower()], _year(mt["y"])
        d1, d2 = int(mt["d1"]), int(mt["d2"])
        if d1 >= d2 or not (_valid(d1, mo, wy) and _valid(d2, mo, wy)):
            continue
        found.append((1, Mention(mt.start(), mt.end("d1"), d1, mo, wy, "day")))
        found.append((1, Mention(mt.start("d2"), mt.end(), d2, mo, wy, "day")))
    return found


# "vanaf 3 april t/m oktober": a year-less month as the inclusive end of a range that starts on
# a day. The month closes on its last day (LABELLING.md 4.3, "tot en met december 2021"); its
# year comes from the opening like any year-less end. A month alone ("t/m oktober" without a
# day before it) stays a month-level aim.
_RANGE_END_MONTH_RE = re.compile(
    rf"(?<![\w.])[0-3]?\d\s+{_FULLMON}(?:\s+(?:19|20)\d\d)?\s+(?:t/m|tot\s+en\s+met)\s+"
    rf"(?P<m>{_FULLMON})(?!\s*(?:[0-3]?\d(?!\d)|(?:19|20)\d\d))",
    re.IGNORECASE,
)


def _range_end_months(text: str) -> list[tuple[int, Mention]]:
    """Return the year-less end months of day-to-month ranges ("3 april t/m oktober")."""
    found: list[tuple[int, Mention]] = []
    low = text.lower()
    if "t/m" not in low and "met" not in low:
        return found
    for mt in _RANGE_END_MONTH_RE.finditer(text):
        mo = MONTHS[mt["m"].lower()]
        found.append((3, Mention(*mt.span("m"), None, mo, None, "month", month_span=(mo, mo))))
    return found


_CONTEXT_YEAR_RE = re.compile(r"(?<![\d./-])((?:19|20)\d\d)(?![\d./-])")
_CELL_YEAR_REACH = 300


def _day_month_cells(text: str) -> list[tuple[int, Mention]]:
    """Read year-less dd-mm table cells, only where a year stands above them.

    Cells next to each other form a run; a run with a cell that is no day and month
    ("10-12" next to "13-15" is a range of ages) is no date at all. The year is the last one
    written before the cell; a run that goes back half a year or more has crossed New Year.
    """
    runs: list[list[re.Match[str]]] = []
    for mt in DAY_MONTH_CELL_RE.finditer(text):
        between = text[runs[-1][-1].end() : mt.start()] if runs else "x"
        if between.strip(" \t\n|") == "":
            runs[-1].append(mt)
        else:
            runs.append([mt])
    found: list[tuple[int, Mention]] = []
    for run in runs:
        if not all(_valid(int(mt["d"]), int(mt["m"]), None) for mt in run):
            continue
        start = run[0].start("d")
        years = list(_CONTEXT_YEAR_RE.finditer(text, max(0, start - _CELL_YEAR_REACH), start))
        if not years:
            continue
        year, last = int(years[-1].group(1)), 0
        for mt in run:
            d, mo = int(mt["d"]), int(mt["m"])
            if mo - last <= -6:
                year += 1
            last = mo
            if _valid(d, mo, year):
                found.append((2, Mention(mt.start("d"), mt.end("m"), d, mo, year, "day")))
    return found


_SENTENCE_END_RE = re.compile(r"[.!?](?=\s)|\n")


def _sentence(text: str, start: int, end: int) -> str:
    left = max((mt.end() for mt in _SENTENCE_END_RE.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END_RE.search(text, end)
    return text[left : right.start() if right else len(text)]


def _relative_days(text: str, published: date) -> list[tuple[int, Mention]]:
    """Resolve weekday words against the page's date: past tense looks back, else ahead."""
    found: list[tuple[int, Mention]] = []
    lower = text.lower()
    if not any(w[:4] in lower for w in WEEKDAYS):
        return found
    for mt in RELATIVE_DAY_RE.finditer(text):
        if _WEEKDAY_RANGE_RE.match(text, mt.end()) or _WEEKDAY_HABIT_RE.search(
            text, max(0, mt.start() - 30), mt.start()
        ):
            continue
        pre = (mt["pre"] or "").lower()
        if pre in ("this", "deze"):
            continue
        wd = WEEKDAYS[mt["wd"].lower()]
        back = (published.weekday() - wd) % 7
        ahead = (wd - published.weekday()) % 7
        if pre in ("afgelopen", "vorige", "last") or mt["jl"]:
            day = published - timedelta(days=back or 7)
        elif pre:
            day = published + timedelta(days=ahead or 7)
        elif _PAST_RE.search(_sentence(text, mt.start(), mt.end())) or _SINCE_BEFORE_RE.search(
            text, max(0, mt.start() - 10), mt.start()
        ):
            day = published - timedelta(days=back)
        else:
            day = published + timedelta(days=ahead)
        m = Mention(*mt.span(), day.day, day.month, day.year, "day", wd, relative=True)
        found.append((5, m))
    return found


# An opening "as of today" on a dated page ("The 2023 call … is open as of today", "vanaf
# vandaag kunt u aanvragen"): the page's date (LABELLING.md 4.3, like weekday words).
_AS_OF_TODAY_RE = re.compile(
    # not a term counted from today ("within 30 days from today", "binnen 6 weken vanaf vandaag")
    r"(?<!days\s)(?<!weeks\s)(?<!months\s)(?<!dagen\s)(?<!weken\s)(?<!maanden\s)"
    r"\b(?:as\s+of|from|starting|vanaf|met\s+ingang\s+van|per)\s+(today|vandaag)\b",
    re.I,
)


def _opening_today(text: str, published: date) -> list[tuple[int, Mention]]:
    """Resolve "as of today" against the page's date; the cue word stays outside the mention."""
    lower = text.lower()
    if "today" not in lower and "vandaag" not in lower:
        return []
    return [
        (5, Mention(mt.start(1), mt.end(1), published.day, published.month, published.year,
                    "day", relative=True))
        for mt in _AS_OF_TODAY_RE.finditer(text)
    ]  # fmt: skip


# "Vandaag" itself on a dated page is the page's day, like a weekday word (guide 4.3): "Sinds
# vandaag kunnen inwoners aanvragen", "Het loket is vandaag geopend", "Aanvragen kan tot en met
# vandaag", "Vandaag sluit het loket". Not "vandaag de dag" (nowadays) nor a term counted from
# it ("binnen zes weken na vandaag"); the roles decide whether the day bounds a window.
# "Morgen" and "overmorgen" the same, one or two days on ("Het loket opent morgen om 9.00 uur"),
# not the noun ("de morgen", "'s morgens", "deze morgen").
_TODAY_WORD_RE = re.compile(
    r"(?<!days\s)(?<!weeks\s)(?<!months\s)(?<!dagen\s)(?<!weken\s)(?<!maanden\s)"
    r"(?<!dagen\sna\s)(?<!weken\sna\s)(?<!maanden\sna\s)(?<!days\safter\s)(?<!weeks\safter\s)"
    r"(?<!\bde\s)(?<!\bdeze\s)(?<!['’]s\s)(?<!elke\s)(?<!iedere\s)"
    # a bare "tot vandaag" is "until now" in a news story ("de aanvraagronde uitstellen tot
    # vandaag", "Tot vandaag zijn 300 aanvragen gedaan"); "tot en met vandaag" stays a day
    r"\b(?:(?<!\btot\s)(?P<today>vandaag)\b(?!\s+de\s+dag\b)|(?P<after>over)?morgen\b)",
    re.I,
)


def _today_words(text: str, published: date) -> list[tuple[int, Mention]]:
    """Resolve a plain "vandaag", "morgen" or "overmorgen" against the page's date."""
    lower = text.lower()
    if "vandaag" not in lower and "morgen" not in lower:
        return []
    found = []
    for mt in _TODAY_WORD_RE.finditer(text):
        day = published + timedelta(days=0 if mt["today"] else 2 if mt["after"] else 1)
        m = Mention(*mt.span(), day.day, day.month, day.year, "day", relative=True)
        found.append((6, m))
    return found


def _back_references(text: str, chosen: list[Mention]) -> list[Mention]:
    """Add "op de 17e" when an earlier date has day 17: the same date, written short."""
    out: list[Mention] = []
    for mt in DAY_BACKREF_RE.finditer(text):
        day = int(mt["d"])
        earlier = [m for m in chosen if m.end <= mt.start() and m.day == day and m.month]
        if earlier and not any(m.start < mt.end() and mt.start() < m.end for m in chosen):
            e = earlier[-1]
            out.append(Mention(*mt.span(), day, e.month, e.year, "day", relative=e.relative))
    return out


def find_mentions(text: str, published: date | None = None) -> list[Mention]:
    """Return non-overlapping date mentions in text order, with times attached.

    With the page's own date (`published`), weekday words ("afgelopen dinsdag") become dates.
    """
    if not _COMPILED:
        _compile()
    chosen: list[Mention] = []
    taken: list[tuple[int, int]] = []
    candidates = _candidates(text)
    if published is not None:
        candidates += _relative_days(text, published)
        candidates += _opening_today(text, published)
        candidates += _today_words(text, published)
    for _, m in sorted(candidates, key=lambda pm: (pm[0], -(pm[1].end - pm[1].start))):
        if any(m.start < e and s < m.end for s, e in taken):
            continue
        taken.append((m.start, m.end))
        chosen.append(m)
    chosen.sort(key=lambda m: m.start)
    if "op de " in text:
        chosen = sorted(chosen + _back_references(text, chosen), key=lambda m: m.start)
    out: list[Mention] = []
    for i, m in enumerate(chosen):
        if m.month is None and m.precision == "day":  # bare day: borrow from the next date
            nxt = chosen[i + 1] if i + 1 < len(chosen) else None
            if nxt is None or nxt.month is None or not _valid(m.day or 0, nxt.month, nxt.year):
                continue
            m = Mention(m.start, m.end, m.day, nxt.month, nxt.year, "day", m.weekday)
        out.append(_attach_time(text, m, out[-1].end if out else 0))
    return out
