"""What a source's stored items depend on besides its pages: its configuration and the code
that parses and normalises them.

A run whose pages all answered 304 (or came back the same) skips storing them; that is only
right while this digest stays the same. After a config fix (level, regions, themes, the
publisher) or a new extractor, the next run stores the unchanged pages again, so the fix
reaches the stored schemes without waiting for a page to change.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from tracker.config import Config
from tracker.ingest import parsecache

_ROOT = Path(__file__).resolve().parents[1]
# the code between a parsed item and its stored rows (the scrapers are in parsecache's hash)
_NORMALISING = ("windows", "ingest/normalise.py", "ingest/tagging.py")
# settings that do not change what is stored
_NOT_STORED = {"title", "schedule", "enabled", "verified", "verified_note", "max_pages"}


@cache
def _code_version() -> str:
    digest = hashlib.sha256(parsecache.code_version().encode())
    for part in _NORMALISING:
        path = _ROOT / part
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def source_digest(config: Config, source_id: str) -> str:
    """The digest of what ``source_id``'s items are stored with under ``config``."""
    settings = config.sources[source_id].model_dump(mode="json", exclude=_NOT_STORED)
    blob = json.dumps(
        [settings, config.themes, config.doelgroepen, _code_version()], sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:32]
