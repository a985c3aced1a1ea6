"""`run_extract` on in-memory streams: single text and JSON lines."""

from __future__ import annotations

import io
import json
from datetime import date

from tracker.cli.extract import run_extract, today_in_amsterdam
from tracker.windows.confidence import CALIBRATION

KEYS = {
    "opens",
    "opens_time",
    "closes",
    "closes_time",
    "status",
    "windows",
    "confidence",
    "review",
    "reasons",
}
WINDOW_KEYS = {
    "opens", "opens_time", "closes", "closes_time", "precision", "budget_eur", "snippet",
    "confidence", "review",
}  # fmt: skip


def run(stdin: str, today: date | None, jsonl: bool) -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO()
    code = run_extract(io.StringIO(stdin), out, today, jsonl)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_single_text_prints_one_object_with_exact_keys() -> None:
    text = "Aanvragen kan van 1 maart 2027 tot en met 31 maart 2027. Subsidieplafond € 17 miljoen."
    code, objs = run(text, date(2027, 3, 15), jsonl=False)
    assert code == 0
    [obj] = objs
    assert set(obj) == KEYS
    assert obj["opens"] == "2027-03-01" and obj["closes"] == "2027-03-31"
    assert obj["status"] == "open"
    [window] = obj["windows"]
    assert set(window) == WINDOW_KEYS
    assert window["precision"] == "day" and window["budget_eur"] == 17_000_000


def test_single_text_without_window() -> None:
    code, [obj] = run("Laatst gecontroleerd op: 5 december 2023", date(2026, 1, 1), jsonl=False)
    assert code == 0
    dates = {"opens", "opens_time", "closes", "closes_time"}
    assert {k: obj[k] for k in dates} == dict.fromkeys(dates)
    assert obj["status"] == "unknown" and obj["windows"] == []
    assert 0.0 <= obj["confidence"] <= 1.0
    assert obj["review"] is (obj["confidence"] < CALIBRATION.threshold)
    # the check date is a decoy but competes with no application date (issue 10)
    assert "decoy_nearby" not in obj["reasons"] and "no_date" in obj["reasons"]


def test_jsonl_keeps_order_ids_and_per_line_today() -> None:
    lines = [
        {"id": "a", "text": "Deadline: 4 March 2027", "today": "2027-03-05"},
        {"id": 2, "text": "Deadline: 4 March 2027"},
        {"id": "c", "text": "Deze regeling is gesloten."},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
    code, objs = run(stdin, date(2027, 1, 1), jsonl=True)
    assert code == 0
    assert [o["id"] for o in objs] == ["a", 2, "c"]
    assert [o["status"] for o in objs] == ["closed", "open", "closed"]
    assert all(set(o) == KEYS | {"id"} for o in objs)


def test_jsonl_bad_lines_report_error_and_continue() -> None:
    stdin = '{"id": "bad", "text": \n[1, 2]\n{"id": "t", "text": 5}\n'
    stdin += '{"id": "d", "text": "x", "today": "2027-13-01"}\n\n{"id": "ok", "text": "Gesloten"}\n'
    code, objs = run(stdin, date(2027, 1, 1), jsonl=True)
    assert code == 0
    assert objs[0]["id"] == "bad" and "error" in objs[0]
    assert "error" in objs[1] and "id" not in objs[1]
    assert objs[2]["id"] == "t" and "error" in objs[2]
    assert objs[3]["id"] == "d" and "error" in objs[3]
    assert {k: objs[4][k] for k in ("id", "opens", "closes", "status", "windows")} == {
        "id": "ok", "opens": None, "closes": None, "status": "closed", "windows": []
    }  # fmt: skip


def test_jsonl_prints_confidence_and_review_on_every_line() -> None:
    lines = [
        {"id": "sure", "text": "Aanvragen kan van 1 maart 2027 tot en met 31 maart 2027.",
         "today": "2027-02-01"},
        {"id": "dev-style", "text": "Het loket ging dinsdag open.", "reference_date": "2027-03-05",
         "reference_date_basis": "publication"},
    ]  # fmt: skip
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
    code, objs = run(stdin, date(2027, 1, 1), jsonl=True)
    assert code == 0
    for obj in objs:
        assert isinstance(obj["confidence"], float) and 0.0 <= obj["confidence"] <= 1.0
        assert isinstance(obj["review"], bool)
        assert all(isinstance(w["review"], bool) for w in obj["windows"])
    assert objs[0]["review"] is False and objs[0]["confidence"] >= 0.9


def test_default_today_is_amsterdam_date() -> None:
    code, [obj] = run("Deadline: 4 March 2000", None, jsonl=False)
    assert code == 0 and obj["status"] == "closed"
    assert isinstance(today_in_amsterdam(), date)
