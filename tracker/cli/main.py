"""Command line: the one place that loads config and wires the parts together.

Exit codes: 0 success, 1 a source or delivery failed, 2 bad configuration or usage, 3 the
database cannot be used (one line says why; never a traceback).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import sqlalchemy as sa
import typer
from rich.table import Table
from sqlalchemy.engine import Engine

from tracker.cli.output import console, err_console
from tracker.cli.scrape import scrape_and_report
from tracker.cli.users import users_app
from tracker.config import Config, load_config, masked_dump
from tracker.db import describe_error, make_engine, open_database, session_scope, upgrade_schema
from tracker.errors import ConfigError, DatabaseError

logger = logging.getLogger(__name__)

# plain click help (rich_markup_mode=None): no "<bool>" type placeholders, any width
app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Subsidie-tracker: volgt subsidieregelingen van Rijk, provincies en EU en hun "
    "aanvraagperiodes, en meldt wijzigingen via feeds, agenda en e-mail.",
)
config_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Configuratie.")
db_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Database.")
app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")
feeds_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Feeds.")
app.add_typer(feeds_app, name="feeds")
app.add_typer(users_app, name="users")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="configuratiebestand (anders $TRACKER_CONFIG, anders ./config.toml)"
    ),
]


def _load(path: Path | None) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        err_console.print(f"[bold red]Configuratiefout[/]: {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None


def _engine(config: Config) -> Engine:
    """The checked database (reachable, schema current, writable), else one line and exit 3."""
    try:
        return open_database(config.database.url)
    except DatabaseError as exc:
        _database_error(str(exc))


def _database_error(message: str) -> NoReturn:
    err_console.print(
        f"[bold red]Databasefout[/]: {message}", markup=True, highlight=False, soft_wrap=True
    )
    raise typer.Exit(3)


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="meer meldingen (logniveau INFO)")
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@config_app.command("check")
def config_check(config_path: ConfigOption = None) -> None:
    """Controleer de configuratie en toon haar met gemaskeerde geheimen."""
    config = _load(config_path)
    console.print_json(json.dumps(masked_dump(config)))
    console.print(f"[green]OK[/]: {len(config.sources)} bronnen in {config.path}")


@db_app.command("upgrade")
def db_upgrade(config_path: ConfigOption = None) -> None:
    """Werk het databaseschema bij (nodig vóór het eerste gebruik op PostgreSQL)."""
    config = _load(config_path)
    try:
        engine = make_engine(config.database.url, upgrade=False)
        upgrade_schema(engine)
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        _database_error(describe_error(exc, config.database.url))
    console.print("Database bijgewerkt.")


@app.command()
def scrape(
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", metavar="BRON", help="alleen deze bron (id; herhaalbaar)"),
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Haal alle (of de gekozen) bronnen één keer op; exit 1 als een bron mislukt."""
    config = _load(config_path)
    ids = source or config.enabled_sources()
    _known_sources(config, ids)
    ok = scrape_and_report(config, _engine(config), ids, console)
    raise typer.Exit(0 if ok else 1)


def _known_sources(config: Config, ids: list[str]) -> None:
    """Exit 2 naming the valid ids when one is unknown (a typo should say what exists)."""
    unknown = [s for s in ids if s not in config.sources]
    if unknown:
        err_console.print(
            f"Onbekende bron: {', '.join(unknown)}. Geldige bronnen: {', '.join(config.sources)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)


@app.command()
def serve(
    config_path: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="adres (anders [web] host)")] = None,
    port: Annotated[int | None, typer.Option(help="poort (anders [web] port)")] = None,
) -> None:
    """Serveer dashboard, feeds, aanmeldpagina's en JSON-API."""
    import uvicorn

    from tracker.web.app import create_app

    config = _load(config_path)
    application = create_app(config, _engine(config))
    uvicorn.run(application, host=host or config.web.host, port=port or config.web.port)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="poort voor dashboard en feeds")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="alleen ophalen en samenvatten, niet serveren")
    ] = False,
    database: Annotated[
        Path, typer.Option(help="SQLite-bestand van de demo (blijft bewaard)")
    ] = Path("data/demo.db"),
    fresh: Annotated[
        bool, typer.Option("--fresh", help="begin met een lege demo-database")
    ] = False,
    config_path: ConfigOption = None,
) -> None:
    """Speel de meegeleverde brongegevens lokaal af, haal ze op en serveer de app."""
    from tracker.cli.demo import run_demo

    config = _load(config_path)
    raise typer.Exit(
        run_demo(
            config,
            port=port,
            serve=not no_serve,
            database=database,
            console=console,
            scrape=lambda c, e, ids: scrape_and_report(c, e, ids, console),
            fresh=fresh,
        )
    )


