"""Command line: the one place that loads config and wires the parts together.

Exit codes: 0 success, 1 a source or delivery failed, 2 bad configuration or usage.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from sqlalchemy.engine import Engine

from tracker.config import Config, load_config, masked_dump
from tracker.db import make_engine, session_scope, upgrade_schema
from tracker.errors import ConfigError

logger = logging.getLogger(__name__)

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Subsidie-tracker",
)
config_app = typer.Typer(no_args_is_help=True, help="Configuration")
db_app = typer.Typer(no_args_is_help=True, help="Database")
app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")
feeds_app = typer.Typer(no_args_is_help=True, help="Feeds")
app.add_typer(feeds_app, name="feeds")

console = Console()
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="config file (else $TRACKER_CONFIG, else ./config.toml)"),
]


def _load(path: Path | None) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        err_console.print(f"[bold red]Configuratiefout[/]: {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None


def _engine(config: Config) -> Engine:
    return make_engine(config.database.url)


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@config_app.command("check")
def config_check(config_path: ConfigOption = None) -> None:
    """Validate the configuration and print it with secrets masked."""
    config = _load(config_path)
    console.print_json(json.dumps(masked_dump(config)))
    console.print(f"[green]OK[/]: {len(config.sources)} bronnen in {config.path}")


@db_app.command("upgrade")
def db_upgrade(config_path: ConfigOption = None) -> None:
    """Apply database migrations (required before first use on PostgreSQL)."""
    config = _load(config_path)
    engine = make_engine(config.database.url, upgrade=False)
    upgrade_schema(engine)
    console.print("Database bijgewerkt.")


@app.command()
def scrape(
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="source id")] = None,
    config_path: ConfigOption = None,
) -> None:
    """Run one scrape cycle; exit 1 when any source failed."""
    config = _load(config_path)
    ids = source or config.enabled_sources()
    unknown = [s for s in ids if s not in config.sources]
    if unknown:
        err_console.print(f"Onbekende bron: {', '.join(unknown)}")
        raise typer.Exit(2)
    ok = scrape_and_report(config, _engine(config), ids)
    raise typer.Exit(0 if ok else 1)


def scrape_and_report(config: Config, engine: Engine, ids: list[str]) -> bool:
    from tracker.ingest.pipeline import RunResult, run_sources

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("Bronnen ophalen", total=len(ids))

        def done(result: RunResult) -> None:
            progress.update(task, advance=1, description=f"{result.source_id}: {result.status}")

        results = run_sources(config, engine, ids, on_done=done)
    table = Table(title="Resultaat")
    for column in ("bron", "status", "items", "nieuw", "periodes", "signalen", "verzoeken", "fout"):
        table.add_column(column)
    for r in results:
        style = "red" if r.status == "failed" else ("yellow" if r.status == "degraded" else "")
        table.add_row(
            r.source_id,
            str(r.status),
            str(r.items_found),
            str(r.schemes_new),
            str(r.windows_new),
            str(r.events_created),
            str(r.requests),
            r.error[:80],
            style=style,
        )
    console.print(table)
    for r in results:
        if r.error:
            # full messages below the table: cron mails this output and tables truncate
            console.print(f"{r.source_id}: {r.status}: {r.error}", markup=False, highlight=False)
    return all(r.status != "failed" for r in results)


@app.command()
def serve(
    config_path: ConfigOption = None,
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Serve the dashboard and feeds."""
    import uvicorn

    from tracker.web.app import create_app

    config = _load(config_path)
    application = create_app(config, _engine(config))
    uvicorn.run(application, host=host or config.web.host, port=port or config.web.port)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="port for the dashboard and feeds")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="scrape, print and exit")] = False,
    database: Annotated[Path, typer.Option(help="SQLite file for the demo")] = Path("data/demo.db"),
    config_path: ConfigOption = None,
) -> None:
    """Replay bundled source payloads from a local server, scrape them and serve the app."""
    from tracker.cli.demo import run_demo

    config = _load(config_path)
    raise typer.Exit(
        run_demo(
            config,
            port=port,
            serve=not no_serve,
            database=database,
            console=console,
            scrape=scrape_and_report,
        )
    )


@app.command()
def extract(
    today: Annotated[str | None, typer.Option(help="reference date YYYY-MM-DD")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="JSON lines in and out")] = False,
) -> None:
    """Extract application windows from text on stdin and print JSON."""
    from tracker.cli.extract import run_extract

    ref: date | None = None
    if today:
        try:
            ref = date.fromisoformat(today)
        except ValueError:
            err_console.print(f"--today: ongeldige datum {today!r}, verwacht JJJJ-MM-DD")
            raise typer.Exit(2) from None
    raise typer.Exit(run_extract(sys.stdin, sys.stdout, ref, jsonl))


