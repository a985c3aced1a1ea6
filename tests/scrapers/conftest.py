"""Shared helpers for scraper tests: Pages from fixture files and the real samples folder.

Real samples live outside the repository in ``../shared/samples`` (the repo root's sibling);
tests that need them skip with a reason when the folder is absent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scrapers.base import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
SAMPLES = REPO_ROOT.parent / "shared" / "samples"
FETCHED_AT = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)


def page_from_bytes(content: bytes, url: str, *, content_type: str = "") -> Page:
    """A Page holding ``content`` as fetched from ``url`` at the fixed test moment."""
    headers = {"content-type": content_type} if content_type else {}
    return Page(url=url, status=200, headers=headers, content=content, fetched_at=FETCHED_AT)


def page_from_fixture(name: str, url: str = "https://example.test/", **kwargs: str) -> Page:
    """A Page from ``tests/fixtures/<name>``."""
    return page_from_bytes((FIXTURES / name).read_bytes(), url, **kwargs)


def sample_path(name: str) -> Path:
    """Path of a real sample under ../shared/samples; skip the test when it is absent."""
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"real sample {name} not available (expected under {SAMPLES})")
    return path


def page_from_sample(name: str, url: str = "https://example.test/") -> Page:
    """A Page from a real sample file."""
    return page_from_bytes(sample_path(name).read_bytes(), url)
