"""Score the extractor against labelled cases: the figures of the bench and the dev-set test.

Pure: callers read the files and pass their parsed records in. Two record shapes are accepted,
the development set's JSON lines (`reference_date`, `opens_time` …) and the project's TOML
corpus (`today`, omitted fields meaning null).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.windows.model import Extraction

FIELDS = ("opens", "opens_time", "closes", "closes_time", "status")
# The reference date is the page's own date for these bases, so weekdays resolve against it.
DATED_BASES = ("publication", "inferred")


@dataclass(frozen=True)
class Case:
    """One labelled text: the expected top-level fields at a reference date."""

    id: str
    text: str
    today: date
    published: date | None
    expected: dict[str, str | None]


@dataclass(frozen=True)
class Scores:
    """Shares in percent; `published_*` are about the cases with review false."""

    cases: int
    both_exact: float
    status: float
    times: float
    timed_cases: int
    published_share: float
    published_precision: float
    misses: tuple[str, ...]


def reference_dates(record: Mapping[str, Any], default: date) -> tuple[date, date | None]:
    """Return (today, published) of a record; ValueError/TypeError on a malformed date.

    `today` is `today` or `reference_date`; `published` is `published`, else the reference
    date when its basis says it is the page's own date (the dev set's convention).
    """
    raw = record.get("today") or record.get("reference_date")
    today = date.fromisoformat(raw) if raw else default
    published = today if raw and record.get("reference_date_basis") in DATED_BASES else None
    if record.get("published"):
        published = date.fromisoformat(record["published"])
    return today, published


def case_from_record(record: Mapping[str, Any]) -> Case:
    """Build a Case from a dev-set JSON record or a corpus TOML table."""
    today, published = reference_dates(record, date.min)
    return Case(
        id=str(record["id"]),
        text=record["text"],
        today=today,
        published=published,
        expected={f: record.get(f) for f in FIELDS},
    )


def got_fields(result: Extraction) -> dict[str, str | None]:
    """Return the top-level fields of an extraction as the labels write them."""
    got = result.to_json()
    return {f: got[f] for f in FIELDS}


def score(cases: Iterable[Case], extract: Callable[[Case], Extraction]) -> Scores:
    """Run `extract` on every case and count exact dates, status, times and publishable ones."""
    n = exact = status = timed = times = published = published_right = 0
    misses: list[str] = []
    for case in cases:
        result = extract(case)
        got, want = got_fields(result), case.expected
        n += 1
        dates_ok = got["opens"] == want["opens"] and got["closes"] == want["closes"]
        times_ok = got["opens_time"] == want["opens_time"]
        times_ok = times_ok and got["closes_time"] == want["closes_time"]
        exact += dates_ok
        status += got["status"] == want["status"]
        if want["opens_time"] or want["closes_time"]:
            timed += 1
            times += times_ok
        right = dates_ok and times_ok and got["status"] == want["status"]
        if not getattr(result, "review", True):
            published += 1
            published_right += right
        if not right:
            misses.append(case.id)
    return Scores(
        cases=n,
        both_exact=_pct(exact, n),
        status=_pct(status, n),
        times=_pct(times, timed),
        timed_cases=timed,
        published_share=_pct(published, n),
        published_precision=_pct(published_right, published),
        misses=tuple(misses),
    )


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0
