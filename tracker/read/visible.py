"""The one rule for which schemes a reader sees, as SQL and as a Python predicate.

A scheme merged into another is never shown on its own (its publications live on in the
target). Hidden schemes (staff chose to hide them) and removed schemes (gone from every
source for ``removal_runs`` healthy runs, ``Scheme.removed_at``) are left out of everything
public: feeds, the calendar, pages, the API and mail. Staff lists can include them, flagged.

Events are history: the alert feed and mail keep the events of a removed scheme, because the
removal itself ("Regeling verdwenen") is news a subscriber must get. Callers that list
events therefore pass ``removed=True``. No queries are run here.
"""

from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import and_, col, true

from tracker.models import Scheme


def visible_clause(*, hidden: bool = False, removed: bool = False) -> ColumnElement[bool]:
    """SQL condition on ``Scheme``: not merged, and not hidden/removed unless allowed."""
    conditions: list[ColumnElement[bool]] = [col(Scheme.merged_into_id).is_(None)]
    if not hidden:
        conditions.append(col(Scheme.hidden).is_(False))
    if not removed:
        conditions.append(col(Scheme.removed_at).is_(None))
    return and_(true(), *conditions)


def is_visible(scheme: Scheme, *, hidden: bool = False, removed: bool = False) -> bool:
    """The same rule as ``visible_clause`` for a loaded scheme."""
    if scheme.merged_into_id is not None:
        return False
    if scheme.hidden and not hidden:
        return False
    return not (scheme.removed_at is not None and not removed)
