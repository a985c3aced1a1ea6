"""Command line: the one place that loads config and wires the parts together.

Exit codes: 0 success, 1 a source or delivery failed, 2 bad configuration or usage, 3 the
database cannot be used (one line says why; never a traceback).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from tracker.cli.output import console, err_console
from tracker.cli.users import users_app
from tracker.errors import ConfigError, DatabaseError
from tracker.ops.jsonlog import configure_logging

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from tracker.config import Config

# Each command imports what it needs itself: `tracker scrape` (cron) and `tracker --help` should
# not load Alembic, the web app, rich tables or the extractor they never use (issue 14).

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
    from tracker.config import load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        err_console.print(f"[bold red]Configuratiefout[/]: {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None


def _load_for_source(path: Path | None, source: str) -> Config:
    """The configuration, else exit 2 when it does not know the source."""
    config = _load(path)
    if source not in config.sources:
        err_console.print(f"Onbekende bron: {source}")
        raise typer.Exit(2)
    return config


# SQLite page cache per connection of `tracker scrape` (SQLite's default is 2,000 KiB): a
# scrape reads few pages more than once, and the default cost a 500-page first cycle 2.5 MB of
# its peak memory over its three connections, at no measurable speed (issue 14)
SCRAPE_PAGE_CACHE_KIB = 512


def _engine(config: Config, *, page_cache_kib: int | None = None) -> Engine:
    """The checked database (reachable, schema current, writable), else one line and exit 3."""
    from tracker.db import open_database

    try:
        return open_database(config.database.url, page_cache_kib=page_cache_kib)
    except DatabaseError as exc:
        _database_error(str(exc))


def _database_error(message: str) -> NoReturn:
    err_console.print(
        f"[bold red]Databasefout[/]: {message}", markup=True, highlight=False, soft_wrap=True
    )
    raise typer.Exit(3)


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


_LOG_FORMAT = LogFormat.TEXT


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="meer meldingen (logniveau INFO)")
    ] = False,
    log_format: Annotated[
        LogFormat,
        typer.Option("--log-format", help="logregels als tekst of als één JSON-object per regel"),
    ] = LogFormat.TEXT,
) -> None:
    global _LOG_FORMAT
    _LOG_FORMAT = log_format
    configure_logging(logging.INFO if verbose else logging.WARNING, log_format.value)


@config_app.command("check")
def config_check(config_path: ConfigOption = None) -> None:
    """Controleer de configuratie en toon haar met gemaskeerde geheimen."""
    from tracker.config import masked_dump

    config = _load(config_path)
    console.print_json(json.dumps(masked_dump(config)))
    console.print(f"[green]OK[/]: {len(config.sources)} bronnen in {config.path}")


@db_app.command("upgrade")
def db_upgrade(config_path: ConfigOption = None) -> None:
    """Werk het databaseschema bij (nodig vóór het eerste gebruik op PostgreSQL)."""
    import sqlalchemy as sa

    from tracker.db import describe_error, make_engine, upgrade_schema

    config = _load(config_path)
    try:
        engine = make_engine(config.database.url, upgrade=False)
        upgrade_schema(engine)
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        _database_error(describe_error(exc, config.database.url))
    console.print("Database bijgewerkt.")


# for cron: a line of output is a mail to the operator, so only trouble prints
QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="niets afdrukken als alles goed ging (voor cron)"),
]


@app.command()
def scrape(
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", metavar="BRON", help="alleen deze bron (id; herhaalbaar)"),
    ] = None,
    config_path: ConfigOption = None,
    quiet: QuietOption = False,
    due: Annotated[
        bool,
        typer.Option(
            "--due",
            help="alleen bronnen waarvan het schema (schedule) sinds hun vorige run afging "
            "(voor cron)",
        ),
    ] = False,
) -> None:
    """Haal alle (of de gekozen) bronnen één keer op; exit 1 als een bron mislukt."""
    from tracker.cli.scrape import scrape_and_report
    from tracker.ingest.overrides import staff_source_ids

    config = _load(config_path)
    engine = _engine(config, page_cache_kib=SCRAPE_PAGE_CACHE_KIB)
    staff = staff_source_ids(config, engine)  # added on the dashboard, run with the rest
    ids = source or config.enabled_sources() + staff
    _known_sources(config, ids, staff)
    if due:
        from tracker.ops.due import due_sources

        ids = due_sources(config, engine, ids, datetime.now(UTC))
        if not ids:
            engine.dispose()
            if not quiet:
                console.print("Geen bron aan de beurt.")
            raise typer.Exit(0)
    ok = scrape_and_report(config, engine, ids, console, quiet=quiet)
    engine.dispose()  # the connection closed properly (SQLite checkpoints its WAL file)
    _finished.append("scrape")  # main() may end the process without its teardown
    raise typer.Exit(0 if ok else 1)


# commands that finished with everything stored and closed (see main)
_finished: list[str] = []


def _exit_without_teardown(code: int) -> NoReturn:
    """End the process without the interpreter's teardown, which frees a scrape's objects one
    by one: ~30-60 ms of a 1.3 s cron cycle (issue 14). Only from ``main``, the process's
    entry point (an app invoked in-process, as by CliRunner, returns normally), and only after
    a command that stored and closed everything; output and log handlers are flushed here.
    Under coverage measurement (the test suite's subprocesses) the normal exit runs, so
    coverage can save its data."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code)


def _known_sources(config: Config, ids: list[str], staff: Sequence[str] = ()) -> None:
    """Exit 2 naming the valid ids when one is unknown (a typo should say what exists)."""
    known = [*config.sources, *staff]
    unknown = [s for s in ids if s not in known]
    if unknown:
        err_console.print(
            f"Onbekende bron: {', '.join(unknown)}. Geldige bronnen: {', '.join(known)}",
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
    # with --log-format json uvicorn's loggers go through the root logger's JSON handler
    log_config = None if _LOG_FORMAT == LogFormat.JSON else uvicorn.config.LOGGING_CONFIG
    uvicorn.run(
        application,
        host=host or config.web.host,
        port=port or config.web.port,
        log_config=log_config,
    )


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
    from tracker.cli.scrape import scrape_and_report

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
    from rich.table import Table

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
    _print_last_runs(config)
    for sid, src in config.sources.items():
        note = repository_text(src.verified_note) if src.verified_note else ""
        if note:
            console.print(f"{sid}: {note}", markup=False, highlight=False)
    for name, cls in scrapers.all_scrapers().items():
        console.print(f"[bold]{name}[/]: {cls.title}")
        console.print(scraper_text(cls.__doc__), markup=False, highlight=False)


def _print_last_runs(config: Config) -> None:
    """The newest run of every source, a refused one with its reason (issue 13)."""
    import sqlalchemy as sa
    from rich.table import Table
    from sqlmodel import col, select

    from tracker.cli.scrape import STATUS_NL
    from tracker.db import open_database, session_scope, sqlite_path
    from tracker.models import ScrapeRun
    from tracker.read.errors_nl import message_nl

    path = sqlite_path(config.database.url)
    if path is not None and not path.exists():
        console.print("Laatste runs: nog geen database.", markup=False, highlight=False)
        return
    try:
        engine = open_database(config.database.url, writable=False)
    except DatabaseError as exc:
        console.print(f"Laatste runs onbekend: {exc}", markup=False, highlight=False)
        return
    try:
        with session_scope(engine) as session:
            newest = (
                select(ScrapeRun.source_id, sa.func.max(col(ScrapeRun.id)).label("id"))
                .group_by(col(ScrapeRun.source_id))
                .subquery()
            )
            runs = {
                run.source_id: run
                for run in session.exec(
                    select(ScrapeRun).join(newest, col(ScrapeRun.id) == newest.c.id)
                ).all()
            }
    finally:
        engine.dispose()
    table = Table(title="Laatste run")
    for column in ("bron", "status", "begonnen (UTC)", "items", "melding"):
        table.add_column(column)
    for sid in config.sources:
        run = runs.get(sid)
        if run is None:
            table.add_row(sid, "nog nooit", "", "", "")
            continue
        message = message_nl(run.error.removeprefix("overgeslagen: "))
        table.add_row(
            sid,
            STATUS_NL.get(run.status, run.status),
            f"{run.started_at:%Y-%m-%d %H:%M}",
            "" if run.status == "refused" else str(run.items_found),
            message,
        )
    console.print(table)


@app.command()
def backup(
    target: Annotated[Path, typer.Argument(help="bestand voor de kopie (wordt overschreven)")],
    config_path: ConfigOption = None,
) -> None:
    """Maak een consistente kopie van de SQLite-database, ook terwijl er geschreven wordt."""
    from tracker.db import backup_sqlite, open_database, sqlite_path

    config = _load(config_path)
    if sqlite_path(config.database.url) is None:
        err_console.print(
            "tracker backup werkt alleen met een SQLite-bestand. Maak van PostgreSQL een "
            "back-up met pg_dump, bijvoorbeeld: pg_dump --format=custom "
            "--file=tracker.dump <database-URL> (zie README, Operations).",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    try:
        open_database(config.database.url, writable=False).dispose()  # exists, current
        pages = backup_sqlite(config.database.url, target)
    except DatabaseError as exc:
        _database_error(str(exc))
    console.print(f"Back-up geschreven naar {target} ({pages} pagina's).")


@db_app.command("prune")
def db_prune(
    days: Annotated[
        int | None,
        typer.Option(min=1, help="bewaartermijn in dagen (anders [http] body_retention_days)"),
    ] = None,
    validators: Annotated[
        bool,
        typer.Option(
            "--ook-validators",
            help="verwijder ook oude ETag/Last-Modified met hun inhoud "
            "(de volgende ophaalactie is dan onvoorwaardelijk)",
        ),
    ] = False,
    config_path: ConfigOption = None,
) -> None:
    """Verwijder opgeslagen HTTP-inhoud van pagina's die lang niet zijn opgehaald."""
    from tracker.db import session_scope
    from tracker.ops.retention import prune_http_bodies

    config = _load(config_path)
    keep = days if days is not None else config.http.body_retention_days
    if keep <= 0:
        console.print("Bewaartermijn 0: er wordt niets verwijderd.")
        return
    engine = _engine(config)
    try:
        with session_scope(engine) as session:
            pruned = prune_http_bodies(session, datetime.now(UTC), keep, validators=validators)
    finally:
        engine.dispose()
    console.print(
        f"Ouder dan {keep} dagen: {pruned.bodies} opgeslagen pagina's geleegd, "
        f"{pruned.entries} met validators verwijderd."
    )


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

    config = _load_for_source(config_path, source)
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

    config = _load_for_source(config_path, source)
    raise typer.Exit(run_record(config, source, directory, console, url=url))


@app.command()
def tick(config_path: ConfigOption = None, quiet: QuietOption = False) -> None:
    """Maak de tijdgebonden signalen die nu aan de beurt zijn (opent, sluit binnenkort …)."""
    from tracker.alerts.lifecycle import tick as run_tick
    from tracker.db import session_scope
    from tracker.ops.schedule import record_heartbeat

    config = _load(config_path)
    engine = _engine(config)
    try:
        with session_scope(engine) as session:
            now = datetime.now(UTC)
            events = run_tick(session, config.alerts, now, config.review)
            record_heartbeat(session, "tick", now)  # GET /readyz shows the last tick
    finally:
        engine.dispose()
    if not quiet:
        console.print(f"{len(events)} nieuwe signalen.")


@app.command()
def notify(config_path: ConfigOption = None, quiet: QuietOption = False) -> None:
    """Verstuur wachtende meldingen, overzichten en bevestigingen; exit 1 bij bezorgfouten."""
    from tracker.alerts.notify import notify as run_notify

    config = _load(config_path)
    engine = _engine(config)
    try:
        result = run_notify(config, engine)
    finally:
        engine.dispose()
    if not quiet or result.error or result.rejected:
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
    # Everything imported so far lives as long as the process: keep it out of the cyclic
    # garbage collector, whose full passes over ~100,000 objects cost ~0.1 s each (issue 14).
    gc.freeze()
    try:
        app()
    except SystemExit as exc:
        if _finished and "coverage" not in sys.modules and isinstance(exc.code, int):
            _exit_without_teardown(exc.code)
        raise
    except DatabaseError as exc:
        err_console.print(f"Databasefout: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise SystemExit(3) from None
    except Exception as exc:
        # sqlalchemy is not imported unless a command used it, and then its error is known
        sa_exc = sys.modules.get("sqlalchemy.exc")
        if sa_exc is None or not isinstance(exc, sa_exc.OperationalError):
            raise
        # e.g. the file became read-only while running
        from tracker.db import describe_error

        err_console.print(f"Databasefout: {describe_error(exc, '')}", soft_wrap=True)
        raise SystemExit(3) from None
