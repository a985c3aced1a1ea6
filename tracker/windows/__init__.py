"""Turn the text of a scheme page or publication into its application windows.

Pure: no I/O and no clock (the reference date is passed in). Date tokens come from
`tracker.windows.dates`; `roles` decides which are application dates, `build` pairs and resolves
them, `status` derives the status. A wrong date in an alert is worse than no alert, so
anything not clearly about applying is dropped.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.windows.confidence import (
    REASONS,
    confidence_of,
    needs_review,
    reasons_for,
    window_confidence,
)
from tracker.windows.model import MAX_CHARS, VAGUE, ExtractedWindow, Extraction
from tracker.windows.money import parse_budget
from tracker.windows.text import clean_text, join_wrapped_lines

if TYPE_CHECKING:
    from tracker.windows.status import status_on

# Imported on first use: `build` pulls in `roles`, `scan` and `layout`, which with `status`
# compile some sixty regular expressions (~50 ms). Importing the package for its model or
# confidence (the configuration, a scrape of unchanged pages) should not pay for that.
_LAZY = {"status_on": "tracker.windows.status"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MAX_CHARS",
    "REASONS",
    "ExtractedWindow",
    "Extraction",
    "clean_text",
    "extract_windows",
    "parse_budget",
    "status_on",
]


def extract_windows(text: str, today: date, *, published: date | None = None) -> Extraction:
    """Extract the application windows of a scheme text and its status at `today`.

    `published` is the page's own date when known (LABELLING.md 4.3: weekday words resolve
    against it; without it they stay unresolved). A stop phrase ("budget op", "is afgesloten")
    closes the window whose dates stand nearest to it. Every result carries a calibrated
    `confidence` and a `review` flag.
    """
    from tracker.windows.build import build
    from tracker.windows.status import status_of_clean, stop_positions, top_window

    cleaned = join_wrapped_lines(clean_text(text))
    stops = stop_positions(cleaned)
    windows, evidence = build(cleaned, today, published, stops)
    stopped = bool(stops)
    top = top_window(windows, today, False)
    dated = top is not None and top.precision not in VAGUE
    status = status_of_clean(windows, today, cleaned, stopped, scoped=True)
    reasons = reasons_for(top, windows, status, evidence, stopped)
    confidence = confidence_of(reasons)
    review = needs_review(confidence)
    windows = tuple(
        replace(
            w,
            confidence=(c := window_confidence(w, top, confidence)),
            review=review or needs_review(c),
        )
        for w in windows
    )
    return Extraction(
        opens=top.opens if top and dated else None,
        opens_time=top.opens_time if top and dated else None,
        closes=top.closes if top and dated else None,
        closes_time=top.closes_time if top and dated else None,
        status=status,
        windows=windows,
        confidence=confidence,
        review=review,
        reasons=reasons,
    )
