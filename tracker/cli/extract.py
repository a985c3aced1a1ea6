"""`tracker extract`: read scheme text on stdin, write its application windows as JSON.

No network and no files: stdin to stdout only, so scrapers and checks can pipe into it.
The typer command in `tracker.cli.main` is a thin wrapper around `run_extract`.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from tracker.windows import extract_windows

logger = logging.getLogger(__name__)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_ID_RE = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)')


def today_in_amsterdam() -> date:
    """Return today's date where the schemes live, not where the server runs."""
    return datetime.now(AMSTERDAM).date()


def _extract_line(line: str, default_today: date) -> dict[str, Any]:
    """Handle one JSON line; errors become an object with "error" so the batch goes on."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        salvaged = _ID_RE.search(line)  # keep the id so the caller can match the error up
        head = {"id": json.loads(salvaged.group(1))} if salvaged else {}
        return head | {"error": f"invalid JSON: {exc.msg}"}
    if not isinstance(item, dict):
        return {"error": "each line must be a JSON object"}
    result: dict[str, Any] = {"id": item["id"]} if "id" in item else {}
    text = item.get("text")
    if not isinstance(text, str):
        return result | {"error": "missing or non-string 'text'"}
    try:
        today = date.fromisoformat(item["today"]) if item.get("today") else default_today
    except (TypeError, ValueError):
        return result | {"error": "invalid 'today', expected YYYY-MM-DD"}
    return result | extract_windows(text, today).to_json()


def run_extract(stdin: TextIO, stdout: TextIO, today: date | None, jsonl: bool) -> int:
    """Run the extract command; return the process exit code."""
    reference = today or today_in_amsterdam()
    if not jsonl:
        stdout.write(json.dumps(extract_windows(stdin.read(), reference).to_json(),
                                ensure_ascii=False) + "\n")  # fmt: skip
        return 0
    for raw in stdin:
        line = raw.strip()
        if not line:
            continue
        out = _extract_line(line, reference)
        if "error" in out:  # reported in-band; the batch goes on
            logger.warning("extract: %s", out["error"])
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0