@app.command()
def extract(
    today: Annotated[
        str | None, typer.Option(help="peildatum JJJJ-MM-DD (anders vandaag in Nederland)")
    ] = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help='JSON-regels in en uit (veld "text")')
    ] = False,
) -> None:
    """Lees regelingstekst op stdin en schrijf de aanvraagperiodes als JSON."""
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
    """Toon de geconfigureerde bronnen en wat hun scrapers doen."""
    import scrapers
    from tracker.cli.sources import repository_text, scraper_text

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
        note = repository_text(src.verified_note) if src.verified_note else ""
        if note:
            console.print(f"{sid}: {note}", markup=False, highlight=False)
    for name, cls in scrapers.all_scrapers().items():
        console.print(f"[bold]{name}[/]: {cls.title}")
        console.print(scraper_text(cls.__doc__), markup=False, highlight=False)


@app.command()
def check(
    source: Annotated[str, typer.Argument(help="bron-id (zie tracker sources)")],
    url: Annotated[
        str | None, typer.Option(help="haal deze URL op met de scraper van de bron")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Haal één bron op en toon wat zou worden opgeslagen, zonder de database te wijzigen."""
    from tracker.cli.verify import run_check

    config = _load(config_path)
    if source not in config.sources:
        err_console.print(f"Onbekende bron: {source}")
        raise typer.Exit(2)
    raise typer.Exit(run_check(config, source, url, console))


@app.command()
def record(
    source: Annotated[str, typer.Argument(help="bron-id (zie tracker sources)")],
    directory: Annotated[Path, typer.Argument(help="map voor de opgeslagen antwoorden")],
    url: Annotated[
        str | None, typer.Option(help="haal deze URL op met de scraper van de bron")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Bewaar de live antwoorden van één bron, met headers, als testbestanden."""
    from tracker.cli.verify import run_record

    config = _load(config_path)
    if source not in config.sources:
        err_console.print(f"Onbekende bron: {source}")
        raise typer.Exit(2)
    raise typer.Exit(run_record(config, source, directory, console, url=url))


@app.command()
def tick(config_path: ConfigOption = None) -> None:
    """Maak de tijdgebonden signalen die nu aan de beurt zijn (opent, sluit binnenkort …)."""
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
    """Verstuur wachtende meldingen, overzichten en bevestigingen; exit 1 bij bezorgfouten."""
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
    """Draai de planner: bronnen volgens hun schema, elk uur tick, regelmatig notify."""
    from tracker.ops.schedule import run_scheduler

    config = _load(config_path)
    run_scheduler(config, _engine(config))


@feeds_app.command("export")
def feeds_export(
    directory: Annotated[Path, typer.Argument(help="map voor de bestanden")],
    config_path: ConfigOption = None,
) -> None:
    """Schrijf alle standaardfeeds (RSS, Atom, iCalendar) als statische bestanden."""
    from feeds.export import export_feeds

    config = _load(config_path)
    written = export_feeds(config, _engine(config), directory, now=datetime.now(UTC))
    console.print(f"{len(written)} bestanden geschreven naar {directory}")


def main() -> None:
    try:
        app()
    except DatabaseError as exc:
        err_console.print(f"Databasefout: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise SystemExit(3) from None
    except sa.exc.OperationalError as exc:  # e.g. the file became read-only while running
        err_console.print(f"Databasefout: {describe_error(exc, '')}", soft_wrap=True)
        raise SystemExit(3) from None
