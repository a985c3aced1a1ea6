"""Dates whose role comes from the page layout, not from words next to them.

Two layouts lose their cells when a page is turned into text (LABELLING.md 1: "Table cells are
put on separate lines"):

- a linearised table: a block of short header lines ("Opening date", "Next deadline") and then,
  per row, a name line followed by one date line per date column;
- a list under a deadline heading ("The new deadlines are:", "Deadline | Programma | Status"):
  each row starts or ends with its date.

Rows of different names are different schemes; the first-listed one is labelled (guide 2), so
the dates of other names are decoys. Pure: works on line offsets and mention spans only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

_I = re.IGNORECASE


class LayoutRole(StrEnum):
    """What its place in a table or list makes a date: an opening, a closing, another scheme's."""

    OPEN = "open"
    CLOSE = "close"
    OTHER = "other"  # a row of another scheme: a decoy (guide 2)
    DECOY = "decoy"  # a column of decision, feedback or report dates (guide 8)


OPEN, CLOSE, OTHER, DECOY = LayoutRole.OPEN, LayoutRole.CLOSE, LayoutRole.OTHER, LayoutRole.DECOY

_OPEN_HEAD_RE = re.compile(r"\b(?:open|opening|start|begin|launch)\w*", _I)
_CLOSE_HEAD_RE = re.compile(
    r"deadline|sluitingsdatum|sluiting|einddatum|indiendat|indieningsdatum|uiterste|closing"
    r"|inleverdatum"
    # "cut off dates" with a space as a noun only: "will be cut off on these dates" is a verb
    r"|cut-?off|cut\s+off\s+dates?|due\b",
    _I,
)
# A column of dates that are no application bounds ("Uiterste datum besluit", "Feedback",
# "Uiterlijke datum reactie").
_DECOY_HEAD_RE = re.compile(
    r"besluit|beslis|decision|feedback|uitbetal|betaling|payment|verslag|report|rapportage"
    r"|webinar|informatie|info\b|publica|bekendmak|uitslag|result|vergader|meeting|evaluat"
    r"|beoordel"
    # when the fund answers ("Uiterlijke datum reactie" beside "Deadline inleverdatum")
    r"|reactie|response|uitsluitsel|terugkoppeling",
    _I,
)
# A heading that announces a list: "… zijn:", "specified below", "hieronder".
_ANNOUNCES_RE = re.compile(r":\s*$|\bbelow\b|\bhieronder\b|\bonderstaande?\b|\bvolgende\b", _I)
_TRIM_RE = re.compile(r"^[\s·•▪*\-–—,:;]+|[\s·•▪*\-–—,:;.]+$")
# What may stand around a date in a cell of its own: brackets of a time ("20 juni (17.00 uur)").
_CELL_TRIM_RE = re.compile(r"[\s·•▪*\-–—,:;.()]+")
_MAX_HEAD = 40
# A time zone left in a date's cell ("| Thursday 14th April 2022 at 11:00 GMT |").
_ZONE_RE = re.compile(r"\b(?:GMT|UTC|CES?T|BST|brussels\s+time)\b", _I)


@dataclass(frozen=True)
class Span:
    """A date mention as layout sees it: where it is and whether words gave it a role."""

    start: int
    end: int
    cued: bool
    vague: bool = False  # a month, quarter or season: never placed by a table


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _name(text: str, line: tuple[int, int], spans: Sequence[Span]) -> str:
    """The row's name: its line without dates, bullets and punctuation, lower case."""
    s, e = line
    parts, pos = [], s
    for sp in spans:
        if s <= sp.start < e:
            parts.append(text[pos : sp.start])
            pos = sp.end
    parts.append(text[pos:e])
    return " ".join(_TRIM_RE.sub("", p) for p in parts).strip().lower()


