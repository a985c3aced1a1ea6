"""Status at a reference date: from the windows first, then from status words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from tracker.windows.dates import find_mentions
from tracker.windows.model import VAGUE, ExtractedWindow
from tracker.windows.roles import CLOSING_WORDS_RE
from tracker.windows.text import clean_text

_I = re.IGNORECASE

_CONDITIONAL_RE = re.compile(
    r"\b(?:als|wanneer|zodra|indien|if|once|when|voordat)\b[^.]{0,30}$", _I
)
# Words that stop applications even inside a nominal window (budget exhausted, closed early).
STOPPED_RE = re.compile(
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


def says(rx: re.Pattern[str], text: str) -> bool:
    """Say whether the text states rx as a fact, not as a condition ("als het plafond …")."""
    return any(
        not _CONDITIONAL_RE.search(text, max(0, mt.start() - 60), mt.start())
        for mt in rx.finditer(text)
    )


def _vague_status(w: ExtractedWindow, today: date) -> str | None:
    vague = [m for m in find_mentions(w.snippet) if m.vague and m.year]
    if not vague:
        return None
    _, end = vague[0].period(vague[0].year or today.year)
    if end < today:
        return "closed"
    return "open" if CLOSING_WORDS_RE.search(w.snippet) else "upcoming"


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
    return status_of_clean(windows, today, text, says(STOPPED_RE, text))


def status_of_clean(
    windows: Sequence[ExtractedWindow], today: date, text: str, stopped: bool
) -> str:
    """Apply the status rule to already cleaned text whose stop words were looked up."""
    found = set(_states(windows, today, stopped))
    if "open" in found:
        return "open"
    if "upcoming" in found or says(_ANNOUNCED_RE, text):
        return "upcoming"
    if "closed" in found or stopped or says(_CLOSED_RE, text):
        return "closed"
    if _UPCOMING_RE.search(text):
        return "upcoming"
    return "open" if _OPEN_RE.search(text) else "unknown"


def relevant_window(
    windows: Sequence[ExtractedWindow], today: date, stopped: bool
) -> ExtractedWindow | None:
    """Pick the open window, else the next upcoming one, else the last one."""
    states = _states(windows, today, stopped)
    for w, s in zip(windows, states, strict=True):
        if s == "open":
            return w
    upcoming = [w for w, s in zip(windows, states, strict=True) if s == "upcoming"]
    if upcoming:
        return min(upcoming, key=lambda w: w.opens or w.closes or date.max)
    if not windows:
        return None
    return max(windows, key=lambda w: w.closes or w.opens or date.min)
