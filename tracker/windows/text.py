"""Plain text from scheme pages: tags stripped, entities decoded, line structure kept."""

from __future__ import annotations

import html
import re

from tracker.windows.dates import WEEKDAYS
from tracker.windows.model import MAX_CHARS

_I = re.IGNORECASE

_DROP_BLOCK_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", _I | re.DOTALL)
_BLOCK_TAG_RE = re.compile(
    r"<br\s*/?>|</?(?:p|div|li|tr|h[1-6]|ul|ol|table|section|article|dt|dd|header|footer)\b[^>]*>",
    _I,
)
_CELL_TAG_RE = re.compile(r"</?t[dh]\b[^>]*>", _I)
_TAG_RE = re.compile(r"<[a-zA-Z/!][^>]*>")
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u2007\u202f\u2009]+")
_INVISIBLE_RE = re.compile(r"[\u00ad\u200b\u200c\u200d\ufeff]")
# A hard wrap inside a sentence (PDF and officielebekendmakingen text breaks at ~80 characters:
# "van 13 januari 2020, 09.00 uur, tot en\nmet 3 februari 2020"): a long line that ends in a word
# that cannot end a sentence ("tot en met\n30 juni", "van\n1 april") or a comma goes on on the
# next line, and so does one whose next line starts with the rest of a cue ("tot en\nmet",
# "09.00\nuur"). Short lines are labels, headers and table cells (guide 1: "Table cells are put
# on separate lines"), a headline is followed by a dateline ("… call for proposals\n28 January
# 2009"), and "2.1 …", "3) …" or "| …" start a row or list item: those stay on their own lines.
# Case-blind, so that the same text in capitals reads the same.
_WRAP_MIN = 40
_WRAP_END_RE = re.compile(r"[.!?:;|]$")
_GOES_ON_RE = re.compile(r"\w(?!\d*(?:[.)]\s|\.\d))")
_OPEN_END_RE = re.compile(
    r"(?:^|[\s(])(?:en|met|tot|t/m|van|vanaf|op|om|tussen|uiterlijk|per|vóór|voor|de|het|is"
    r"|and|to|until|till|from|by|on|at|between|the|of)$|,$",
    re.IGNORECASE,
)
_REST_OF_CUE_RE = re.compile(r"(?:met|uur)\b", re.IGNORECASE)
# A field value whose range goes on on the next line ("Openstelling\nmaandag 18 september 2023
# 09:00\nt/m dinsdag 31 december 2024 17:00"): a line opening with an inclusive "t/m" and a
# date continues a line that ends in a date or time, however short (guide 3: X t/m Y).
_RANGE_TAIL_LINE_RE = re.compile(r"(?:t/m|tot\s+en\s+met)\s+(?:[a-z]+dag\s+)?\d", re.IGNORECASE)
# A long line with a sentence end ("Tot en met 31 maart 2021 is het nog mogelijk om … in te
# dienen.") is a sentence of its own under a dateline ("09 februari 2021"), not a range's tail.
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)")
_ENDS_IN_DATE_RE = re.compile(r"(?:\d|\buur)$", re.IGNORECASE)
# An aside on a line of its own belongs to the line above: a deadline list whose items carry a
# meeting date below them ("27 mei 2024\n(Vergaderdatum 5 juli 2024)\n19 augustus 2024") reads
# as one list only when each aside stays with its own item.
_ASIDE_LINE_RE = re.compile(r"\([^()\n]{1,80}\)")


# A weekday glued to its day by a copy or a lost tag ("Monday17 April", "maandag2 maart") hides
# the date and breaks a range; every weekday name ends in "dag" or "day", a cheap gate.
_GLUED_DAY_GATE_RE = re.compile(r"[dD][aA][gGyY]\d")
_GLUED_WEEKDAY_RE = re.compile(rf"\b({'|'.join(WEEKDAYS)})(?=\d)", re.IGNORECASE)


# A hyphenated range cue ("vanaf 15 februari 2024 tot-en-met 25 april 2024", Limburg
# openstellingsbesluit) is the same cue as "tot en met"; the hyphens become spaces so that the
# text keeps its length and its case.
_HYPHENED_TEM_RE = re.compile(r"\btot[-\u2010\u2011]en[-\u2010\u2011]met\b", re.IGNORECASE)