def layout_roles(
    text: str, spans: Sequence[Span], pairs: dict[int, int] | None = None
) -> dict[int, LayoutRole]:
    """Return {mention index: open | close | other} for dates placed by table or list layout.

    `pairs`, when given, receives {closing index: opening index} for a row of closings under a
    row of openings: the cells of one column are one window.
    """
    if "\n" not in text:
        return {}
    lines = _lines(text)
    of_line: dict[int, list[int]] = {}
    li = 0
    for i, sp in enumerate(spans):
        while lines[li][1] < sp.start:
            li += 1
        of_line.setdefault(li, []).append(i)
    out: dict[int, LayoutRole] = {}
    _columns(text, lines, of_line, spans, out)
    _inline_header(text, lines, of_line, spans, out)
    if "|" in text:
        _row_labels(text, lines, of_line, spans, out, {} if pairs is None else pairs)
        _dated_rows(text, lines, of_line, spans, out)
    _heading_list(text, lines, of_line, spans, out)
    return out


def _row_labels(
    text: str,
    lines: list[tuple[int, int]],
    of_line: dict[int, list[int]],
    spans: Sequence[Span],
    out: dict[int, LayoutRole],
    pairs: dict[int, int],
) -> None:
    """A "|" row whose first cell is a label and whose other cells are dates:
    "Deadline for Submission | 15 May 2023 | 16 October 2023 | 20 May 2024" gives every cell
    that label's role (guide 6: each is a deadline), not the first cell only. A closing row
    right under an opening row closes the opening in the same column; dates in a header row
    right above name the columns and are decoys."""
    above: tuple[int, LayoutRole, list[int]] = (-2, OTHER, [])
    for li, here in sorted(of_line.items()):
        s, e = lines[li]
        if len(here) < 2 or "|" not in text[s:e]:
            continue
        cells, pos = [], s
        for part in text[s:e].split("|"):
            cells.append((pos, pos + len(part)))
            pos += len(part) + 1
        label = text[slice(*cells[0])].strip()
        kind = _header_kind(label) if len(label) <= _MAX_HEAD else None
        if kind is None or any(cells[0][0] <= spans[i].start < cells[0][1] for i in here):
            continue
        dated = []
        for cs, ce in cells[1:]:
            inside = [i for i in here if cs <= spans[i].start < ce]
            if not text[cs:ce].strip():
                continue
            cell = _cell(text, (cs, ce), inside, spans)
            if cell is None or cell < 0 or spans[cell].vague:
                break
            dated.append(cell)
        else:
            if len(dated) >= 2:
                out.update((i, kind) for i in dated if i not in out)
                prev_li, prev_kind, prev_dated = above
                if prev_li != li - 1 and "|" in text[slice(*lines[li - 1])]:
                    # a header row of dated columns ("Autumn Allocation 1 October 2023 | …"):
                    # the periods the deadlines are for, no bounds themselves
                    out.update((i, DECOY) for i in of_line.get(li - 1, []) if i not in out)
                rows_pair = prev_li == li - 1 and (prev_kind, kind) == (OPEN, CLOSE)
                if rows_pair and len(prev_dated) == len(dated):
                    pairs.update(zip(dated, prev_dated, strict=True))
                above = (li, kind, dated)


def _dated_rows(
    text: str,
    lines: list[tuple[int, int]],
    of_line: dict[int, list[int]],
    spans: Sequence[Span],
    out: dict[int, LayoutRole],
) -> None:
    """A "|" row that starts with a date and then names it: "| Thursday 14th April 2022 at
    11:00 GMT | Call opening |", "| Wednesday 1st June at 17:00 GMT | Submission deadline |".
    The label cell after the date says what that date is, as a label before it would."""
    for li, here in of_line.items():
        s, e = lines[li]
        if len(here) != 1 or here[0] in out or "|" not in text[s:e]:
            continue
        cells, pos = [], s
        for part in text[s:e].split("|"):
            if part.strip():
                cells.append((pos, pos + len(part)))
            pos += len(part) + 1
        sp = spans[here[0]]
        if len(cells) < 2 or not cells[0][0] <= sp.start < cells[0][1]:
            continue
        rest = text[cells[0][0] : sp.start] + text[sp.end : cells[0][1]]
        if _CELL_TRIM_RE.sub("", _ZONE_RE.sub("", rest)):
            continue
        label = text[slice(*cells[1])].strip()
        kind = _header_kind(label) if len(label) <= _MAX_HEAD else None
        if kind == DECOY or kind is not None and not sp.vague:
            out[here[0]] = kind


