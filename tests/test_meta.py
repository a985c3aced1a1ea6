"""The codebase agrees with itself: registry, fixtures, tests, config and import direction."""

from __future__ import annotations

import ast
from pathlib import Path

import scrapers
from tracker.config import load_config

REPO = Path(__file__).resolve().parents[1]


def test_every_scraper_has_fixtures_tests_and_docs() -> None:
    for name, cls in scrapers.all_scrapers().items():
        assert (REPO / "tests" / "fixtures" / name).is_dir() or name in {"html_list"}, name
        assert (REPO / "tests" / "scrapers" / f"test_{name}.py").exists(), name
        doc = cls.__doc__ or ""
        assert "verified" in doc.lower() or "last checked" in doc.lower(), f"{name}: docstring"
        assert cls.title, name


def test_every_configured_source_resolves_to_a_scraper() -> None:
    config = load_config(REPO / "config.toml")
    known = scrapers.all_scrapers()
    for source_id in config.sources:
        assert config.scraper_name(source_id) in known, source_id


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_scrapers_import_nothing_from_tracker_or_the_network() -> None:
    forbidden = {"tracker", "feeds", "httpx", "sqlmodel", "sqlalchemy", "requests", "socket"}
    for path in (REPO / "scrapers").glob("*.py"):
        assert not (_imports(path) & forbidden), f"{path.name} imports {_imports(path) & forbidden}"


def test_only_fetch_module_uses_httpx() -> None:
    for path in (REPO / "tracker").rglob("*.py"):
        if path.name == "fetch.py":
            continue
        assert "httpx" not in _imports(path), path
