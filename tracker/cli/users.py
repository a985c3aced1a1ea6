"""``tracker users``: staff accounts for the dashboard.

The name is checked (format, not taken) before any password is asked for. On a terminal the
password is asked twice without echo; from a pipe or script it is read from stdin with
``--password-stdin`` (never through getpass, which warns and echoes without a terminal).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.output import console, err_console, load_or_exit

# The database, argon2 and rich tables are imported by the commands that use them: the `users`
# group is registered by every `tracker` command, `tracker scrape` included.

users_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="Medewerkersaccounts voor het dashboard."
)

ATTEMPTS = 3
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="configuratiebestand (anders $TRACKER_CONFIG, anders ./config.toml)"
    ),
]


def _fail(message: str) -> typer.Exit:
    err_console.print(f"Niet aangemaakt: {message}", markup=False, highlight=False)
    return typer.Exit(2)


def ask_password(ask: Callable[[str], str], say: Callable[[str], None]) -> str | None:
    """Ask for a valid password and its repetition; None after too many failed attempts."""
    from tracker.staff.users import UserError, check_password

    for _ in range(ATTEMPTS):
        password = ask("Wachtwoord: ")
        try:
            check_password(password)
        except UserError as exc:
            say(f"Te kort: {exc}.")
            continue
        if ask("Herhaal het wachtwoord: ") == password:
            return password
        say("De wachtwoorden komen niet overeen; probeer het opnieuw.")
    return None


def _password(from_stdin: bool) -> str:
    from tracker.staff.users import UserError, check_password

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            check_password(password)
        except UserError as exc:
            raise _fail(str(exc)) from None
        return password
    if not sys.stdin.isatty():
        raise _fail("geen terminal om het wachtwoord te vragen; gebruik --password-stdin")
    password = ask_password(
        getpass.getpass, lambda text: err_console.print(text, markup=False, highlight=False)
    )
    if password is None:
        raise _fail(f"{ATTEMPTS} pogingen mislukt")
    return password


@users_app.command("add")
def users_add(
    username: Annotated[
        str, typer.Argument(help="gebruikersnaam (kleine letters, cijfers, . - _)")
    ],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="lees het wachtwoord uit de eerste regel van stdin"),
    ] = False,
    config_path: ConfigOption = None,
) -> None:
    """Maak een medewerkersaccount; het wachtwoord wordt twee keer gevraagd en nooit getoond."""
    from sqlmodel import Session

    from tracker.db import make_engine, session_scope
    from tracker.staff.users import UserError, check_username, create_user

    config = load_or_exit(config_path)
    engine = make_engine(config.database.url)
    try:
        with Session(engine) as session:
            name = check_username(session, username)
        password = _password(password_stdin)
        with session_scope(engine) as session:
            create_user(session, name, password)
    except UserError as exc:
        raise _fail(str(exc)) from None
    finally:
        engine.dispose()
    console.print(f"Medewerker {name} aangemaakt.", markup=False)


@users_app.command("list")
def users_list(config_path: ConfigOption = None) -> None:
    """Toon de medewerkersaccounts (nooit hun wachtwoord-hashes)."""
    from rich.table import Table
    from sqlmodel import Session

    from tracker.db import make_engine
    from tracker.read.timefmt import format_short
    from tracker.staff.users import list_users

    config = load_or_exit(config_path)
    table = Table(title="Medewerkers")
    for column in ("gebruiker", "actief", "aangemaakt", "laatst ingelogd"):
        table.add_column(column)
    engine = make_engine(config.database.url)
    try:
        with Session(engine) as session:
            for user in list_users(session):
                table.add_row(
                    user.username,
                    "ja" if user.active else "nee",
                    format_short(user.created_at),
                    format_short(user.last_login_at),
                )
    finally:
        engine.dispose()
    console.print(table)
