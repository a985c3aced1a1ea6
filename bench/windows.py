"""Accuracy and throughput of tracker.windows on the labelled corpus, next to a baseline.

The baseline is dateparser.search.search_dates: the first date found opens, the second
closes (a lone date closes). Run: .venv/bin/python bench/windows.py
"""

from __future__ import annotations

import sys
import time
import tomllib
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.windows import extract_windows  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "windows" / "corpus.toml"
# written by another author after the parser was done; see the file's header
HOLDOUT = CORPUS.with_name("holdout.toml")
Prediction = tuple[str | None, str | None, str]


def ours(text: str, today: date) -> Prediction:
    got = extract_windows(text, today).to_json()
    return got["opens"], got["closes"], got["status"]


def baseline(text: str, today: date) -> Prediction:
    from dateparser.search import search_dates

    settings = {
        "RELATIVE_BASE": _midnight(today),
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "future",
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = search_dates(text, languages=["nl", "en"], settings=settings) or []
    days = [d.date() for _, d in found]
    opens, closes = (days[0], days[1]) if len(days) >= 2 else (None, days[0] if days else None)
    if opens and closes and closes < opens:
        opens, closes = None, closes
    if closes and closes < today:
        status = "closed"
    elif opens and opens > today:
        status = "upcoming"
    elif opens or closes:
        status = "open"
    else:
        status = "unknown"
    return (opens.isoformat() if opens else None, closes.isoformat() if closes else None, status)


def _midnight(d: date) -> Any:
    from datetime import datetime

    return datetime(d.year, d.month, d.day)


def score(fn: Callable[[str, date], Prediction], cases: list[dict[str, Any]]) -> dict[str, float]:
    hits = {"opens": 0, "closes": 0, "both exact": 0, "status": 0}
    misses: list[str] = []
    for case in cases:
        opens, closes, status = fn(case["text"], date.fromisoformat(case["today"]))
        ok_open, ok_close = opens == case.get("opens"), closes == case.get("closes")
        hits["opens"] += ok_open
        hits["closes"] += ok_close
        hits["both exact"] += ok_open and ok_close
        hits["status"] += status == case["status"]
        if not (ok_open and ok_close and status == case["status"]):
            misses.append(case["id"])
    result = {k: 100.0 * v / len(cases) for k, v in hits.items()}
    result["misses"] = len(misses)
    if fn is ours and misses:
        print("  tracker.windows misses:", ", ".join(misses))
    return result


def throughput(cases: list[dict[str, Any]], seconds: float = 2.0) -> float:
    items = [(c["text"], date.fromisoformat(c["today"])) for c in cases]
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text, today in items:
            extract_windows(text, today)
        done += len(items)
    return done / (time.perf_counter() - start)


def main() -> None:
    cases = tomllib.loads(CORPUS.read_text("utf-8"))["case"]
    print(f"corpus: {len(cases)} cases ({sum(c['windows'] == 0 for c in cases)} without a window)")
    ours_score = score(ours, cases)
    t0 = time.perf_counter()
    base_score = score(baseline, cases)
    base_rate = len(cases) / (time.perf_counter() - t0)
    print(f"\n{'metric':<12}{'tracker.windows':>18}{'dateparser baseline':>22}")
    for key in ("opens", "closes", "both exact", "status"):
        print(f"{key:<12}{ours_score[key]:>17.1f}%{base_score[key]:>21.1f}%")
    print(f"{'cases wrong':<12}{ours_score['misses']:>18.0f}{base_score['misses']:>22.0f}")
    rate = throughput(cases)
    print(f"{'texts/s':<12}{rate:>18,.0f}{base_rate:>22,.0f}   (one core, single thread)")
    held = tomllib.loads(HOLDOUT.read_text("utf-8"))["case"]
    print(f"\nheld-out set: {len(held)} cases (not used to develop the parser)")
    ours_held, base_held = score(ours, held), score(baseline, held)
    for key in ("both exact", "status"):
        print(f"{key:<12}{ours_held[key]:>17.1f}%{base_held[key]:>21.1f}%")


if __name__ == "__main__":
    main()
