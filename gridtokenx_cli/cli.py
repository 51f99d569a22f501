"""`gtx`: the GridTokenX operator CLI (Typer + Rich)."""
from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import asdict

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="GridTokenX operator toolkit", no_args_is_help=True, add_completion=False)
bench_app = typer.Typer(help="Benchmarks on the embedded chain (LiteSVM)", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


@app.command()
def build(
    programs: list[str] = typer.Argument(None, help="program crates under programs/ (default: all)"),
    no_idl: bool = typer.Option(False, "--no-idl", help="skip IDL generation"),
    as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
) -> None:
    """Build programs/* offline into target/deploy/<name>.so and write idl/<name>.json."""
    from gridtokenx_cli.toolchain.build import BuildError, build_programs

    try:
        with console.status("building SBF programs (cold: several minutes)", spinner="dots") if not as_json else nullcontext():
            results = build_programs(programs or None, idl=not no_idl, log=lambda m: err_console.print(f"[dim]{m}[/dim]"))
    except BuildError as e:
        fail(str(e))
    if as_json:
        print(json.dumps([asdict(r) | {"cache_hit": r.cache_hit} for r in results], indent=2))
        return
    table = Table(title="gtx build")
    for col, justify in [("program", "left"), (".so bytes", "right"), ("instructions", "right"),
                         ("seconds", "right"), ("cache", "left"), ("IDL", "left")]:
        table.add_column(col, justify=justify)
    for r in results:
        cache = "hit" if r.cache_hit else ("cargo fresh, relinked" if r.cargo_fresh else "miss")
        table.add_row(r.name, f"{r.size:,}", f"{r.insns:,}", f"{r.seconds:.1f}", cache, r.idl_path or "-")
    console.print(table)


@bench_app.command("blockbench")
def bench_blockbench(as_json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """Compute units of every BLOCKBENCH instruction in LiteSVM."""
    from gridtokenx_cli.bench import blockbench_cu

    rows = blockbench_cu.measure()
    if as_json:
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


if __name__ == "__main__":
    app()