def _columns(
    text: str,
    lines: list[tuple[int, int]],
    of_line: dict[int, list[int]],
    spans: Sequence[Span],
    out: dict[int, LayoutRole],
) -> None:
    """A header block of short dateless lines, then rows of a name line and date-only lines."""
    n, li, done = len(lines), 0, -1
    while li < n:
        li = max(li, done + 1)  # every pass starts past the previous one
        if li >= n:
            break
        head = done = li
        while li < n and li not in of_line and lines[li][1] - lines[li][0] <= _MAX_HEAD:
            li += 1
        if li == head:  # no header block here (`lines[head : li - 1]` would wrap around)
            li += 1
            continue
        end = _header_rows(text, lines[head:li], li, lines, of_line, spans, out)
        if end > li:
            li = done = end
            continue
        headers = [text[s:e] for s, e in lines[head : li - 1]]
        kinds = [
            CLOSE if _CLOSE_HEAD_RE.search(h) else OPEN
            for h in headers
            if _CLOSE_HEAD_RE.search(h) or _OPEN_HEAD_RE.search(h)
        ]
        # One date column after a name column ("Soort subsidie / Uiterste datum", then per
        # row "Jaarlijkse subsidie / Uiterlijk 1 augustus …"): its cells may carry words.
        single = len(kinds) == 1 and _single_column(headers)
        if len(headers) < 2 or (len(kinds) < 2 and not single):
            li = max(li, head + 1)
            continue
        li -= 1  # the last dateless line before the dates names the first row
        first_name: str | None = None
        row_name, column = "", 0
        while li < n:
            s, e = lines[li]
            here = of_line.get(li, [])
            only_date = len(here) == 1 and not _TRIM_RE.sub("", text[s:e].replace(
                text[spans[here[0]].start : spans[here[0]].end], "")).strip()  # fmt: skip
            if not here:
                row_name, column = text[s:e].strip().lower(), 0
            elif (only_date or single and len(here) == 1) and row_name:
                i = here[0]
                first_name = row_name if first_name is None else first_name
                if row_name != first_name and single:
                    out[i] = OTHER  # a row of another scheme, whatever words its cell has
                elif not spans[i].cued and column < len(kinds):
                    out[i] = kinds[column] if row_name == first_name else OTHER
                column += 1
            else:
                break
            li += 1


# A header that names the rows of a table: "Soort subsidie", "Regeling", "Type of grant".
_NAME_HEAD_RE = re.compile(
    r"^(?:soort|type|naam|regeling|subsidie(?:vorm|soort)?|onderdeel|scheme|grant|programme)\b"
    r"[\w\s]{0,25}$",
    _I,
)


def _single_column(headers: list[str]) -> bool:
    """Say whether a header block ends with a name header and one date header after it."""
    named = [h.strip() for h in headers if h.strip() and h.strip() not in ("[…]", "[...]")]
    return len(named) >= 2 and bool(_NAME_HEAD_RE.match(named[-2]))


# Date columns named in one header line ("Grant Type Opening Date Closing Date").
_DATE_COLUMN_RE = re.compile(
    r"(?P<open>\b(?:opening|start|begin)\s*dat(?:e|um)\b|\b(?:openings|start|begin)datum\b"
    # the applications as the subject ("Applications Open  Applications Close  Funding Decision")
    r"|\bapplications?\s+open(?:s|ing)?\b)"
    r"|(?P<close>\b(?:closing|end|submission)\s*dat(?:e|um)\b|\bdeadline\b"
    r"|\b(?:sluitings|eind|indien)datum\b|\bapplications?\s+clos(?:e|es|ing)\b)"
    # the call as the column's subject ("Opening oproep Sluiting oproep Streefdata …")
    r"|(?P<call_open>\b(?:opening|openstelling|start)\s+(?:van\s+de\s+)?(?:oproep|call|ronde|round)\b)"
    r"|(?P<call_close>\b(?:sluiting|closing|einde)\s+(?:van\s+de\s+)?(?:oproep|call|ronde|round)\b)"
    # a column of assessment or decision dates: its cells are decoys (guide 8)
    r"|(?P<decoy>\b\w*beoordel\w*|\bevaluat\w*|\bdecision\s+dates?\b|\bbesluit\w*"
    # a column of meeting or decision days ("Deadline date Trustee meeting date", "Funding
    # Decision Made"): when the board sits, not when applying ends
    r"|\bmeeting\s+dates?\b|\b(?:funding\s+)?decisions?\s+made\b)",
    _I,
)
_ROW_GAP_RE = re.compile(r"[\s|/–—-]*")
# Two dates of one cell: a range ("15/11/2021 - 10/12/2021" under "Streefdata beoordelingsperiode").
_CELL_RANGE_RE = re.compile(r"\s*[-–—]\s*")


