"""Result types of window extraction; the JSON shape of `tracker extract` lives here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any

MAX_CHARS = 200_000
# "24.00 uur", "middernacht": the end of that day, written "24:00" (LABELLING.md 5).
END_OF_DAY = time(23, 59, 59, 999999)
VAGUE = ("month", "quarter", "season", "year")


@dataclass(frozen=True)
class ExtractedWindow:
    """One application window; vague windows keep their dates None and say so in precision.

    `confidence` is the probability that this window's dates and times are right; `review` is
    True when it should not be published before staff approve it.
    """

    opens: date | None
    opens_time: time | None
    closes: date | None
    closes_time: time | None
    precision: str  # "day" | "approximate" | "month" | "quarter" | "season" | "year"
    budget_eur: Decimal | None
    snippet: str
    confidence: float
    review: bool = True
    year_inferred: bool = False  # no year written anywhere near: taken from the reference date
    # The period a vague window may cover, for ordering and status only (never published).
    period_start: date | None = None
    period_end: date | None = None
    stopped: bool = False  # a stop phrase ("budget op", "is afgesloten") is about this window


@dataclass(frozen=True)
class Evidence:
    """Counts about the date mentions of a text that bear on how sure an extraction is."""

    mentions: int = 0
    dropped: int = 0  # date mentions not taken as application dates
    decoys: int = 0  # mentions in a decoy context (publication, decision, info day …)
    vague: int = 0  # month, quarter, season or year-part mentions
    superseded: int = 0  # dates replaced by others ("uitgesteld naar")
    # dates with an application cue that a decoy cue governs, or rows of another scheme, whose
    # day is not one of the windows' bounds: real rivals of the chosen dates
    competing: int = 0
    # dash-joined pairs under a closing label: a range or two deadlines (never published unseen)
    ambiguous: int = 0
    # ranges written backwards with both years ("van 4 juni 2019 tot en met 13 december 2018"):
    # a typo in the text, so neither end can be trusted unseen
    backwards: int = 0


@dataclass(frozen=True)
class Extraction:
    """All windows in a text plus the top-level one and the status at the reference date.

    `confidence` (0-1) is the calibrated probability that the top-level dates, times and the
    status are all right; `review` is True when that is not sure enough to publish, and
    `reasons` says why (conflicting candidates, vague date, decoy nearby, unknown year …).
    """

    opens: date | None
    opens_time: time | None
    closes: date | None
    closes_time: time | None
    status: str  # "open" | "closed" | "upcoming" | "unknown"
    windows: tuple[ExtractedWindow, ...]
    confidence: float = 0.0
    review: bool = True
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the stable JSON object of `tracker extract`."""
        return {
            "opens": _iso(self.opens),
            "opens_time": _hhmm(self.opens_time),
            "closes": _iso(self.closes),
            "closes_time": _hhmm(self.closes_time),
            "status": self.status,
            "confidence": self.confidence,
            "review": self.review,
            "reasons": list(self.reasons),
            "windows": [
                {
                    "opens": _iso(w.opens),
                    "opens_time": _hhmm(w.opens_time),
                    "closes": _iso(w.closes),
                    "closes_time": _hhmm(w.closes_time),
                    "precision": w.precision,
                    "budget_eur": float(w.budget_eur) if w.budget_eur is not None else None,
                    "snippet": w.snippet,
                    "confidence": w.confidence,
                    "review": w.review,
                }
                for w in self.windows
            ],
        }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _hhmm(t: time | None) -> str | None:
    if t == END_OF_DAY:
        return "24:00"
    return t.strftime("%H:%M") if t else None
