"""Turn the text of a scheme page or publication into its application windows.

Pure: no I/O and no clock (the reference date is passed in). Date tokens come from
`tracker.windows.dates`; `roles` decides which are application dates, `build` pairs and resolves
them, `status` derives the status. A wrong date in an alert is worse than no alert, so
anything not clearly about applying is dropped.
"""

from __future__ import annotations

from datetime import date

from tracker.windows.build import build_windows
from tracker.windows.model import MAX_CHARS, VAGUE, ExtractedWindow, Extraction
from tracker.windows.money import parse_budget
from tracker.windows.status import is_stopped, status_of_clean, status_on, top_window
from tracker.windows.text import clean_text

__all__ = [
    "MAX_CHARS",
    "ExtractedWindow",
    "Extraction",
    "clean_text",
    "extract_windows",
    "parse_budget",
    "status_on",
]


def extract_windows(text: str, today: date) -> Extraction:
    """Extract the application windows of a scheme text and its status at `today`."""
    cleaned = clean_text(text)
    windows = build_windows(cleaned, today)
    stopped = is_stopped(cleaned)
    top = top_window(windows, today, stopped)
    dated = top is not None and top.precision not in VAGUE
    return Extraction(
        opens=top.opens if top and dated else None,
        opens_time=top.opens_time if top and dated else None,
        closes=top.closes if top and dated else None,
        closes_time=top.closes_time if top and dated else None,
        status=status_of_clean(windows, today, cleaned, stopped),
        windows=windows,
    )