def _column_kind(mt: re.Match[str]) -> LayoutRole:
    if mt["decoy"]:
        return DECOY
    return OPEN if mt["open"] or mt["call_open"] else CLOSE


def _same_table_row(line: str, first_name: str) -> bool:
    """Say whether a line starts with the first word of the table's first row name ("oproep
    3 …" under "oproep 1 …"): a row of the same table, whatever its cells."""
    head = first_name.split()[:1]
    return bool(head) and line.strip().lower().split()[:1] == head


def _cells(text: str, here: list[int], spans: Sequence[Span]) -> list[list[int]]:
    """Group a row's dates into cells: two dates joined by a dash are one cell's range."""
    cells: list[list[int]] = []
    for i in here:
        if cells and _CELL_RANGE_RE.fullmatch(text, spans[cells[-1][-1]].end, spans[i].start):
            cells[-1].append(i)
        else:
            cells.append([i])
    return cells


def _inline_header(
    text: str,
    lines: list[tuple[int, int]],
    of_line: dict[int, list[int]],
    spans: Sequence[Span],
    out: dict[int, LayoutRole],
) -> None:
    """A header line naming two or more date columns, then rows of a name and one date per
    column at the end of the line ("Grant Type Opening Date Closing Date" / "Climate Action
    19 May 2016 07 September 2016 at 16:00"): the first row is the labelled scheme (guide 2),
    the other rows are decoys."""
    n = len(lines)
    for li in range(n - 1):
        if li in of_line:
            continue
        s, e = lines[li]
        columns = list(_DATE_COLUMN_RE.finditer(text, s, e))
        kinds = [_column_kind(mt) for mt in columns]
        if len(kinds) < 2 or e - s > 120 or all(k == DECOY for k in kinds):
            continue
        # the name column may come last ("Startdatum Einddatum Maatregel" / "7 mei 20 juni
        # (17.00 uur) 2.1 Kennisoverdracht landbouw"): the row's name then follows its dates
        name_last = (
            bool(text[columns[-1].end() : e].strip()) and not text[s : columns[0].start()].strip()
        )
        # no name column at all ("Applications Open Applications Close …"): the rows are the
        # rounds of one scheme and start with their dates
        nameless = not name_last and not text[s : columns[0].start()].strip()
        first_name: str | None = None
        for row in range(li + 1, n):
            rs, re_ = lines[row]
            here = of_line.get(row, [])
            if not here and not text[rs:re_].strip():
                continue
            if any(spans[i].vague for i in here):
                break
            cells = _cells(text, here, spans) if here else []
            # the last cells may hold words, no date: under decoy columns ("1 November 15
            # February End of May" under "… Funding Decision Made"), or a placeholder for the
            # last date ("1 March 2026 to be confirmed"): the row reads without them
            worded = _worded_tail(text, cells, kinds, spans, re_)
            if (len(cells) != len(kinds) and not worded) or (
                len(here) > len(kinds) and DECOY not in kinds
            ):
                # a range in a cell only under a decoy column (an assessment period); a row
                # of the same table with a garbled date ("Oproep 3 22/112021 …") is skipped
                if first_name and _same_table_row(text[rs:re_], first_name):
                    continue
                break
            gaps = [(a[-1], b[0]) for a, b in zip(cells, cells[1:], strict=False)]
            bounds = [(spans[a].end, spans[b].start) for a, b in gaps]
            trailing = name_last and not text[rs : spans[here[0]].start].strip()
            if trailing:
                bounds.append((rs, spans[here[0]].start))
            elif not worded:
                bounds.append((spans[here[-1]].end, re_))
            if any(_ROW_GAP_RE.fullmatch(text, a, b) is None for a, b in bounds):
                break
            name_span = (spans[here[-1]].end, re_) if trailing else (rs, spans[here[0]].start)
            name = text[name_span[0] : name_span[1]].strip().lower()
            if not name and not nameless:
                break
            first_name = name if first_name is None else first_name
            # rounds of the one scheme ("Oproep 1", "Oproep 2") are its windows (guide 6)
            other = name != first_name and _other_name(name, first_name)
            for cell, kind in zip(cells, kinds[: len(cells)], strict=True):
                for i in cell:
                    # the row holds only its name and the cells, so a cue the lines above
                    # seemed to give ("Sluiting oproep" read as a label) is the header's
                    if i not in out:
                        out[i] = OTHER if other and kind != DECOY else kind


