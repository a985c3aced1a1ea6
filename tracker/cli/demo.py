"""``tracker demo``: replay bundled payloads locally, scrape them, show the result.

The payloads under tests/fixtures are written on the real structures of each source with
real facts (see tests/fixtures/README.md). Sources without a bundled payload are left out of
the demo. Nothing leaves the machine: every source URL is pointed at the loopback replay
server.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.config import Config, HttpConfig, ReviewConfig, SourceConfig
from tracker.db import make_engine, session_scope
from tracker.ingest.pipeline import run_sources
from tracker.models import Publication, Scheme, Window
from tracker.ops.replay import ReplayServer, load_routes

logger = logging.getLogger(__name__)

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
MANIFEST = FIXTURES / "demo.toml"


def demo_config(config: Config, server: ReplayServer, database: Path) -> Config:
    """The configured sources that have bundled payloads, pointed at the replay server."""
    served = {r.host_path for r in server.routes}
    sources: dict[str, SourceConfig] = {}
    for sid, src in config.sources.items():
        urls = src.all_urls()
        if not urls or not all(
            server.mirror(u).split("?")[0].replace(server.base_url, "") in served for u in urls
        ):
            continue
        mirrored = [server.mirror(u) for u in urls]
        sources[sid] = src.model_copy(
            update={"url": mirrored[0], "urls": tuple(mirrored[1:]), "enabled": True}
        )
    http = HttpConfig(
        **{
            **config.http.model_dump(),
            "min_delay": 0.0,
            "retries": 1,
            "backoff": 0.1,
            "allow_private_hosts": True,
        }
    )
    db = config.database.model_copy(update={"url": f"sqlite:///{database}"})
    return config.model_copy(update={"sources": sources, "http": http, "database": db})


Scrape = Callable[[Config, Engine, list[str]], object]


def run_demo(
    config: Config,
    *,
    port: int,
    serve: bool,
    database: Path,
    console: Console,
    scrape: Scrape | None = None,
    fresh: bool = False,
) -> int:
    """Replay, scrape (``scrape`` reports progress; the CLI passes its own) and serve.

    The demo database is kept between runs (users, subscriptions and corrections made in it
    survive); ``fresh`` starts from an empty one. The CLI hands its reporter in, so this
    module never imports ``tracker.cli.main``.
    """
    if not MANIFEST.exists():
        console.print(f"Demo-gegevens ontbreken: {MANIFEST}")
        return 2
    if fresh and database.exists():
        database.unlink()
        console.print(f"Nieuwe demo-database: {database} is gewist (--fresh).")
    elif database.exists():
        console.print(f"Bestaande demo-database {database} wordt bijgewerkt (--fresh begint leeg).")
    database.parent.mkdir(parents=True, exist_ok=True)
    server = ReplayServer(FIXTURES, load_routes(MANIFEST)).start()
    try:
        demo = demo_config(config, server, database)
        if not demo.sources:
            console.print("Geen bron in de configuratie heeft demo-gegevens.")
            return 2
        console.print(f"Demo: {len(demo.sources)} bronnen via {server.base_url} (alleen lokaal)")
        engine = make_engine(demo.database.url)
        if scrape is None:
            run_sources(demo, engine, list(demo.sources))
        else:
            scrape(demo, engine, list(demo.sources))
        restore_real_urls(engine, server)
        schemes, windows = summarise(engine, console, demo.review)
        if schemes == 0 or windows == 0:
            return 1
        if not serve:
            return 0
        import uvicorn

        from tracker.web.app import create_app

        web = demo.web.model_copy(update={"port": port, "base_url": f"http://127.0.0.1:{port}"})
        application = create_app(demo.model_copy(update={"web": web}), engine)
        password = _demo_account(engine)
        console.print(f"Dashboard en feeds: http://127.0.0.1:{port}/ (Ctrl-C stopt)")
        console.print(f"Inloggen als 'demo' met wachtwoord {password} (alleen deze demo)")
        uvicorn.run(application, host="127.0.0.1", port=port, log_level="warning")
        return 0
    finally:
        server.stop()


def restore_real_urls(engine: Engine, server: ReplayServer) -> int:
    """Store the real source URLs, not the replay server's (its port changes every run), so
    feeds, mail and the calendar link to the official pages. Returns the rows changed."""
    local = server.base_url + "/"
    with session_scope(engine) as session:
        rows: list[Scheme | Window | Publication] = [
            *session.exec(select(Scheme).where(col(Scheme.url).startswith(local))).all(),
            *session.exec(select(Window).where(col(Window.url).startswith(local))).all(),
            *session.exec(select(Publication).where(col(Publication.url).startswith(local))).all(),
        ]
        for row in rows:
            row.url = server.unmirror(row.url)
            session.add(row)
    return len(rows)


def _demo_account(engine: Engine) -> str:
    """The demo's staff account with a fresh random password (created on the first run)."""
    from tracker.staff.users import create_user, set_password

    password = secrets.token_urlsafe(12)
    with session_scope(engine) as session:
        if not set_password(session, "demo", password):
            create_user(session, "demo", password)
    return password


def summarise(
    engine: Engine, console: Console, review: ReviewConfig | None = None
) -> tuple[int, int]:
    from tracker.staff.review import review_queue

    with Session(engine) as session:
        schemes = session.exec(select(Scheme)).all()
        windows = session.exec(select(Window)).all()
        # what waits in Beoordelen before any stakeholder hears of it
        waiting = len(review_queue(session, review or ReviewConfig()))
    levels = Counter(s.level for s in schemes)
    regions = Counter(r for s in schemes for r in s.regions)
    table = Table(title="Demo-database")
    table.add_column("wat")
    table.add_column("aantal")
    table.add_row("regelingen", str(len(schemes)))
    table.add_row("aanvraagperiodes", str(len(windows)))
    table.add_row("ter beoordeling (Beoordelen)", str(waiting))
    for level, count in sorted(levels.items()):
        table.add_row(f"niveau {level}", str(count))
    table.add_row("provincies", ", ".join(sorted(regions)) or "-")
    console.print(table)
    return len(schemes), len(windows)
