"""Change detection: pure functions from stored state, new state and the clock to ``Change``.

The only home of "what is news": scrapes (``tracker.ingest.store``), ``tick``
(``tracker.alerts.lifecycle``) and staff edits (``tracker.staff.corrections``) ask these
functions, and ``tracker.alerts.events`` writes what they return. Dedupe keys are built in
``change.Change.dedupe_key`` only. No database session, no network, no wall clock here.

Adding an alert kind: the ``EventKind`` member, its Dutch wording in ``tracker.read.describe``
and one function here that returns its ``Change``.
"""

from tracker.detect.budget import (
    budget_exhausted,
    budget_restored,
    exhausted_windows,
    says_budget_exhausted,
)
from tracker.detect.change import Change, WindowState, money_text
from tracker.detect.clock import as_told_for, due_changes
from tracker.detect.review import review_reasons, windows_conflict
from tracker.detect.scheme import scheme_new, scheme_removed, scheme_renamed, title_key
from tracker.detect.windows import (
    Period,
    distinct_windows,
    periods,
    same_period,
    window_announced,
    window_changed,
    window_corrected,
)

__all__ = [
    "Change",
    "Period",
    "WindowState",
    "as_told_for",
    "budget_exhausted",
    "budget_restored",
    "distinct_windows",
    "due_changes",
    "exhausted_windows",
    "money_text",
    "periods",
    "review_reasons",
    "same_period",
    "says_budget_exhausted",
    "scheme_new",
    "scheme_removed",
    "scheme_renamed",
    "title_key",
    "window_announced",
    "window_changed",
    "window_corrected",
    "windows_conflict",
]
