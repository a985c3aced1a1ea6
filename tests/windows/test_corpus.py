"""Table-driven tests over the labelled corpus (tests/windows/corpus.toml)."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tracker.windows import extract_windows

CORPUS = Path(__file__).with_name("corpus.toml")
CASES: list[dict[str, Any]] = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["case"]
FIELDS = ("opens", "opens_time", "closes", "closes_time", "status")


def expected(case: dict[str, Any]) -> dict[str, Any]:
    """Return the expected top-level fields of a case (omitted means null)."""
    return {f: case.get(f) for f in FIELDS}


def test_corpus_is_large_and_unique() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 150
    assert len(set(ids)) == len(ids)
    assert sum(1 for c in CASES if c["windows"] == 0) >= 40
    assert all(c.get("origin") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    # "published" (optional): the page's own date, as bench/windows.py passes it
    pub = date.fromisoformat(case["published"]) if "published" in case else None
    result = extract_windows(case["text"], date.fromisoformat(case["today"]), published=pub)
    got = result.to_json()
    assert {f: got[f] for f in FIELDS} == expected(case)
    assert len(result.windows) == case["windows"]
    if "budgets" in case:
        want = [None if b == "null" else Decimal(b) for b in case["budgets"]]
        assert [w.budget_eur for w in result.windows] == want
    for w in result.windows:
        assert w.opens is None or w.closes is None or w.opens <= w.closes
        assert 0.0 <= w.confidence <= 1.0
        assert w.snippet and len(w.snippet) <= 300
