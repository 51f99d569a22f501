"""`gtx bench …`: benchmarks on the embedded chain."""
from __future__ import annotations

import json

import typer
from rich.table import Table

from .common import Settings, console

app = typer.Typer(help="Benchmarks on the embedded chain (LiteSVM)", no_args_is_help=True)


@app.command("blockbench")
def bench_blockbench(ctx: typer.Context) -> None:
    """Compute units of every BLOCKBENCH instruction in LiteSVM."""
    from gridtokenx_cli.bench import blockbench_cu

    rows = blockbench_cu.measure()
    if isinstance(ctx.obj, Settings) and ctx.obj.json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="BLOCKBENCH compute units (LiteSVM)")
    def numeric(v) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    for col in rows[0]:
        table.add_column(str(col), justify="right" if numeric(rows[0][col]) else "left")
    for row in rows:
        table.add_row(*(f"{v:,}" if numeric(v) else ("yes" if v is True else "no" if v is False else str(v))
                        for v in row.values()))
    console.print(table)
