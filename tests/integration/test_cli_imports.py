"""Issue 14, fixed costs of a cron scrape: `tracker --help` and `tracker scrape` import only what
they use (no Alembic on a current database, no e-mail validator, no extractor internals, no web
app), and the migration head read from the files is the one Alembic knows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from tests.conftest import REPO_ROOT
from tracker.db import _head_from_files, alembic_config, make_engine, schema_revisions

# Run in a fresh interpreter: the test process has imported everything already.
PROBE = """
import json, sys
from typer.testing import CliRunner
from tracker.cli.main import app
args = sys.argv[1:]
code = CliRunner().invoke(app, args).exit_code if args else None
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""
NEVER = ("alembic", "email_validator", "tracker.web", "uvicorn", "fastapi", "argon2")
ONLY_WHEN_EXTRACTING = ("tracker.windows.build", "tracker.windows.roles", "tracker.windows.status")


def _probe(*args: str) -> tuple[int | None, set[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    found = json.loads(proc.stdout.splitlines()[-1])
    return found["code"], set(found["modules"])


def _loaded(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


def test_help_imports_neither_the_database_tools_nor_the_commands() -> None:
    _code, modules = _probe()
    assert not _loaded(modules, NEVER + ONLY_WHEN_EXTRACTING), _loaded(modules, NEVER)
    assert not _loaded(modules, ("tracker.cli.scrape", "tracker.ingest", "rich.table"))


def test_scrape_on_a_current_database_imports_no_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    make_engine(url).dispose()  # created and migrated here, so the scrape finds it current
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    code, modules = _probe("scrape", "--config", str(config))
    assert code == 0
    assert "tracker.ingest.pipeline" in modules  # the probe really scraped
    assert not _loaded(modules, NEVER + ONLY_WHEN_EXTRACTING), _loaded(
        modules, NEVER + ONLY_WHEN_EXTRACTING
    )


# what an html_page scrape of UTF-8 pages never needs: other scrapers' libraries, BeautifulSoup
# (CSS selectors, encoding guesses), and httpx's command line client with what it pulls in
NOT_FOR_HTML_PAGES = (
    "feedparser", "bs4", "soupsieve", "charset_normalizer", "pygments", "scrapers.feed",
    "scrapers.koop_sru", "scrapers.eu_sedia", "rich.syntax",
)  # fmt: skip


def test_scrape_of_html_pages_loads_only_their_scraper(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    make_engine(url).dispose()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n[sources.a]\nscraper = "html_page"\n'
        'url = "http://127.0.0.1:9/regeling"\nlevel = "rijk"\n',
        encoding="utf-8",
    )
    code, modules = _probe("scrape", "--config", str(config))
    assert code == 1  # nothing listens on port 9: the source failed, after its scraper loaded
    assert "scrapers.html_page" in modules
    assert not _loaded(modules, NOT_FOR_HTML_PAGES), _loaded(modules, NOT_FOR_HTML_PAGES)


def test_head_read_from_the_migration_files_is_alembics(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'h.db'}")
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None and _head_from_files() == head
    assert schema_revisions(engine) == (None, head)  # no alembic_version table yet
    engine.dispose()
    migrated = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    assert schema_revisions(migrated) == (head, head)
    migrated.dispose()
