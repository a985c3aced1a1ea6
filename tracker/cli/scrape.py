"""``tracker scrape`` output: live progress per source, the result table and full errors.

On a terminal, for a few sources, a rich progress display shows every source's requests, items
and errors while it runs, then a result table. Elsewhere (cron, a pipe) and for many sources
the output is plain lines, cheap to print and to read in cron mail: one line for every source
that needs a look (failed, partly failed, refused, or with new schemes, windows or signals) as
it finishes, then one total line with the count per status. A quiet source (unchanged, or ok
without news) prints nothing of its own: 500 unchanged pages give two lines, not a 500-row
table whose layout alone costs more CPU than the scrape.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from tracker.ingest.pipeline import RunResult, run_sources
from tracker.read.describe import count_nl
from tracker.read.errors_nl import message_nl as message_nl  # the shared Dutch wording

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy.engine import Engine

    from tracker.config import Config

# More sources than this get the plain lines on a terminal too: a live display and a table of
# hundreds of rows are unreadable and cost CPU (rich redraws the display ten times a second).
MANY_SOURCES = 20
QUIET = ("ok", "unchanged")

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


def _news(schemes: int, windows: int, events: int) -> list[str]:
    """The nonzero counts of what a run added, in Dutch ('3 nieuwe regelingen', '1 signaal')."""
    news = [
        (schemes, "nieuwe regeling", "nieuwe regelingen"),
        (windows, "nieuwe periode", "nieuwe periodes"),
        (events, "signaal", "signalen"),
    ]
    return [count_nl(n, one, many) for n, one, many in news if n]


def _message(result: RunResult) -> str:
    """The run's error in Dutch; a refusal's reason without its "overgeslagen: " (the status)."""
    return message_nl(result.error.removeprefix("overgeslagen: "))


def noteworthy(result: RunResult) -> bool:
    """True when the source needs a look or brought news; False for a quiet source."""
    news = result.schemes_new or result.windows_new or result.events_created
    return result.status not in QUIET or bool(result.error) or bool(news)


def source_line(config: Config, result: RunResult) -> str:
    """One plain line per finished source, for logs and cron mail."""
    title = config.sources[result.source_id].title if result.source_id in config.sources else ""
    name = f"{result.source_id} ({title})" if title else result.source_id
    seconds = f"{result.duration:.1f}".replace(".", ",")
    parts = [
        status_nl(result.status),
        _requests(result.requests),
        _items(result.items_found),
        *_news(result.schemes_new, result.windows_new, result.events_created),
        _fouten(_errors(result)),
        f"{seconds} s",
    ]
    line = f"{name}: {', '.join(parts)}"
    return line + (f": {_message(result)}" if result.error else "")


def total_line(results: list[RunResult]) -> str:
    """One line for the whole run: sources per status, then requests, items, news, errors."""
    statuses = Counter(str(r.status) for r in results)
    order = [*STATUS_NL, *sorted(set(statuses) - set(STATUS_NL))]
    per_status = ", ".join(f"{statuses[s]} {status_nl(s)}" for s in order if statuses[s])
    sources = count_nl(len(results), "bron", "bronnen")
    parts = [
        f"{sources} ({per_status})" if per_status else sources,
        _requests(sum(r.requests for r in results)),
        _items(sum(r.items_found for r in results)),
        *_news(
            sum(r.schemes_new for r in results),
            sum(r.windows_new for r in results),
            sum(r.events_created for r in results),
        ),
        _fouten(sum(_errors(r) for r in results)),
    ]
    return "Totaal: " + ", ".join(parts)


def _run_live(config: Config, engine: Engine, ids: list[str], console: Console) -> list[RunResult]:
    from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

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
        if noteworthy(result):
            line = source_line(config, result)
            console.print(line, markup=False, highlight=False, soft_wrap=True)

    results = run_sources(config, engine, ids, on_done=done)
    console.print(total_line(results), markup=False, highlight=False, soft_wrap=True)
    return results


def result_table(results: list[RunResult]) -> Table:
    from rich.table import Table

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
    *,
    quiet: bool = False,
) -> bool:
    """Run with progress, print the summary and every error in full; True when none failed.

    ``quiet`` (cron): print only the lines of failed and degraded sources."""
    if quiet:
        results = run_sources(config, engine, ids)
        for r in results:
            if r.status in ("failed", "degraded"):
                line = source_line(config, r)
                console.print(line, markup=False, highlight=False, soft_wrap=True)
        return all(r.status != "failed" for r in results)
    if not console.is_terminal or len(ids) > MANY_SOURCES:
        results = _run_plain(config, engine, ids, console)  # errors are in the source lines
        return all(r.status != "failed" for r in results)
    results = _run_live(config, engine, ids, console)
    console.print(result_table(results))
    for r in results:
        if r.error:
            # in full below the table: cron mails this output and table cells are short
            line = f"{r.source_id}: {status_nl(r.status)}: {_message(r)}"
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    return all(r.status != "failed" for r in results)
