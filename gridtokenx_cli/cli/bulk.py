"""What the bulk commands (`gtx registry register-meters`, `gtx oracle submit-readings`) share: reading the CSV
(every problem reported at once, exit 2), the progress bar, the summary and the exit code (1 when rows failed)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .common import EXIT_USAGE, emit, err_console, fail, kv_table

ResultsOption = typer.Option(None, "--results", help="per-row result file (default: FILE.results.csv next to FILE); "
                             "rows it lists as done are skipped on a rerun")
WindowOption = typer.Option(256, "--window", min=1, help="rpc: transactions in flight at once")


def read_rows(parse: Callable[[], list]) -> list:
    """`parse()`'s rows, or every input problem on stderr and exit 2 (nothing sent)."""
    from gridtokenx_cli.bulk import BulkInputError

    try:
        return parse()
    except BulkInputError as e:
        err_console.print(f"[red]error:[/red] {e}", soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)


def land(s, action: str, rows: list, results: Path, classify, window: int) -> None:
    """Land `rows` through the chain's pipeline with a progress bar; print the summary; exit 1 if rows failed."""
    from gridtokenx_cli.bulk import add_compute_budget, land_rows, read_final_rows
    from gridtokenx_cli.chain import ChainError
    from gridtokenx_cli.chain.pipeline import pipeline_for

    try:
        finished = read_final_rows(results)
        budget = add_compute_budget(s.chain, s.signer, [r for r in rows if not r.already_done and r.row not in finished])
        with pipeline_for(s.chain, window=window) as pipeline, \
                Progress(TextColumn(action), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                         disable=s.settings.json, console=err_console) as bar:
            task = bar.add_task(action, total=len(rows))
            summary = land_rows(pipeline, s.signer, rows, results, classify,
                                progress=lambda done, total: bar.update(task, completed=done, total=total))
    except ChainError as e:
        fail(f"{action}: {e} (rows already done are in {results}; run the same command again to resume)")
    data = {"ok": summary.failed == 0, "action": action, "rows": summary.rows, "skipped": summary.skipped,
            "already_on_chain": summary.already_on_chain, "sent": summary.sent, "by_status": summary.by_status,
            "seconds": round(summary.seconds, 2),
            "rows_per_second": round(summary.sent / summary.seconds, 1) if summary.seconds else None,
            "results": summary.results_file, "compute_unit_limit": budget["limit"],
            "priority_fee": budget["price"]}
    rows_view = {k: v for k, v in data.items() if k not in ("ok", "action", "by_status")}
    rows_view.update({f"status {k}": v for k, v in sorted(summary.by_status.items())})
    emit(s.settings, data, kv_table(action, rows_view))
    if summary.failed:
        fail(f"{action}: {summary.failed} row(s) failed; see {results} (fix the cause and run the same command "
             "again: rows already done are skipped)")
