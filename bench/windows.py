"""Accuracy and throughput of tracker.windows, per labelled set.

Sets: the real development set (../shared/windows-dev/real.jsonl and real2.jsonl, third-party
texts; skipped when absent) and the project's own corpus (tests/windows/corpus.toml and
holdout.toml) reported separately, because the corpus was written by the same hands as the
rules. "published" is the share of cases with review false and, next to it, how many of those
are fully right (dates, times and status): the precision of what would reach stakeholders.
texts/s is per CPU second of this process (time.process_time): the machine may be shared.
Run: .venv/bin/python bench/windows.py [--misses] [--baseline]
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
import tomllib
import warnings
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.windows import Extraction, extract_windows  # noqa: E402
from tracker.windows.calibrate import Row, cross_validated, published  # noqa: E402
from tracker.windows.confidence import CALIBRATION  # noqa: E402
from tracker.windows.evaluate import (  # noqa: E402
    Case,
    Scores,
    case_from_record,
    got_fields,
    score,
)

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "windows-dev"
CORPUS = ROOT / "tests" / "windows"
_TAKES_PUBLISHED = "published" in inspect.signature(extract_windows).parameters


def load_sets() -> dict[str, list[Case]]:
    """Return the labelled sets that exist on this machine, by name."""
    sets: dict[str, list[Case]] = {}
    for name in ("real.jsonl", "real2.jsonl"):
        path = DEV / name
        if path.exists():
            lines = path.read_text("utf-8").splitlines()
            sets[f"dev/{name}"] = [case_from_record(json.loads(x)) for x in lines if x.strip()]
    for name in ("corpus.toml", "holdout.toml"):
        records = tomllib.loads((CORPUS / name).read_text("utf-8"))["case"]
        sets[f"own/{name}"] = [case_from_record(r) for r in records]
    return sets


def ours(case: Case) -> Extraction:
    if _TAKES_PUBLISHED:
        return extract_windows(case.text, case.today, published=case.published)
    return extract_windows(case.text, case.today)


OWN_WEIGHT = 0.25  # the corpus was written by the rules' authors: it counts less


def labelled_rows(sets: dict[str, list[Case]]) -> list[Row]:
    """Run the extractor on every labelled case: its reasons and whether it was fully right."""
    rows = []
    for name, cases in sets.items():
        weight = 1.0 if name.startswith("dev/") else OWN_WEIGHT
        for case in cases:
            result = ours(case)
            right = got_fields(result) == case.expected
            rows.append(Row(frozenset(result.reasons), right, weight, name))
    return rows


def cross_validated_published(sets: dict[str, list[Case]]) -> dict[str, tuple[float, float]]:
    """Published share and precision per set when each case's confidence comes from a model
    fitted without it (10-fold), at the shipped threshold."""
    rows = labelled_rows(sets)
    cv = cross_validated(rows)
    out = {}
    for name in sets:
        scored = [(c, r.right) for c, r in zip(cv, rows, strict=True) if r.group == name]
        out[name] = published(scored, CALIBRATION.threshold)
    return out


def baseline(case: Case) -> Extraction:
    """dateparser: the first date found opens, the second closes (a lone date closes)."""
    from dateparser.search import search_dates

    base = datetime(case.today.year, case.today.month, case.today.day)
    settings = {"RELATIVE_BASE": base, "DATE_ORDER": "DMY", "PREFER_DATES_FROM": "future"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = search_dates(case.text, languages=["nl", "en"], settings=settings) or []
    days = [d.date() for _, d in found]
    opens, closes = (days[0], days[1]) if len(days) >= 2 else (None, days[0] if days else None)
    if opens and closes and closes < opens:
        opens = None
    status = "unknown"
    if closes and closes < case.today:
        status = "closed"
    elif opens and opens > case.today:
        status = "upcoming"
    elif opens or closes:
        status = "open"
    return Extraction(opens, None, closes, None, status, ())


def throughput(cases: list[Case], seconds: float = 2.0) -> float:
    """Texts per CPU second of this process (one core), so other load does not count."""
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for case in cases:
            ours(case)
        done += len(cases)
    return done / (time.process_time() - start)


def _row(name: str, s: Scores, rate: float) -> str:
    review = (
        f"{s.published_share:>9.1f}%{s.published_precision:>9.1f}%"
        if hasattr(Extraction, "review") or "review" in Extraction.__dataclass_fields__
        else f"{'n/a':>10}{'n/a':>10}"
    )
    return (
        f"{name:<20}{s.cases:>6}{s.both_exact:>9.1f}%{s.status:>9.1f}%"
        f"{s.times:>8.1f}% ({s.timed_cases:>2}){review}{rate:>10,.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the ids of wrong cases")
    parser.add_argument("--baseline", action="store_true", help="also score dateparser")
    args = parser.parse_args()
    sets = load_sets()
    if not any(k.startswith("dev/") for k in sets):
        print(f"development set not found at {DEV}: reporting the project's corpus only")
    head = f"{'set':<20}{'cases':>6}{'both':>10}{'status':>10}{'times (n)':>14}"
    print(head + f"{'publ.':>10}{'publ.ok':>10}{'texts/s':>10}")
    for name, cases in sets.items():
        print(_row(name, score(cases, ours), throughput(cases, 1.0)))
    print(f"\nconfidence model cross-validated (10-fold, threshold {CALIBRATION.threshold:.2f})")
    print(f"{'set':<20}{'publ. in-sample':>18}{'publ. cv':>12}{'publ.ok cv':>12}")
    for name, (share, precision) in cross_validated_published(sets).items():
        s = score(sets[name], ours)
        print(f"{name:<20}{s.published_share:>17.1f}%{share:>11.1f}%{precision:>11.1f}%")
    if args.baseline:
        print("\ndateparser baseline")
        for name, cases in sets.items():
            print(_row(name, score(cases, baseline), 0.0))
    if args.misses:
        for name, cases in sets.items():
            misses = score(cases, ours).misses
            print(f"\n{name} wrong ({len(misses)}): {', '.join(misses)}")
    print(
        f"\nmeasured {date.today().isoformat()} on one core, single thread; texts/s counts CPU"
        " time of this process (time.process_time), so other load on a shared machine does not"
        " lower it"
    )


if __name__ == "__main__":
    main()