_WORDED_CELL_RE = re.compile(r"[ \t]+[A-Za-z][\w ]{0,30}")
# A last cell saying its date is not known yet ("Opening date Closing date" / "1 March 2026 to be
# confirmed", "n.t.b.", "volgt"): the row's dates fill the columns before it.
_PLACEHOLDER_CELL_RE = re.compile(
    r"[ \t]+\(?(?:to\s+be\s+(?:confirmed|announced|determined|decided)|tb[acd]|not\s+yet\s+known"
    r"|nog\s+niet\s+bekend|n\.?\s?t\.?\s?b\.?|nader\s+te\s+bepalen|nog\s+te\s+bepalen"
    r"|volgt(?:\s+nog)?)\)?\s*\.?",
    re.IGNORECASE,
)


def _worded_tail(
    text: str, cells: list[list[int]], kinds: list[LayoutRole], spans: Sequence[Span], end: int
) -> bool:
    """Say whether a row lacks only its last columns and ends in a short worded cell: words
    under decoy columns ("End of May" under "Decision Made"), or a placeholder for the last
    date under any column ("to be confirmed")."""
    if not cells or not len(cells) < len(kinds):
        return False
    tail = spans[cells[-1][-1]].end
    if len(cells) == len(kinds) - 1 and _PLACEHOLDER_CELL_RE.fullmatch(text, tail, end):
        return True
    if any(k != DECOY for k in kinds[len(cells) :]):
        return False
    return bool(_WORDED_CELL_RE.fullmatch(text, tail, end))


def _header_kind(header: str) -> LayoutRole | None:
    """Return what a header makes the dates below it; None for a name or other column."""
    if _DECOY_HEAD_RE.search(header):
        return DECOY
    if _CLOSE_HEAD_RE.search(header):
        return CLOSE
    return OPEN if _OPEN_HEAD_RE.search(header) else None


def _cell(text: str, line: tuple[int, int], here: list[int], spans: Sequence[Span]) -> int | None:
    """Return -1 for a dateless cell, the mention index for a date-only cell, else None."""
    s, e = line
    if not here:
        return -1
    if len(here) > 1:
        return None
    sp = spans[here[0]]
    rest = text[s : sp.start] + text[sp.end : e]
    return None if _CELL_TRIM_RE.sub("", rest) else here[0]


