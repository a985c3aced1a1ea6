"""``tracker sources``: the scrapers' documentation, limited to what a user of this repository
can open. Docstrings cite developer material that lives outside it (the shared samples and
SOURCES.md); those sentences are left out and the fixtures README is named instead.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES_README = "tests/fixtures/README.md"
_OUTSIDE = re.compile(r"SOURCES\.md|shared/samples|\.\./shared|windows-dev")
_PATH = re.compile(r"[\w./-]+\.(?:xml|json|html?|md|toml|txt|csv|py)\b")
_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-Z(\"`])")


def in_repository(path: str) -> bool:
    candidates = (REPO_ROOT / path, REPO_ROOT / "tests" / "fixtures" / path)
    return any(c.exists() for c in candidates)


def _points_outside(sentence: str) -> bool:
    if _OUTSIDE.search(sentence):
        return True
    return any(not in_repository(p.strip("./")) for p in _PATH.findall(sentence) if "/" in p)


def repository_text(text: str) -> str:
    """``text`` without the sentences that point at files outside the repository."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", inspect.cleandoc(text)):
        sentences = _SENTENCE_END.split(paragraph)
        kept = [s for s in sentences if not _points_outside(s)]
        if kept:
            paragraphs.append(" ".join(kept) if len(kept) < len(sentences) else paragraph)
    return "\n\n".join(paragraphs)


def scraper_text(doc: str | None) -> str:
    body = repository_text(doc or "")
    return f"{body}\n\nHerkomst van de testgegevens: {FIXTURES_README}."
