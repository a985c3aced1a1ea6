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


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in ("tracker", "feeds", "scrapers"):
        for path in (REPO / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _all_imported(path: Path) -> set[str]:
    """Every absolute module name imported anywhere in the file (functions included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _top_level_imports(path: Path, known: set[str]) -> set[str]:
    """Project modules imported when the module is executed (not in functions or TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & known
            # "from package import submodule" needs the submodule; the package is its parent,
            # already being imported, so it is no edge of its own
            names |= submodules if len(submodules) == len(node.names) else {node.module}
    return {n for n in names if n in known}


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_core_never_imports_the_web_or_the_cli() -> None:
    for name, path in _modules().items():
        if not _within(name, "tracker") or _within(name, "tracker.web"):
            continue
        if _within(name, "tracker.cli") or name == "tracker.__main__":
            continue
        bad = {
            n for n in _all_imported(path) if _within(n, "tracker.web") or _within(n, "tracker.cli")
        }
        assert not bad, f"{name} imports {sorted(bad)}"


def test_feeds_never_import_the_web() -> None:
    for name, path in _modules().items():
        if _within(name, "feeds"):
            bad = {n for n in _all_imported(path) if _within(n, "tracker.web")}
            assert not bad, f"{name} imports {sorted(bad)}"


def test_store_and_detect_import_nothing_from_the_alert_side() -> None:
    modules = _modules()
    for name in ("tracker.ingest.store", "tracker.ingest.merge", "tracker.ingest.normalise"):
        bad = {n for n in _all_imported(modules[name]) if _within(n, "tracker.alerts")}
        assert not bad, f"{name} imports {sorted(bad)}"
    for name, path in modules.items():
        if _within(name, "tracker.detect"):
            bad = {n for n in _all_imported(path) if _within(n, "tracker.alerts")
                   or _within(n, "tracker.ingest") or _within(n, "tracker.staff")}  # fmt: skip
            assert not bad, f"{name} imports {sorted(bad)}"


def test_the_import_graph_has_no_cycle() -> None:
    modules = _modules()
    known = set(modules)
    graph = {name: _top_level_imports(path, known) - {name} for name, path in modules.items()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                cycle = trail[trail.index(dep) :] + [dep] if dep in trail else [name, dep]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep, [*trail, dep])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert "tracker.detect" in graph and graph["tracker.alerts.lifecycle"], "the graph was read"


def test_read_side_and_cli_stay_off_dashboard_internals() -> None:
    """The JSON API and the CLI use tracker.read, never the dashboard; demo never imports the
    CLI that starts it (not even inside a function)."""
    modules = _modules()
    for name, path in modules.items():
        users = ("tracker.read", "tracker.cli", "tracker.web.api_routes", "feeds")
        if any(_within(name, prefix) for prefix in users):
            bad = {n for n in _all_imported(path) if _within(n, "tracker.web.dashboard")}
            assert not bad, f"{name} imports {sorted(bad)}"
    assert "tracker.cli.main" not in _all_imported(modules["tracker.cli.demo"])
