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


@app.command("programs")
def bench_programs(ctx: typer.Context) -> None:
    """Compute units of every instruction of the five GridTokenX programs on a fresh platform in LiteSVM."""
    from gridtokenx_cli.bench import programs_cu

    rows = programs_cu.measure()
    failed = [r for r in rows if not r["ok"]]
    if isinstance(ctx.obj, Settings) and ctx.obj.json:
        print(json.dumps(rows, indent=2))
    else:
        table = Table(title="GridTokenX programs: compute units per instruction (LiteSVM)")
        table.add_column("instruction", no_wrap=True)
        table.add_column("CU", justify="right", no_wrap=True)
        table.add_column("in CPIs", justify="right", no_wrap=True)
        table.add_column("ref. CU", justify="right", no_wrap=True)
        table.add_column("ok", no_wrap=True)
        table.add_column("note")
        program = None
        for r in rows:
            if r["program"] != program:
                if program is not None:
                    table.add_section()
                program = r["program"]
                table.add_row(f"[bold]{program}[/bold]")
            ref = f"{r['reference_cu']:,}" if r["reference_cu"] else ""
            ok = "yes" if r["ok"] else "[red]no[/red]"
            note = r["note"] if r["ok"] else f"[red]{r.get('error', '')}[/red]"
            table.add_row(f"  {r['instruction']}", f"{r['cu']:,}", f"{r['cpi_cu']:,}", ref, ok, note)
        console.print(table)
        console.print("ref. CU: published figures of another implementation (issue_erc ≈ 68,000). "
                      "'in CPIs': the part of CU spent in invoked programs.")
    if failed:
        raise typer.Exit(1)
