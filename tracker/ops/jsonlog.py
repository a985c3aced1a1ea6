"""One JSON object per log line (``tracker --log-format json``), for log collectors.

Each line has ``time`` (ISO 8601, UTC), ``level``, ``logger`` and ``message``; fields passed with
``extra={...}`` are added under their own names, and an exception under ``exception``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

# attributes every LogRecord has: whatever else a record carries came from extra={...}
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: int, fmt: str) -> None:
    """Set up the root logger: ``text`` (one readable line) or ``json``."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    for old in [h for h in root.handlers if getattr(h, "tracker_handler", False)]:
        root.removeHandler(old)
    if root.handlers:  # someone else (a test harness) set logging up: leave it, as basicConfig
        return
    handler.tracker_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