def _header_rows(
    text: str,
    block: list[tuple[int, int]],
    first: int,
    lines: list[tuple[int, int]],
    of_line: dict[int, list[int]],
    spans: Sequence[Span],
    out: dict[int, LayoutRole],
) -> int:
    """A header row whose cells stand one per line, then rows of one cell per header, in the
    header's column order ("Startdatum / Einddatum / Maatregel / 7 mei / 20 juni / 2.1 …").

    The block of short dateless lines before the first date may start with a title, so each
    of its tails is tried as the header row; the one that reads the most cells wins. Return
    the line after the last row read, or `first` when the lines do not read as such a table:
    the cells must fill whole rows up to the first line that does not fit its column.
    """
    headers = [text[s:e].strip() for s, e in block if text[s:e].strip()]
    cells = []  # (line index, -1 or mention index)
    li = first - 1
    for li in range(first, len(lines)):
        if not text[lines[li][0] : lines[li][1]].strip():
            continue
        kind = _cell(text, lines[li], of_line.get(li, []), spans)
        if kind is None:
            break
        cells.append((li, kind))
    best: tuple[int, list[LayoutRole | None]] = (0, [])
    for j in range(len(headers) - 1):
        kinds = [_header_kind(h) for h in headers[j:]]
        if not {OPEN, CLOSE} & set(kinds):
            continue
        n, read = len(kinds), 0
        for k, (_, cell) in enumerate(cells):
            if (cell < 0) != (kinds[k % n] is None) or (cell >= 0 and spans[cell].vague):
                break
            read = k + 1
        # A row cut short means the columns were misread (the last line of the block may be
        # the first row's name, as `_columns` reads it).
        if read % n == 0 and read > best[0]:
            best = (read, kinds)
    read, kinds = best
    if not read:
        return first
    n = len(kinds)
    first_name: str | None = None
    for r in range(0, read, n):
        row = cells[r : r + n]
        name = " ".join(text[slice(*lines[li])].strip().lower() for li, c in row if c < 0)
        first_name = name if first_name is None else first_name
        for (_, cell), column in zip(row, kinds, strict=True):
            if cell >= 0 and column is not None:
                out[cell] = column if name == first_name or column == DECOY else OTHER
    return cells[read - 1][0] + 1


def _repeats(text: str, lines: list[tuple[int, int]], li: int) -> str:
    """Return line li (stripped) if the line two below repeats it, else ""."""
    line = text[slice(*lines[li])].strip()
    if li + 2 < len(lines) and text[slice(*lines[li + 2])].strip() == line:
        return line
    return ""


# Words in which rows of one scheme differ: its rounds ("Round 1", "Voorjaarsronde", "tranche 2").
_ROUND_TOKEN_RE = re.compile(
    r"\w*ronde|rounds?|tranches?|tijdvak\w*|fase|phases?|stages?|cut-?offs?|\w*\d\w*"
    r"|eerste|tweede|derde|vierde|first|second|third|fourth|spring|autumn|voorjaar|najaar",
    _I,
)


def _other_name(name: str, first: str) -> bool:
    """Say whether a row's name is another scheme's than the first row's: the words they differ
    in are not round words or numbers ("the erc synergy call …" after "the erc starting grant
    call …"; not "round 2 …" after "round 1 …")."""
    differ = set(name.split()) ^ set(first.split())
    return bool(differ) and not any(_ROUND_TOKEN_RE.fullmatch(w) for w in differ)


def _field_label(name: str) -> bool:
    """Say whether a row's name is a short opening or closing label ("opening date", "deadline
    date"), a field of the one call, not the name of another."""
    return len(name.split()) <= 3 and bool(
        _OPEN_HEAD_RE.search(name) or _CLOSE_HEAD_RE.search(name)
    )


# The line after a list of bare dates that names them as closing dates ("Make sure that your
# plan reaches us before the next closing date", "Zorg dat uw plan vóór de eerstvolgende
# sluitingsdatum binnen is").
_NEXT_CLOSE_RE = re.compile(
    r"\b(?:next|(?:eerst)?volgende)\s+(?:closing\s+date|deadline|sluitingsdatum|indiendatum"
    r"|inleverdatum)",
    _I,
)


