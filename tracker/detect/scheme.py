"""Scheme changes: a new scheme, a renamed one, and one whose every publication disappeared."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta

from tracker.detect.change import Change
from tracker.models import EventKind, Scheme


def scheme_new(scheme: Scheme) -> Change:
    assert scheme.id is not None
    return Change(EventKind.SCHEME_NEW, scheme.id, after={"title": scheme.title})


def title_key(title: str) -> str:
    """A title's meaning: compatibility form, case, punctuation and spacing left out.

    'Subsidie Energie-besparing  2026' and 'subsidie energie besparing 2026.' are one name.
    """
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def scheme_renamed(scheme: Scheme, before: str) -> Change | None:
    """The scheme's title changed in meaning since ``before`` (never on formatting only).

    The occurrence holds both names (as ``title_key``): the same rename is told once, also
    when a source flaps between two names; a rename back is a rename of its own.
    """
    old, new = title_key(before), title_key(scheme.title)
    if not old or old == new:
        return None
    assert scheme.id is not None
    occurrence = f"{_digest(old)}:{_digest(new)}"
    return Change(EventKind.SCHEME_RENAMED, scheme.id, None, occurrence,
                  before={"title": before}, after={"title": scheme.title})  # fmt: skip


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def scheme_removed(
    scheme: Scheme,
    missing_runs: Sequence[int],
    removal_runs: int,
    now: datetime,
    *,
    missing_since: Sequence[datetime | None] | None = None,
    removal_days: float = 0,
) -> Change | None:
    """Removed once every publication was absent from ``removal_runs`` healthy runs and, when
    ``missing_since`` is given, first absent at least ``removal_days`` before ``now``.

    ``missing_runs`` holds the absence count of each of the scheme's publications,
    ``missing_since`` (same order) when each was first counted absent: runs in quick
    succession alone never remove a scheme.
    """
    if scheme.removed_at is not None or not missing_runs:
        return None
    if any(count < removal_runs for count in missing_runs):
        return None
    if missing_since is not None:
        settled = now - timedelta(days=removal_days)
        if any(since is None or since > settled for since in missing_since):
            return None
    assert scheme.id is not None
    return Change(EventKind.SCHEME_REMOVED, scheme.id, None, now.date().isoformat(),
                  after={"title": scheme.title})  # fmt: skip