# Flemish pages shorten "tot en met" to "t.e.m." or "tem" ("20 januari 2024 tem 31 maart 2024",
# lv.vlaanderen.be VLIF periods): the same inclusive cue as "t/m" (guide 3). A bare "tem" only
# counts between a date and a day number (optionally a weekday first), so a name or an acronym
# stays as it is.
_TEM_GATE_RE = re.compile(r"t\.\s?e\.\s?m|\btem\b", re.IGNORECASE)
_SHORT_TEM_RE = re.compile(
    r"\bt\.\s?e\.\s?m\b\.?|(?<=\d\s)tem(?=\s+(?:[a-z]+dag\s+)?\d)"
    r"|(?<=[a-z]\s)tem(?=\s+(?:[a-z]+dag\s+)?[0-3]?\d\s+[a-z])",
    re.IGNORECASE,
)


# "vòòr 1 april" (grave accents typed for acute ones) is "vóór": the cue reads the same, the
# length and case stay.
_GRAVE_VOOR_RE = re.compile(r"\bv(?:òò|òó|óò|òo|oò)r\b", re.IGNORECASE)
_TO_ACUTE = str.maketrans("òoÒO", "óóÓÓ")


# "aanstaande" shortened to "a.s." (West Frisian "o.s.", "oanstaande"; also a bare "as" next to a
# weekday: "vanaf as maandag 19 juni", "fan 1 febrewaris o.s. ôf"): the dots would end the
# clause, so the applying verb after it was lost and the date read as a bare one. Written out,
# it reads like "aanstaande", which dates and status already know. A bare "as" only counts
# right before or after a Dutch weekday, so English "as" stays.
_COMING_GATE_RE = re.compile(r"\b[ao]\.\s?s\.|\bas\b", re.IGNORECASE)
_NL_WEEKDAY = r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"
# ... or a bare "as." right after a date or its clock time ("tot 23 februari 14:00 uur as. bij
# ZonMw … aanvragen"): the dot ended the clause before the applying verb. After a month name
# only with its dot, so English "September as planned" stays.
_NL_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
)  # fmt: skip
_AFTER_DATE = "|".join(rf"(?<={month}\s)" for month in _NL_MONTHS)
_COMING_SHORT_RE = re.compile(
    rf"\b(?P<fy>[ao])\.\s?s\.(?=[\s,;:)]|$)|\bas(?=\s+{_NL_WEEKDAY}\b)|(?<=dag\s)as\b"
    rf"|(?<=uur\s)as\b\.?(?=[\s,;:)]|$)|(?:{_AFTER_DATE})as\.(?=[\s,;:)]|$)",
    re.IGNORECASE,
)


def _coming(match: re.Match[str]) -> str:
    word = "oanstaande" if (match.group("fy") or "").lower() == "o" else "aanstaande"
    return word.capitalize() if match.group(0)[0].isupper() else word


def _unhyphen(match: re.Match[str]) -> str:
    return re.sub(r"[-\u2010\u2011]", " ", match.group(0))


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
    text = _HYPHENED_TEM_RE.sub(_unhyphen, text)
    if "ò" in text or "Ò" in text:
        text = _GRAVE_VOOR_RE.sub(lambda m: m.group(0).translate(_TO_ACUTE), text)
    if _GLUED_DAY_GATE_RE.search(text):
        text = _GLUED_WEEKDAY_RE.sub(r"\1 ", text)
    lines = (_SPACE_RE.sub(" ", line).strip() for line in text.split("\n"))
    text = "\n".join(line for line in lines if line)
    if _TEM_GATE_RE.search(text):  # after the spaces are collapsed: the cue looks behind
        text = _SHORT_TEM_RE.sub("t/m", text)
    if _COMING_GATE_RE.search(text):
        text = _COMING_SHORT_RE.sub(_coming, text)
    return text


def join_wrapped_lines(text: str) -> str:
    """Join lines of cleaned text that a hard wrap split inside a sentence."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1]
        ended = bool(_WRAP_END_RE.search(prev))
        aside = line[0] == "(" and not ended and bool(_ASIDE_LINE_RE.fullmatch(line))
        range_goes_on = (
            _RANGE_TAIL_LINE_RE.match(line)
            and _ENDS_IN_DATE_RE.search(prev)
            and not (len(line) >= _WRAP_MIN and _SENTENCE_END_RE.search(line))
        )
        if (
            aside
            or range_goes_on
            or (
                len(prev) >= _WRAP_MIN
                and "|" not in line
                and not ended
                and _GOES_ON_RE.match(line)
                and (_OPEN_END_RE.search(prev) or _REST_OF_CUE_RE.match(line))
            )
        ):
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return "\n".join(out)