def _named_after(
    text: str,
    lines: list[tuple[int, int]],
    of_line: dict[int, list[int]],
    spans: Sequence[Span],
    li: int,
) -> bool:
    """Say whether the list under a heading without a deadline word ("We consider applications
    four times per year, namely on:") holds only bare dates and the line after it calls them
    closing dates (Fonds 1818's rounds for residents' initiatives)."""
    rows, j, n = 0, li + 1, len(lines)
    while j < n:
        s, e = lines[j]
        here = of_line.get(j, [])
        if not text[s:e].strip():
            j += 1
            continue
        if len(here) != 1 or spans[here[0]].vague or spans[here[0]].cued:
            break
        sp = spans[here[0]]
        if _TRIM_RE.sub("", text[s : sp.start]) or _TRIM_RE.sub("", text[sp.end : e]):
            break
        rows, j = rows + 1, j + 1
    if rows < 2 or j >= n:
        return False
    s, e = lines[j]
    return bool(_NEXT_CLOSE_RE.search(text, s, e))


# A full sentence on its own line, not a bulleted row: five or more words before its first
# date and a closing full stop ("De openstelling van de definitieve aanvraag is dinsdag 4 juni
# 2024 en de einddatum donderdag 5 september 2024." under "Deadline MOOI 2024").
_WORD_RE = re.compile(r"\w+")


def _prose_row(text: str, s: int, e: int, body: str, first: int) -> bool:
    """Say whether a dated line under a heading is a sentence rather than a list row."""
    if len(body) < e - s or not text[s:e].rstrip().endswith("."):
        return False
    return len(_WORD_RE.findall(text, s, first)) >= 5


def _heading_list(
    text: str,
    lines: list[tuple[int, int]],
    of_line: dict[int, list[int]],
    spans: Sequence[Span],
    out: dict[int, LayoutRole],
) -> None:
    """Rows under a deadline heading that start or end with their date."""
    li, n = 0, len(lines)
    while li < n:
        s, e = lines[li]
        heading = text[s:e]
        starts = _CLOSE_HEAD_RE.match(heading.lstrip("·•▪*-– "))
        if (
            # a year in the heading is no row ("The cut-offs … in 2026:")
            (li in of_line and not all(spans[j].vague for j in of_line[li]))
            or not (
                _CLOSE_HEAD_RE.search(heading)
                or (
                    heading.rstrip().endswith(":") and _named_after(text, lines, of_line, spans, li)
                )
            )
            or not (starts or _ANNOUNCES_RE.search(heading))
        ):
            li += 1
            continue
        li += 1
        first_name: str | None = None
        note: str | None = None
        while li < n:
            s, e = lines[li]
            here = of_line.get(li, [])
            if not here and text[s:e].strip() == "|":
                li += 1  # a cell border left on its own line by a flattened table
                continue
            if not here:
                if first_name is None and (e - s <= _MAX_HEAD or text[s:e] in ("[…]", "[...]")):
                    li += 1  # a sub-heading or an elision before the first row
                    continue
                line = text[s:e].strip()
                shared = note or _repeats(text, lines, li)
                if first_name == "" and li + 1 in of_line and shared == line:
                    note = line  # "7 January 2026\nAccelerator Open Accelerator Challenges\n…":
                    li += 1  # the same line under every bare date says what it is for
                    continue
                break
            # cell borders of a flattened table ("| 4. March 2026 |") are no part of the row
            body = text[s:e].lstrip("·•▪*-– |")
            start_at = e - len(body)
            if _prose_row(text, s, e, body, spans[here[0]].start):
                break  # a sentence under the heading says itself what its dates are
            i = next((j for j in here if spans[j].start == start_at), None)
            if i is None and _TRIM_RE.sub("", text[spans[here[-1]].end : e]).strip(" .|") == "":
                i = here[-1]
            if i is None:
                break
            name = _name(text, (s, e), [spans[j] for j in here]).strip(" .|")
            first_name = name if first_name is None else first_name
            if not spans[i].cued and i not in out:
                # rows that differ only in their round ("Ronde 1: …", "Ronde 2: …") are one
                # scheme's rounds (guide 6), like cued rows below
                out[i] = CLOSE if not _other_name(name, first_name) else OTHER
            elif (
                i not in out
                and not text[s : spans[i].start].rstrip().endswith(":")  # a "Label: date" field
                and not _field_label(name)  # "Opening date    12 January 2022" (F&T portal)
                and _other_name(name, first_name)
            ):
                out[i] = OTHER  # "• The ERC Synergy Call will be extended from … to …"
            li += 1