@app.command()
def sources(config_path: ConfigOption = None) -> None:
    """List configured sources and the documentation of their scrapers."""
    import scrapers

    config = _load(config_path)
    table = Table(title="Bronnen")
    for column in ("bron", "scraper", "niveau", "regio's", "aan", "gecontroleerd", "url"):
        table.add_column(column)
    for sid, src in config.sources.items():
        table.add_row(
            sid,
            config.scraper_name(sid),
            src.level,
            ",".join(src.regions),
            "ja" if src.enabled else "nee",
            src.verified.isoformat() if src.verified else "nooit gecontroleerd",
            src.url,
        )
    console.print(table)
    for sid, src in config.sources.items():
        if src.verified_note:
            console.print(f"{sid}: {src.verified_note}", markup=False, highlight=False)
    for name, cls in scrapers.all_scrapers().items():
        console.print(f"[bold]{name}[/]: {cls.title}")
        console.print((cls.__doc__ or "").strip(), markup=False, highlight=False)


@app.command()
def check(
    source: Annotated[str, typer.Argument(help="source id")],
    url: Annotated[
        str | None, typer.Option(help="fetch this URL with the source's scraper")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Fetch one source and print what it would store, without writing to the database."""
    from tracker.cli.verify import run_check

    config = _load(config_path)
    if source not in config.sources:
        err_console.print(f"Onbekende bron: {source}")
        raise typer.Exit(2)
    raise typer.Exit(run_check(config, source, url, console))


@app.command()
def record(
    source: Annotated[str, typer.Argument(help="source id")],
    directory: Annotated[Path, typer.Argument(help="folder for the responses")],
    url: Annotated[
        str | None, typer.Option(help="fetch this URL with the source's scraper")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Save the live responses of one source, with their headers, as fixture files."""
    from tracker.cli.verify import run_record

    config = _load(config_path)
    if source not in config.sources:
        err_console.print(f"Onbekende bron: {source}")
        raise typer.Exit(2)
    raise typer.Exit(run_record(config, source, directory, console, url=url))


@app.command()
def tick(config_path: ConfigOption = None) -> None:
    """Emit the time-based events that are due (opening soon, opened, closing soon, closed)."""
    from tracker.alerts.lifecycle import tick as run_tick

    config = _load(config_path)
    engine = _engine(config)
    try:
        with session_scope(engine) as session:
            events = run_tick(session, config.alerts, datetime.now(UTC), config.review)
    finally:
        engine.dispose()
    console.print(f"{len(events)} nieuwe signalen.")


@app.command()
def notify(config_path: ConfigOption = None) -> None:
    """Send pending alerts, digests and confirmations over SMTP; exit 1 on delivery trouble."""
    from tracker.alerts.notify import notify as run_notify

    config = _load(config_path)
    engine = _engine(config)
    try:
        result = run_notify(config, engine)
    finally:
        engine.dispose()
    console.print(
        f"Verzonden: {result.sent}, geweigerd: {result.rejected}, uitgesteld: {result.deferred}"
    )
    if result.error:
        err_console.print(result.error, markup=False, highlight=False)
    raise typer.Exit(1 if result.error else 0)


@app.command()
def run(config_path: ConfigOption = None) -> None:
    """Run the scheduler: sources on their cron schedules, hourly tick, regular notify."""
    from tracker.ops.schedule import run_scheduler

    config = _load(config_path)
    run_scheduler(config, _engine(config))


@feeds_app.command("export")
def feeds_export(
    directory: Annotated[Path, typer.Argument(help="output directory")],
    config_path: ConfigOption = None,
) -> None:
    """Write all standard feeds (RSS, Atom, iCalendar) as static files."""
    from feeds.export import export_feeds

    config = _load(config_path)
    written = export_feeds(config, _engine(config), directory, now=datetime.now(UTC))
    console.print(f"{len(written)} bestanden geschreven naar {directory}")


users_app = typer.Typer(no_args_is_help=True, help="Staff accounts for the dashboard")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(username: str, config_path: ConfigOption = None) -> None:
    """Create a staff account; the password is asked for twice and never echoed."""
    from tracker.db import session_scope
    from tracker.staff.users import UserError, create_user

    config = _load(config_path)
    password = typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    try:
        with session_scope(_engine(config)) as session:
            user = create_user(session, username, password)
            name = user.username
    except UserError as exc:
        err_console.print(f"Niet aangemaakt: {exc}", markup=False)
        raise typer.Exit(2) from None
    console.print(f"Medewerker {name} aangemaakt.", markup=False)


@users_app.command("list")
def users_list(config_path: ConfigOption = None) -> None:
    """List staff accounts (never their password hashes)."""
    from sqlmodel import Session

    from tracker.read.timefmt import format_short as when
    from tracker.staff.users import list_users

    config = _load(config_path)
    table = Table(title="Medewerkers")
    for column in ("gebruiker", "actief", "aangemaakt", "laatst ingelogd"):
        table.add_column(column)
    with Session(_engine(config)) as session:
        for user in list_users(session):
            table.add_row(
                user.username,
                "ja" if user.active else "nee",
                when(user.created_at),
                when(user.last_login_at),
            )
    console.print(table)


def main() -> None:
    app()
