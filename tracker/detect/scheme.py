"""Scheme changes: a new scheme, and a scheme whose every publication disappeared."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tracker.detect.change import Change
from tracker.models import EventKind, Scheme


def scheme_new(scheme: Scheme) -> Change:
    assert scheme.id is not None
    return Change(EventKind.SCHEME_NEW, scheme.id, after={"title": scheme.title})


def scheme_removed(
    scheme: Scheme, missing_runs: Sequence[int], removal_runs: int, now: datetime
) -> Change | None:
    """Removed once every publication was absent from ``removal_runs`` healthy runs.

    ``missing_runs`` holds the absence count of each of the scheme's publications.
    """
    if scheme.removed_at is not None or not missing_runs:
        return None
    if any(count < removal_runs for count in missing_runs):
        return None
    assert scheme.id is not None
    return Change(EventKind.SCHEME_REMOVED, scheme.id, None, now.date().isoformat(),
                  after={"title": scheme.title})  # fmt: skip
