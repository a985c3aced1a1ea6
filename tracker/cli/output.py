"""Rich consoles for the command line, and loading the configuration or exiting with 2.

Off a terminal (a pipe, a file, cron mail) rich would wrap everything at 80 columns and cut
table cells; there the console is as wide as the text needs instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console, ConsoleDimensions
from rich.markup import escape

from tracker.errors import ConfigError

if TYPE_CHECKING:
    from tracker.config import Config

OFF_TERMINAL_WIDTH = 1000


class CliConsole(Console):
    """A console that only wraps lines on an interactive terminal.

    Off a terminal $COLUMNS is ignored too (CI and cron often export 80); a width given in
    code still counts.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fixed_width = kwargs.get("width") is not None

    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        if self.is_terminal or self._fixed_width:
            return size
        return ConsoleDimensions(OFF_TERMINAL_WIDTH, size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


console = CliConsole()
err_console = CliConsole(stderr=True)


def load_or_exit(path: Path | None) -> Config:
    """The configuration, or a Dutch message on stderr and exit code 2."""
    from tracker.config import load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        err_console.print(
            f"[bold red]Configuratiefout[/]: {escape(str(exc))}", markup=True, highlight=False
        )
        raise typer.Exit(2) from None
