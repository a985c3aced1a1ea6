"""`tracker extract`: read scheme text on stdin, write its application windows as JSON.

No network and no files: stdin to stdout only, so scrapers and checks can pipe into it.
The typer command in `tracker.cli.main` is a thin wrapper around `run_extract`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import date, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from tracker.windows import extract_windows
from tracker.windows.evaluate import reference_dates

logger = logging.getLogger(__name__)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_UNDECODABLE_RE = re.compile("[\udc80-\udcff]")
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
    try:  # "today"/"reference_date" and the page's "published" date, YYYY-MM-DD
        today, published = reference_dates(item, default_today)
    except (TypeError, ValueError):
        return result | {"error": "invalid 'today', expected YYYY-MM-DD"}
    return result | extract_windows(text, today, published=published).to_json()


class InputError(Exception):
    """stdin holds no usable text (empty, binary, not UTF-8); the message is Dutch."""


def _check_text(text: str) -> str:
    if "\x00" in text:
        raise InputError("de invoer is binair (bevat NUL-bytes); geef platte tekst op stdin")
    if _UNDECODABLE_RE.search(text):  # stdin decoded with surrogateescape (C locale)
        raise InputError("de invoer is geen UTF-8-tekst")
    return text


def run_extract(
    stdin: TextIO, stdout: TextIO, today: date | None, jsonl: bool, stderr: TextIO | None = None
) -> int:
    """Run the extract command; return the process exit code (2: no usable input)."""
    reference = today or today_in_amsterdam()
    try:
        return _run(stdin, stdout, reference, jsonl)
    except (InputError, UnicodeDecodeError) as exc:
        reason = str(exc) if isinstance(exc, InputError) else "de invoer is geen UTF-8-tekst"
        (stderr or sys.stderr).write(f"tracker extract: {reason}\n")
        return 2


def _run(stdin: TextIO, stdout: TextIO, reference: date, jsonl: bool) -> int:
    if not jsonl:
        text = _check_text(stdin.read())
        if not text.strip():
            raise InputError("geen invoer: geef de tekst van een regeling op stdin")
        stdout.write(json.dumps(extract_windows(text, reference).to_json(),
                                ensure_ascii=False) + "\n")  # fmt: skip
        return 0
    lines = 0
    for raw in stdin:
        line = _check_text(raw).strip()
        if not line:
            continue
        lines += 1
        out = _extract_line(line, reference)
        if "error" in out:  # reported in-band; the batch goes on
            logger.warning("extract: %s", out["error"])
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    if not lines:
        raise InputError('geen invoer: geef JSON-regels met "text" op stdin')
    return 0
