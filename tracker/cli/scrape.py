"""``tracker scrape`` output: live progress per source, the result table and full errors.

On a terminal a rich progress display shows every source's requests, items and errors while
it runs; elsewhere (cron, a pipe) each source gets one plain line when it finishes, so a long
run is never silent and the output needs no terminal to read.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import Engine

from tracker.config import Config
from tracker.ingest.pipeline import RunResult, run_sources
from tracker.read.describe import count_nl
from tracker.read.errors_nl import message_nl as message_nl  # the shared Dutch wording

STATUS_NL = {
    "ok": "ok",
    "unchanged": "ongewijzigd",
    "degraded": "deels gelukt",
    "failed": "mislukt",
    "refused": "overgeslagen",
}


def status_nl(status: str) -> str:
    return STATUS_NL.get(str(status), str(status))


def _errors(result: RunResult) -> int:
    return result.items_skipped + (1 if result.error else 0)


def _requests(n: int) -> str:
    return count_nl(n, "verzoek", "verzoeken")


def _items(n: int) -> str:
    return count_nl(n, "item", "items")


def _fouten(n: int) -> str:
    return count_nl(n, "fout", "fouten")


def source_line(config: Config, result: RunResult) -> str:
    """One plain line per finished source, for logs and cron mail."""
    title = config.sources[result.source_id].title if result.source_id in config.sources else ""
    name = f"{result.source_id} ({title})" if title else result.source_id
    seconds = f"{result.duration:.1f}".replace(".", ",")
    line = (
        f"{name}: {status_nl(result.status)}, {_requests(result.requests)}, "
        f"{_items(result.items_found)}, {_fouten(_errors(result))}, {seconds} s"
    )
    return line + (f": {message_nl(result.error)}" if result.error else "")


def _run_live(config: Config, engine: Engine, ids: list[str], console: Console) -> list[RunResult]:
    columns = (
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[requests]}"),
        TextColumn("{task.fields[items]}"),
        TextColumn("{task.fields[errors]}"),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        tasks: dict[str, TaskID] = {
            sid: progress.add_task(
                sid,
                total=1,
                requests=_requests(0),
                items=_items(0),
                errors=_fouten(0),
                status="bezig",
            )  # fmt: skip
            for sid in ids
        }

        def fetched(source_id: str, requests: int, items: int) -> None:
            progress.update(tasks[source_id], requests=_requests(requests), items=_items(items))

        def done(result: RunResult) -> None:
            progress.update(
                tasks[result.source_id],
                completed=1,
                requests=_requests(result.requests),
                items=_items(result.items_found),
                errors=_fouten(_errors(result)),
                status=status_nl(result.status),
            )

        return run_sources(config, engine, ids, on_done=done, on_progress=fetched)


def _run_plain(config: Config, engine: Engine, ids: list[str], console: Console) -> list[RunResult]:
    console.print(
        f"Ophalen: {count_nl(len(ids), 'bron', 'bronnen')}", markup=False, highlight=False
    )

    def done(result: RunResult) -> None:
        console.print(source_line(config, result), markup=False, highlight=False)

    return run_sources(config, engine, ids, on_done=done)


def result_table(results: list[RunResult]) -> Table:
    table = Table(title="Resultaat")
    columns = ("bron", "status", "verzoeken", "items", "nieuw", "periodes", "signalen", "fouten")
    for column in columns:
        table.add_column(column)
    for r in results:
        style = "red" if r.status == "failed" else ("yellow" if r.status == "degraded" else "")
        table.add_row(
            r.source_id,
            status_nl(r.status),
            str(r.requests),
            str(r.items_found),
            str(r.schemes_new),
            str(r.windows_new),
            str(r.events_created),
            str(_errors(r)),
            style=style,
        )
    return table


def scrape_and_report(
    config: Config,
    engine: Engine,
    ids: list[str],
    console: Console,
) -> bool:
    """Run with progress, print the table and every error in full; True when none failed."""
    run = _run_live if console.is_terminal else _run_plain
    results = run(config, engine, ids, console)
    console.print(result_table(results))
    for r in results:
        if r.error:
            # in full below the table: cron mails this output and table cells are short
            line = f"{r.source_id}: {status_nl(r.status)}: {message_nl(r.error)}"
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    return all(r.status != "failed" for r in results)
